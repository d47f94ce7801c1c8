"""Ingestion: load → clean → chunk → embed → write articles into the Chroma store.

    from ingest import ingest
    report = ingest(["article.txt", "folder/", "https://..."], db="path/to/db", prune=False)
"""
from ingest.pipeline import IngestReport, Ingestor, ingest

__all__ = ["ingest", "IngestReport", "Ingestor"]
