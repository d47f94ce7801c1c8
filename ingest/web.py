"""What the web app may ingest, and how: http(s) URLs, pasted text and uploads — never a
server path.

- A URL must be http(s); its addresses are checked on every hop (``ingest.fetch``) unless
  ``fetch.allow_private_urls`` is set; the whole fetch has one deadline.
- Pasted text and uploads are owned by the store: their text is stored with the article, their
  source is ``pasted:<digest>`` / ``upload:<file name>`` (not a temp file a later ``--prune``
  could find missing), and nothing of them is left on disk.
- Fetching and embedding run outside the write lock, so a slow server or a long text holds up
  no other ingestion; writes from the app's threads go one at a time.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from ingest.errors import SourceError
from ingest.fetch import UnsafeURLError
from ingest.load import SUFFIXES, RawDoc, load_file, is_url, load_url
from ingest.pipeline import IngestReport, Ingestor, cleaned, embed_ahead
from rag.embedders import get_embedder

_WRITE = threading.Lock()


def url_doc(url: str, settings) -> RawDoc:
    """A page from the web, fetched under the web app's rules."""
    url = (url or "").strip()
    if not is_url(url):
        raise UnsafeURLError("only http:// and https:// URLs can be added here; "
                             "add local files from the command line: rag-ingest PATH")
    f = settings.fetch
    return load_url(url, settings.chunking.max_file_mb, f.timeout, f.allow_private_urls, f.max_redirects)


def pasted_doc(text: str, title: str = "", max_mb: float = 20.0) -> RawDoc:
    """Pasted text; the same text pasted twice is one article. Longer than ``max_mb`` (the upload
    cap) is refused: a paste is no way around the cap."""
    if len(text) > max_mb * 1e6 or len(text.encode("utf-8")) > max_mb * 1e6:
        raise SourceError(f"the pasted text is over the {max_mb:g} MB limit; ingest long articles as files")
    title = (title or "").strip()[:300]
    body = f"# {title}\n\n{text}" if title else text
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    return RawDoc(f"pasted:{digest}", "markdown", body, title or "Pasted text")


def upload_doc(path: str, max_mb: float) -> RawDoc:
    """An uploaded file, known by its file name; the server's temp copy is removed once read."""
    p = Path(path)
    try:
        raw = load_file(p, max_mb)
    finally:
        if p.suffix.lower() in SUFFIXES:
            _remove(p)
    return RawDoc(f"upload:{p.name}", raw.kind, raw.content, p.stem, raw.title, raw.published, raw.pages_text)


def _remove(p: Path) -> None:
    try:
        os.unlink(p)
    except OSError:  # already gone, or not ours to remove: nothing is lost either way
        pass


def ingest_docs(docs: list[RawDoc], settings, failed: list[tuple[str, str]] = (), embedder=None) -> IngestReport:
    """Write loaded docs into the store; ``failed`` joins the report. They are cleaned and their
    sentences embedded first, outside the write lock (a 1 MB paste takes a minute to embed; the
    lock is then held for the writes alone); writers take the lock one at a time. ``embedder``:
    the app's own (one model in memory, not one more per request)."""
    embedder = embedder or get_embedder(settings.embedding)
    failed = list(failed)
    clean_docs = [d for raw in docs if (d := cleaned(raw, failed)) is not None]
    ahead = embed_ahead(clean_docs, settings, embedder)
    with _WRITE:
        run = Ingestor(settings, embedder=embedder, vectors=ahead)
        run.report.failed += failed
        for doc in clean_docs:
            run.add_clean(doc)
        return run.finish()


def display_source(source: str) -> str:
    """What the library shows: the URL, the uploaded file's name, "pasted text" — never a
    server path (a file added with the CLI shows its file name)."""
    if is_url(source):
        return source
    if source.startswith("upload:"):
        return source[len("upload:"):]
    if source.startswith("pasted:"):
        return "pasted text"
    return Path(source).name
