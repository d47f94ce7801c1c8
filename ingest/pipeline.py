"""Ingest pipeline: load → clean → chunk → embed → write, with re-ingestion users can trust.

- Identity is the source (absolute path or URL): same source, same article id.
- Unchanged content (same hash) is skipped before anything is embedded.
- Changed content: new chunks are written under the new hash, then the article record
  is committed, then the old chunks are dropped (see ``rag.store`` for why that order).
- The same text under a second source is reported as a duplicate and not stored twice.
- Sentences are what gets embedded (a chunk's vector is their mean), batched across
  articles; memory stays bounded because ``add`` flushes every few batches.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import datetime, timezone
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from ingest.chunk import Chunk, chunk
from ingest.clean import CleanDoc, clean
from ingest.load import RawDoc, SourceError, expand, is_url, load
from rag import index_cache
from rag.embedders import get_embedder
from rag.index_cache import index_root
from rag.settings import Settings
from rag.errors import StoreNotFoundError
from rag.store import EVERYTHING, ArticleMeta, ArticleStore


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, id already holding it)
    repaired_chunks: int = 0

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "removed": self.removed, "failed": [{"source": s, "reason": r} for s, r in self.failed],
                "duplicates": [{"source": s, "article_id": a} for s, a in self.duplicates]}

    def summary(self) -> str:
        dup = f", {len(self.duplicates)} duplicate" if self.duplicates else ""
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.removed)} removed, {len(self.failed)} failed{dup}")


FLUSH_CHUNKS = 512  # staged chunks that trigger embedding + writing: bounds memory on big runs


def _unit(v):
    norm = float((v ** 2).sum() ** 0.5)
    return v / norm if norm else v


def article_id(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


def content_hash(doc: CleanDoc) -> str:
    return hashlib.sha1(f"{doc.title}\x00{doc.published}\x00{doc.text}".encode("utf-8")).hexdigest()


@dataclass
class _Pending:
    meta: ArticleMeta
    text: str
    chunks: list[Chunk]
    is_new: bool


class _Rows:
    """The Chroma rows of one flush group: sentence rows, then chunk rows (in a layout-2
    store with the normalised mean of their sentences' vectors)."""

    def __init__(self, means: bool = False):
        self.sentences, self.means = 0, means  # means: a layout-2 store keeps chunk vectors
        self.sent_ids, self.sent_metas = [], []
        self.chunk_ids, self.chunk_vecs, self.chunk_metas = [], [], []

    def add(self, p: _Pending, vectors) -> None:
        a, row = p.meta, 0
        for c in p.chunks:
            cid = f"{a.id}-{a.hash[:12]}-{c.index:05d}"
            n = len(c.sentences)
            self.sent_ids += [f"{cid}:{k}" for k in range(n)]
            self.sent_metas += [{"article_id": a.id, "gen": a.hash}] * n
            self.chunk_ids.append(cid)
            self.chunk_vecs.append(_unit(vectors[row:row + n].mean(axis=0)).tolist() if self.means else None)
            self.chunk_metas.append({"article_id": a.id, "gen": a.hash, "start": c.start, "end": c.end,
                                     "sents": ",".join(f"{s}-{e}" for s, e in c.sentences)})
            row += n
        self.sentences += row


class SentenceVectors:
    """Each distinct sentence is embedded once per run: wire copies and boilerplate lines
    ("Reporting by …", "Follow us on …") recur across articles and flush groups. Bounded:
    the last ``size`` distinct sentences (~1.5 KB of vector each) are remembered."""

    def __init__(self, size: int = 8192):
        self.size, self.known = size, OrderedDict()

    def of(self, texts: list[str], embedder) -> np.ndarray:
        new = list(dict.fromkeys(t for t in texts if t not in self.known))
        for t, v in zip(new, embedder.embed_documents(new)):
            self.known[t] = v
        out = np.stack([self.known[t] for t in texts])
        for t in dict.fromkeys(texts):  # recently used: kept longest
            self.known.move_to_end(t)
        while len(self.known) > self.size:
            self.known.popitem(last=False)
        return out


class Ingestor:
    """One ingestion run over one store; feed it sources, then ``finish``."""

    def __init__(self, settings: Settings, store: ArticleStore | None = None, embedder=None, warm: bool = True,
                 repair: bool = True, vectors: SentenceVectors | None = None):
        self.settings, self.warm = settings, warm
        self.embedder = embedder or get_embedder(settings.embedding)
        self.store = store or ArticleStore.open(settings, create=True)
        self.store.check_model(self.embedder.model_id, self.embedder.dim, claim=True)
        self.report = IngestReport()
        self.known = self.store.table()
        self.by_text = {m.same_text_key: m.id for m in self.known.values()}  # duplicate check without a query
        self.pending: list[_Pending] = []
        self.vectors = vectors or SentenceVectors()  # given: embedded ahead, before a write lock
        self._pool, self._writing = None, None  # the background writer (see flush)
        self.changed = False
        # The last run died mid-write: sweep what it left. Not in a --workers worker: there "dirty"
        # may be another worker's write in flight (the parent swept before starting them).
        self.recovered = repair and self.store.is_dirty()
        if self.recovered:
            self.report.repaired_chunks = self.store.repair()
            self.changed = True

    def add_all(self, sources: list[str], progress: Callable[[str], None] | None = None,
                pruning: bool = False) -> None:
        """Files (folders expanded) and URLs, one by one, telling ``progress`` after each. A
        folder with no file this reads fails with a reason naming what it skipped (not when
        ``pruning``: emptying a folder and pruning is how its articles are removed)."""
        for given in sources:
            found = expand([given])  # empty only for a folder: files and URLs pass through
            if not found and not pruning:
                self.report.failed.append((given, nothing_to_read(Path(given).expanduser())))
            for source in found:
                self.add(source)
                if progress:
                    progress(source)

    def add(self, source: str) -> None:
        raw = _or_failed(source, lambda: load(source, self.settings.chunking.max_file_mb, self.settings.fetch.timeout),
                         self.report.failed)
        if raw is not None:
            self.add_raw(raw)

    def add_raw(self, raw: RawDoc) -> None:
        """An already loaded source (a fetched page, pasted text, an upload): cleaned, staged."""
        doc = cleaned(raw, self.report.failed)
        if doc is not None:
            self.add_clean(doc)

    def add_clean(self, doc: CleanDoc) -> None:
        """A cleaned article, staged; the staged group is embedded and written once it is big enough."""
        self._stage(doc)
        if sum(len(p.chunks) for p in self.pending) >= FLUSH_CHUNKS:
            self.flush()

    def _stage(self, doc: CleanDoc) -> None:
        aid, h = article_id(doc.source), content_hash(doc)
        old = self.known.get(aid)
        if old and old.hash == h:
            self.report.unchanged.append(aid)
            return
        th = hashlib.sha1(doc.text.encode("utf-8")).hexdigest()
        holder = self._holder_of(th, aid)
        if holder:
            self.report.duplicates.append((doc.source, holder))
            return
        chunks = _chunks(doc.text, self.settings)
        if not chunks:
            self.report.failed.append((doc.source, "empty: no sentences to index"))
            return
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        meta = ArticleMeta(aid, doc.title, doc.source, doc.published, h, len(chunks),
                           added=(old.added if old else None) or now, updated=now if old else None,
                           pages=doc.pages, text_hash=th)
        self.known[aid] = meta
        self.by_text[th] = aid
        self.pending.append(_Pending(meta, doc.text, chunks, old is None))

    def _holder_of(self, th: str, aid: str) -> str | None:
        """Another article (stored or staged in this run) holding exactly this text (its title
        and date may differ: a wire story under two headlines is one article)."""
        holder = self.by_text.get(th)
        known = self.known.get(holder) if holder else None
        return holder if holder != aid and known is not None and known.same_text_key == th else None

    def flush(self) -> None:
        """Embed every staged sentence, then hand the group to the writer: all sentences, all
        chunks, then all article records (the commit), then stale rows. Each Chroma write costs
        ~20 ms however small, so one per group, not per article. The writes of one group run
        while the next group is read and embedded (Chroma's upserts took ~14 % of an ingest);
        one group is written at a time, in order."""
        if not self.pending:
            return
        group, self.pending = self.pending, []
        vectors = self.vectors.of([t for p in group for t in _sentences(p.chunks)], self.embedder)
        self.wait()  # the previous group is committed before this one starts
        self.store.set_dirty(True)
        self.changed = True
        self._writing = self._writer().submit(self._write, group, vectors)

    def _write(self, group: list[_Pending], vectors) -> None:
        rows = _Rows(self.store.chunk_vectors)
        for p in group:
            rows.add(p, vectors[rows.sentences:rows.sentences + sum(len(c.sentences) for c in p.chunks)])
        self.store.write_sentences(rows.sent_ids, vectors, rows.sent_metas)
        self.store.write_chunks(rows.chunk_ids, rows.chunk_vecs, rows.chunk_metas)
        self.store.commit_articles([(p.meta, p.text) for p in group])
        for p in group:
            if not p.is_new:  # a new article has no old rows (a crash's leftovers were repaired at start)
                self.store.drop_stale_chunks(p.meta.id, p.meta.hash)
            (self.report.added if p.is_new else self.report.updated).append(p.meta.id)

    def _writer(self):
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-write")
        return self._pool

    def wait(self) -> None:
        """Until the group being written is committed; its error, if any, is raised here."""
        writing, self._writing = self._writing, None
        if writing is not None:
            writing.result()

    def prune(self, roots: list[str]) -> None:
        """Remove articles whose source file, inside one of ``roots`` (the files and folders this
        run was given), no longer exists. URLs, pasted text, uploads and files elsewhere are kept."""
        inside = [Path(r).expanduser().resolve() for r in roots if not is_url(r)]
        for a in list(self.known.values()):
            if not is_file_source(a.source) or Path(a.source).exists():
                continue
            if any(Path(a.source) == r or Path(a.source).is_relative_to(r) for r in inside):
                self.remove(a.id)

    def remove(self, article_id: str) -> None:
        """Delete one stored article (a duplicate found after the fact)."""
        self.wait()
        self.store.set_dirty(True)
        self.store.delete_article(article_id)
        self.known.pop(article_id, None)
        self.report.removed.append(article_id)
        self.changed = True

    def finish(self) -> IngestReport:
        self.flush()
        try:
            self.wait()
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None
        if self.changed:
            changed = self.report.added + self.report.updated + self.report.removed
            # A writer that died left no log of what it committed: readers must re-read everything.
            # The log entry goes in before the dirty flag is cleared, so no crash loses it.
            self.store.bump_revision(changed + ([EVERYTHING] if self.recovered else []))
            self.store.set_dirty(False)
            if self.warm:
                self.warm_index()
        return self.report

    def warm_index(self) -> None:
        """Bring the persisted index up to date now, so the next reader's first question
        loads it instead of reading the archive (cheap after a small change: only the
        changed articles are read; a big one is folded into a new base here)."""
        root = index_root(self.settings)
        if root is not None:
            index_cache.sync(self.store, None, root, index_cache.keeps_vectors(self.settings))


#: Sentences embedded ahead of the write lock at most (~60 MB of vectors, ~4 MB of text): the rest
#: of a longer input is embedded by the writer, in bounded groups, as any ingest is.
AHEAD_MAX = 40_000


def embed_ahead(docs: list[CleanDoc], settings: Settings, embedder, limit: int | None = None) -> SentenceVectors:
    """The sentences of these cleaned docs, embedded with nothing written: the slow half of an
    ingest, run before its writer takes a write lock, so a client that gave up while its long text
    was embedded holds up no other writer. A doc the store holds unchanged is skipped. At most
    ``limit`` distinct sentences, so memory stays bounded whatever the input (a 20 MB paste is
    ~200,000)."""
    try:
        known = ArticleStore.open(settings).metas([article_id(d.source) for d in docs])
    except StoreNotFoundError:
        known = {}
    changed = [d for d in docs if (old := known.get(article_id(d.source))) is None or old.hash != content_hash(d)]
    texts = [t for d in changed for t in _sentences(_chunks(d.text, settings))]
    texts = list(dict.fromkeys(texts))[:AHEAD_MAX if limit is None else limit]
    vectors = SentenceVectors(max(8192, len(texts)))
    if texts:
        vectors.of(texts, embedder)
    return vectors


def cleaned(raw: RawDoc, failed: list[tuple[str, str]]) -> CleanDoc | None:
    """``raw`` cleaned; None, with (source, reason) added to ``failed``, when it cannot be."""
    return _or_failed(raw.source, lambda: clean(raw), failed)


def _or_failed(source: str, make: Callable, failed: list[tuple[str, str]]):
    """``make()``, or None with (source, reason) added to ``failed``: one bad source fails alone."""
    try:
        return make()
    except SourceError as e:
        failed.append((source, str(e)))
    except Exception as e:  # noqa: BLE001 - one bad source fails alone; the run goes on
        failed.append((source, _unexpected(e)))
    return None


def _chunks(text: str, settings: Settings) -> list[Chunk]:
    return chunk(text, settings.chunking.max_chars, settings.chunking.language)


def _sentences(chunks: list[Chunk]) -> list[str]:
    """The text of every sentence of these chunks, in order: what gets a vector."""
    return [c.text[s - c.start:e - c.start] for c in chunks for s, e in c.sentences]


def nothing_to_read(folder: Path) -> str:
    """Why a folder gave no articles: empty, or only files of kinds this does not read."""
    from ingest.load import SUFFIXES

    skipped = sorted(f.name for f in folder.rglob("*") if f.is_file())[:5]
    kinds = ", ".join(sorted(set(SUFFIXES)))
    if not skipped:
        return f"the folder holds no files; put articles in it ({kinds})"
    return f"no file this reads ({kinds}) in the folder; skipped: {', '.join(skipped)}"


def _unexpected(e: Exception) -> str:
    """The reason shown for a source that broke a reader in a way no check foresaw."""
    return f"could not be read ({type(e).__name__}: {str(e)[:200]}); check the file or report it"


def is_file_source(source: str) -> bool:
    """Sources of files are absolute paths; URLs, ``pasted:`` and ``upload:`` sources are not."""
    return Path(source).is_absolute() and not is_url(source)


def ingest(sources: list[str] | str, db: str | Path | None = None, prune: bool = False, *,
           chroma_url: str | None = None, settings: Settings | None = None, collection: str | None = None,
           progress: Callable[[str], None] | None = None) -> IngestReport:
    """Ingest files, directories and URLs into the store (``collection``: which library);
    see IngestReport for the outcome."""
    settings = (settings or Settings()).override(db=Path(db) if db else None, chroma_url=chroma_url,
                                                 collection=collection)
    given = [sources] if isinstance(sources, str) else list(sources)
    run = Ingestor(settings)
    run.add_all(given, progress, pruning=prune)
    if prune:
        run.prune(given)
    return run.finish()
