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
    pages: tuple[int, ...] = ()  # PDF page start offsets in ``text``


def clean(doc: RawDoc) -> CleanDoc:
    """The article text, title and date; a feed's title and date fill in what the page lacks."""
    got = _clean(doc)
    if doc.title and got.title == _title_from(got.text, doc.name):
        got.title = doc.title  # the page had no title of its own: the feed's is better than a URL tail
    got.published = got.published or doc.published
    return got


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_PATTERNS = [
    (re.compile(rf"\b(?:{_MONTHS})\.? \d{{1,2}}, \d{{4}}\b"), ["%B %d, %Y"]),
    (re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b"), ["%d %B %Y"]),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), ["%Y-%m-%d"]),
]
_BOILERPLATE = re.compile(
    r"copyright|©|all rights reserved|comment policy|welcomes your comments|view comments|"
    r"click (?:here|to)|reprint permission|\bsubscribe\b|sign up for|newsletter|follow us|"
    r"share this (?:article|story)|terms of (?:use|service)|privacy policy|^advertisement$",
    re.IGNORECASE,
)


def _clean(doc: RawDoc) -> CleanDoc:
    if doc.kind == "html":
        return _clean_html(doc)
    if doc.kind == "pdf":
        return _clean_pdf(doc)
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
    # The first paragraph is the article even when it mentions subscribers or a newsletter:
    # a one-paragraph story must not be cleaned away as its own footer.
    while len(paras) > 1 and _is_furniture(paras[-1]):
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


def _clean_pdf(doc: RawDoc) -> CleanDoc:
    """Each page normalised on its own, joined by blank lines; ``pages`` keeps where each starts
    so a citation can say "p. 3". The first page's first line is the title when it looks like one."""
    texts = [normalize(p) for p in doc.pages_text]
    published = doc.published
    if texts and texts[0]:
        texts[0], found = _strip_byline(texts[0])
        published = published or found
    _strip_footer_lines(texts)
    texts = [_unwrap(t) for t in texts]
    parts, pages, at = [], [], 0
    for t in texts:
        if not t:
            continue
        pages.append(at)
        parts.append(t)
        at += len(t) + 2
    text = "\n\n".join(parts)
    if not text.strip():
        raise SourceError("no text layer: this PDF holds only images (a scan); run OCR on it first, "
                          "e.g. ocrmypdf IN.pdf OUT.pdf, and ingest OUT.pdf")
    # pages with no text keep their number: map each text page back to its real page number
    numbers = [i for i, t in enumerate(texts) if t]
    starts = _page_starts(pages, numbers)
    return CleanDoc(doc.source, doc.title or _title_from(text, doc.name), published, text, starts)


def _strip_footer_lines(pages: list[str]) -> None:
    """A PDF keeps no blank line between the story and the site footer: drop furniture line by
    line from the end, across pages (a page left empty is dropped later)."""
    for i in range(len(pages) - 1, -1, -1):
        lines = pages[i].split("\n")
        while lines and _is_furniture(lines[-1]):
            lines.pop()
        pages[i] = "\n".join(lines).strip()
        if pages[i]:
            return


def _unwrap(text: str) -> str:
    """A PDF breaks lines where the page was full: a single line break inside a paragraph is
    a space (a word hyphenated across lines is joined); blank lines stay paragraph breaks."""
    text = re.sub(r"(\w)-\n(?=[a-z])", r"\1", text)
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)


def _page_starts(starts: list[int], numbers: list[int]) -> tuple[int, ...]:
    """Start offsets indexed by page (page n starts at result[n-1]); an empty page starts where
    the next one does, so an offset always maps to the real page it is on."""
    out, j = [], 0
    last = numbers[-1] if numbers else -1
    for page in range(last + 1):
        while j < len(numbers) and numbers[j] < page:
            j += 1
        out.append(starts[j])
    return tuple(out)
