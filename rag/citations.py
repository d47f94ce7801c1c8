"""Citations: a numbered quote whose offsets are checked against the article text.

Every Citation the product hands out satisfies ``article.text[start:end] == quote``: both
answerers cut the quote out of the passage text at the sentence's own offsets.
"""
from __future__ import annotations

from rag.types import Citation


def make_citation(n: int, article_id: str, title: str, quote: str, start: int, end: int,
                  score: float, published: str | None = None) -> Citation:
    return Citation(n, article_id, title, quote, start, end, round(float(score), 4), published)


def cited_text(parts: list[tuple[str, int]], lead: str = "") -> tuple[str, list[int]]:
    """``lead`` + "part [n] part [m]" and the offsets of the markers placed, so that only these
    become citation links (a quoted sentence may itself contain "[1]")."""
    text, markers = lead, []
    for body, n in parts:
        if text and not text.endswith(" "):
            text += " "
        text += body + " "
        markers.append(len(text))
        text += f"[{n}]"
    return text, markers
