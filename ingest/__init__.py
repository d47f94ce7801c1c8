"""Ingestion: load → clean → chunk → embed → write articles into the Chroma store.

    from ingest import ingest
    report = ingest(["article.txt", "folder/", "https://..."], db="path/to/db", prune=False)
"""
from __future__ import annotations

__all__ = ["ingest", "IngestReport", "Ingestor"]


def __getattr__(name):  # the pipeline (trafilatura, chromadb, models) loads on first use only,
    if name in __all__:  # so `rag ask`, which lists the ingest command, starts fast
        from ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
