"""Citations: a numbered quote whose offsets are checked against the article text.

Every Citation the product hands out satisfies ``article.text[start:end] == quote``: both
answerers cut the quote out of the passage text at the sentence's own offsets.
"""
from __future__ import annotations

from rag.types import Citation


def make_citation(n: int, article_id: str, title: str, quote: str, start: int, end: int,
                  score: float, published: str | None = None) -> Citation:
    return Citation(n, article_id, title, quote, start, end, round(float(score), 4), published)
