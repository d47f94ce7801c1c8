"""`rag-ingest --workers N`: N processes feeding one Chroma server (more cores, or machines).

The embedding model is what bounds ingestion, so N processes each run the whole pipeline
(load → clean → chunk → embed → write) on sources they take from one shared queue: a slow
page never holds up the rest. Each source is taken once, so no article is written twice
under one source; the same text under two sources, reaching two workers at once, is found
by a sweep at the end that keeps one copy (the one stored before the run, else the lowest
id) and reports the other as a duplicate, as a single process would. An embedded store
allows one writer process, so workers need a server.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from typing import Callable

from ingest.pipeline import IngestReport, Ingestor
from rag.errors import BadInputError, RagError
from rag.settings import Settings

_DONE = None


def ingest_parallel(sources: list[str], settings: Settings, workers: int, prune: bool = False,
                    progress: Callable[[str], None] | None = None) -> IngestReport:
    from ingest.load import expand

    if not settings.chroma_url:
        raise BadInputError("--workers needs a Chroma server: an embedded store takes one writer process; "
                            "start one with 'chroma run --path DIR' and pass --chroma-url, or drop --workers")
    run = Ingestor(settings, warm=False)  # checks the store and model first; it also does the final sweep
    before = dict(run.known)  # who held what before the run
    ctx = mp.get_context("spawn")  # a fresh interpreter: no forked ONNX or HTTP state
    tasks, events = ctx.Queue(), ctx.Queue()
    for s in expand(sources):
        tasks.put(s)
    threads = max(1, (os.cpu_count() or 1) // workers)
    procs = [ctx.Process(target=_work, args=(settings.model_dump_json(), threads, tasks, events), daemon=True)
             for _ in range(workers)]
    for p in procs:
        tasks.put(_DONE)
        p.start()
    reports = _collect(events, procs, progress)
    return _finish(run, _merge(reports), before, sources if prune else None)


def _work(settings_json: str, threads: int, tasks, events) -> None:
    settings = Settings.model_validate_json(settings_json)
    settings.embedding.threads = threads
    try:
        run = Ingestor(settings, warm=False, repair=False)
        while (source := tasks.get()) is not _DONE:
            run.add(source)
            events.put(("source", source))
        events.put(("report", run.finish().to_dict()))
    except Exception as e:  # reported to the parent, which raises it there
        events.put(("error", f"{type(e).__name__}: {e}"))


def _collect(events, procs, progress) -> list[dict]:
    reports = []
    while len(reports) < len(procs):
        kind, value = events.get()
        if kind == "source" and progress:
            progress(value)
        elif kind == "report":
            reports.append(value)
        elif kind == "error":
            for p in procs:
                p.terminate()
            raise RagError(f"an ingest worker failed: {value}; run again to complete the ingest "
                           "(articles already written are kept)")
    for p in procs:
        p.join()
    return reports


def _merge(reports: list[dict]) -> IngestReport:
    out = IngestReport()
    for r in reports:
        for name in ("added", "updated", "unchanged", "removed"):
            getattr(out, name).extend(r[name])
        out.failed += [(f["source"], f["reason"]) for f in r["failed"]]
        out.duplicates += [(d["source"], d["article_id"]) for d in r["duplicates"]]
    return out


def _finish(run: Ingestor, report: IngestReport, before: dict, prune_roots) -> IngestReport:
    """The duplicate sweep, pruning if asked, one revision, and the index brought up to date."""
    run.known = run.store.table()  # what the workers wrote
    by_hash: dict[str, list] = {}
    for meta in run.known.values():
        by_hash.setdefault(meta.same_text_key, []).append(meta)
    for metas in by_hash.values():
        keep = min(metas, key=lambda m: (m.id not in before, m.id))
        for m in metas:
            if m is not keep:
                run.remove(m.id)
                report.added = [a for a in report.added if a != m.id]
                report.duplicates.append((m.source, keep.id))
    swept = set(run.report.removed)
    if prune_roots is not None:
        run.prune(list(prune_roots))
        report.removed += [a for a in run.report.removed if a not in swept]
    run.finish()
    run.warm_index()
    return report
