"""Clean: raw text/Markdown/HTML → article text plus title and publication date.

HTML goes through trafilatura (main-text extraction, drops navigation and scripts). Plain
text keeps its paragraphs, loses a leading byline (its date is kept as metadata) and the
trailing site footer (copyright line, comment policy, "Click to ..." links).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from ingest.load import RawDoc, SourceError


@dataclass
class CleanDoc:
    source: str
    title: str
    published: str | None  # ISO date
    text: str


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_PATTERNS = [
    (re.compile(rf"\b(?:{_MONTHS})\.? \d{{1,2}}, \d{{4}}\b"), ["%B %d, %Y"]),
    (re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b"), ["%d %B %Y"]),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), ["%Y-%m-%d"]),
]
_BOILERPLATE = re.compile(
    r"copyright|©|all rights reserved|comment policy|welcomes your comments|view comments|"
    r"click (?:here|to)|reprint permission|subscribe|sign up for|newsletter|follow us|"
    r"share this (?:article|story)|terms of (?:use|service)|privacy policy|advertisement",
    re.IGNORECASE,
)


def clean(doc: RawDoc) -> CleanDoc:
    if doc.kind == "html":
        return _clean_html(doc)
    text = normalize(doc.content)
    title = None
    if doc.kind == "markdown":
        text, title = _markdown(text)
    text, published = _strip_byline(text)
    text = strip_footer(text)
    if not text.strip():
        raise SourceError("empty: no article text after cleaning")
    return CleanDoc(doc.source, title or _title_from(text, doc.name), published, text)


def normalize(text: str) -> str:
    """NFC, Unix newlines, no control characters, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C" or c == "\u200f" or c == "\u200e")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _markdown(text: str) -> tuple[str, str | None]:
    m = re.match(r"#\s+(.+)\n+", text)
    if m:
        return text[m.end():], m.group(1).strip()
    return text, None


def find_date(text: str) -> str | None:
    for pattern, formats in _DATE_PATTERNS:
        m = pattern.search(text)
        for fmt in formats:
            try:
                return datetime.strptime(m.group(0).replace(".", ""), fmt).date().isoformat() if m else None
            except ValueError:
                continue
    return None


def _strip_byline(text: str) -> tuple[str, str | None]:
    """A short first line holding a date ('- The Washington Times - Tuesday, May 29, 2007')."""
    first, _, rest = text.partition("\n")
    date = find_date(first) if len(first) < 120 else None
    if date and rest.strip():
        return rest.strip(), date
    return text, find_date(text[:300])


def strip_footer(text: str) -> str:
    """Drop trailing paragraphs that are site furniture rather than article prose."""
    paras = text.split("\n\n")
    while paras and _is_furniture(paras[-1]):
        paras.pop()
    return "\n\n".join(paras).strip()


def _is_furniture(para: str) -> bool:
    p = para.strip()
    if not p:
        return True
    if _BOILERPLATE.search(p) and len(p) < 400:
        return True
    # A short line without sentence punctuation at the very end ("Click to Hide").
    return len(p) < 40 and not re.search(r"[.!?\"”’)]$", p)


def _title_from(text: str, name: str) -> str:
    first = text.split("\n", 1)[0].strip()
    if 0 < len(first) <= 100 and not re.search(r"[.!?]$", first) and "\n" in text:
        return first
    words = re.split(r"[-_\s]+", name)
    return " ".join(w.upper() if len(w) <= 2 and w.isalpha() else w.capitalize() for w in words if w)


def _clean_html(doc: RawDoc) -> CleanDoc:
    import trafilatura

    meta = trafilatura.bare_extraction(doc.content, with_metadata=True, include_comments=False,
                                       include_tables=False, favor_precision=True)
    body = getattr(meta, "text", None) if meta else None
    if not body or not body.strip():
        raise SourceError("no article text found in the HTML page")
    text = strip_footer(normalize(body.replace("\n", "\n\n")))
    if not text:
        raise SourceError("no article text found in the HTML page")
    title = (getattr(meta, "title", None) or "").strip() or _title_from(text, doc.name)
    published = getattr(meta, "date", None) or find_date(text[:300])
    return CleanDoc(doc.source, title, published, text)
