"""The plain records the API hands out: articles, passages, citations, answers."""
from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    source: str
    published: str | None
    text: str
    hash: str = ""
    chunks: int = 0
    updated: str | None = None  # when a re-ingest last changed its text (UTC, ISO)
    pages: tuple[int, ...] = ()  # a PDF's page start offsets in ``text``

    def page_at(self, offset: int) -> int | None:
        """The page number (1-based) holding ``offset``; None for articles without pages."""
        return page_at(self.pages, offset)


def page_at(pages: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page holding ``offset`` (page n starts at ``pages[n-1]``); None without pages."""
    return bisect.bisect_right(pages, offset) if pages else None


@dataclass(frozen=True)
class Passage:
    """A retrieved span of one article; ``text == article.text[start:end]``."""

    article_id: str
    text: str
    start: int
    end: int
    score: float
    title: str = ""
    sentences: tuple[tuple[int, int], ...] = ()  # absolute offsets of its sentences


@dataclass(frozen=True)
class Citation:
    """One numbered source; ``quote == article.text[start:end]`` always."""

    n: int
    article_id: str
    title: str
    quote: str
    start: int
    end: int
    score: float
    published: str | None = None
    page: int | None = None  # the PDF page the quote starts on

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Short:
    """The short answer ("Hassan Kazemi Qomi"); ``text == article.text[start:end]`` always."""

    text: str
    article_id: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    question: str = ""  # the standalone question actually searched for
    passages: list[Passage] = field(default_factory=list)
    grounded: bool = True  # False when an LLM answer kept no valid citation
    flagged: list[str] = field(default_factory=list)  # problems found while checking citations
    answerer: str = "extractive"
    short: Short | None = None  # the trained reader's short answer, when it found one
    # Offsets in ``text`` of the "[n]" markers the answerer placed; None: every "[n]" is one
    # (an LLM's text). A "[1]" inside a quoted article sentence is not in this list.
    markers: list[int] | None = None

    def to_dict(self) -> dict:
        """The answer as plain JSON-able data (what ``--json`` prints and ``/ask`` returns)."""
        return {
            "answer": self.text,
            "refused": self.refused,
            "short": self.short.to_dict() if self.short else None,
            "citations": [c.to_dict() for c in self.citations],
        }

    def to_json(self, **kwargs) -> str:
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict) -> "Answer":
        """The inverse of ``to_dict`` (passages and the searched question are not in it)."""
        short = Short(**data["short"]) if data.get("short") else None
        return cls(data["answer"], data["refused"], [Citation(**c) for c in data.get("citations", [])], short=short)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        text = self.text if len(self.text) <= 70 else self.text[:69] + "…"
        short = f", short={self.short.text!r}" if self.short else ""
        return f"Answer({text!r}, refused={self.refused}{short}, citations={len(self.citations)})"
