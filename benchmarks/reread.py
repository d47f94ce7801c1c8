"""How fast an answering process catches up after another run changes a few articles.

Builds a store of N generated articles (the scale.py corpus), opens a long-lived reader,
re-ingests ``--changed`` edited articles, then times the reader's next ask (it re-reads
only the changed articles) against a fresh reader's first ask (a full read: what every
revision change cost before readers caught up incrementally). Vectors come from the test
suite's deterministic hash embedder, so building 5,000 articles takes ~2 minutes instead
of ~10: catching up reads the article table and chunk text, never the vectors.

    python benchmarks/reread.py [--articles 5000] [--changed 5]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tests.fakes  # noqa: E402,F401  registers the "fake" embedder
from benchmarks.quality import write_section  # noqa: E402
from benchmarks.scale import make_corpus  # noqa: E402
from ingest import ingest  # noqa: E402
from rag.embedders import get_embedder  # noqa: E402
from rag.retrieval import HybridRetriever  # noqa: E402
from rag.settings import EmbeddingSettings, Settings  # noqa: E402
from rag.store import ArticleStore  # noqa: E402

QUESTION = "Who ruled the duchy of Normandy?"


def first_ask(reader: HybridRetriever) -> float:
    t0 = time.perf_counter()
    reader.search(QUESTION, 5)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--changed", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rag-reread-"))
    try:
        corpus = work / "corpus"
        make_corpus(args.articles, corpus)
        settings = Settings(db=work / "db", embedding=EmbeddingSettings(backend="fake"))
        ingest([str(corpus)], settings=settings)
        store = ArticleStore.open(settings)
        embedder = get_embedder(settings.embedding)
        reader = HybridRetriever(store, embedder, settings.retrieval)
        start = first_ask(reader)
        edited = sorted(corpus.glob("*.md"))[:args.changed]
        for f in edited:
            f.write_text(f.read_text(encoding="utf-8") + "\nCorrection: an earlier version misdated this report.\n",
                         encoding="utf-8")
        ingest([str(f) for f in edited], settings=settings)
        caught_up = first_ask(reader)
        full = first_ask(HybridRetriever(store, embedder, settings.retrieval))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = (f"## Catching up after another run\n\nMeasured {date.today()}: `python benchmarks/reread.py --articles "
            f"{args.articles} --changed {args.changed}` ({len(reader.snap.table):,} chunks).\n\n"
            f"| first ask of a new reader (full read) | first ask after {args.changed} articles changed, "
            f"long-lived reader | the same, read in full |\n|---:|---:|---:|\n"
            f"| {start:.2f} s | **{caught_up:.2f} s** | {full:.2f} s |\n")
    write_section(text, "reread")
    print(text)


if __name__ == "__main__":
    main()
