"""Load: turn a source (file path or http(s) URL) into raw text or HTML, or a clear failure.

Each loader raises ``SourceError`` with a reason a user can act on; the pipeline records
it and goes on with the other sources.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import SourceError
from ingest.pdf import pdf_doc

SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
            ".pdf": "pdf"}


@dataclass
class RawDoc:
    source: str  # absolute path or URL: the article's identity
    kind: str  # text | markdown | html | pdf
    content: str
    name: str  # file stem or URL path tail, a fallback title
    title: str | None = None  # from a feed entry: used when the page has none of its own
    published: str | None = None  # from a feed or sitemap entry (ISO date), when the page has none
    pages_text: list[str] | None = None  # a PDF's text, one string per page


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def expand(sources: list[str]) -> list[str]:
    """Directories become their supported files (recursively, sorted); others pass through."""
    out: list[str] = []
    for src in sources:
        p = Path(src).expanduser()
        if not is_url(src) and p.is_dir():
            out += sorted(str(f.resolve()) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            out.append(src if is_url(src) else str(p.resolve()))
    return out


def load(source: str, max_mb: float = 20.0, timeout: float = 20.0, allow_private: bool = True) -> RawDoc:
    """A file (local callers only) or an http(s) URL; ``timeout`` bounds the whole fetch."""
    if is_url(source):
        return load_url(source, max_mb, timeout, allow_private)
    return load_file(Path(source), max_mb)


def load_file(path: Path, max_mb: float) -> RawDoc:
    kind = SUFFIXES.get(path.suffix.lower())
    if not path.exists():
        raise SourceError("no such file or directory")
    if kind is None:
        raise SourceError(f"unsupported file type '{path.suffix}' (use .txt, .md, .html or .pdf)")
    try:
        size = path.stat().st_size
        if size > max_mb * 1e6:
            raise SourceError(f"file is {size / 1e6:.0f} MB, over the {max_mb:g} MB limit (RAG_CHUNKING__MAX_FILE_MB)")
        data = path.read_bytes()
    except PermissionError:
        raise SourceError("permission denied: the file is not readable") from None
    except OSError as e:
        raise SourceError(f"cannot read file: {e.strerror or e}") from None
    if kind == "pdf":
        return pdf_doc(str(path), data, path.stem)
    return RawDoc(str(path), kind, decode(data), path.stem)


_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def decode(data: bytes) -> str:
    """UTF-8 (or UTF-16/32 with a byte-order mark); anything else is refused, not guessed."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    if encoding == "utf-8" and b"\x00" in data[:8192]:
        if _utf16_without_bom(data):
            raise SourceError("UTF-16 text without a byte-order mark; re-save it as UTF-8")
        raise SourceError("binary file, not text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise SourceError(f"not valid {encoding.upper()} text (bad byte at offset {e.start}); re-save it as UTF-8") from None
    if _looks_binary(text):
        raise SourceError("binary file, not text")
    return text


def _utf16_without_bom(data: bytes) -> bool:
    """Text in UTF-16 has a NUL in every other byte (ASCII letters); binary files do not."""
    head = data[:4096]
    for parity in (0, 1):
        zeros = head[parity::2].count(0)
        if zeros > 0.9 * len(head[parity::2]) and head[1 - parity::2].count(0) < 0.1 * len(head[1 - parity::2]):
            return True
    return False


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    return bool(sample) and control / len(sample) > 0.05


def load_url(url: str, max_mb: float = 20.0, timeout: float = 20.0, allow_private: bool = True,
             max_redirects: int = 5) -> RawDoc:
    from ingest.fetch import fetch

    got = fetch(url, max_bytes=int(max_mb * 1e6), deadline=timeout, allow_private=allow_private,
                max_redirects=max_redirects)
    name = url.rstrip("/").rsplit("/", 1)[-1] or url
    if got.content_type.startswith("application/pdf") or got.body.startswith(b"%PDF-"):
        return pdf_doc(url, got.body, name)
    try:
        text = got.body.decode(got.charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know: read it as UTF-8 rather than fail
        text = got.body.decode("utf-8", errors="replace")
    kind = "text" if got.content_type.startswith("text/plain") else "html"
    return RawDoc(url, kind, text, name)
