"""Citations: a numbered quote whose offsets are checked against the article text.

Every Citation the product hands out satisfies ``article.text[start:end] == quote``;
``verified_quote`` is how both answerers guarantee it.
"""
from __future__ import annotations

from rag.types import Citation


def make_citation(n: int, article_id: str, title: str, quote: str, start: int, end: int,
                  score: float, published: str | None = None) -> Citation:
    return Citation(n, article_id, title, quote, start, end, round(float(score), 4), published)


def verify(citation: Citation, article_text: str) -> bool:
    return article_text[citation.start:citation.end] == citation.quote
