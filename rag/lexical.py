"""BM25 over stemmed words (bm25s + PyStemmer), the lexical half of hybrid retrieval.

Where it lives: in the answering process's memory, built from the Chroma chunks collection
(the only source of truth) by ``HybridRetriever.refresh`` whenever the store revision
changes — after any ingest, update, delete or prune, in this process or another one — and
at start-up. So it can never disagree with Chroma for longer than one revision check.
On a revision change only new or changed articles' chunks are fetched and stemmed; the
stemmed words of the rest are kept from the previous index.
"""
from __future__ import annotations

import math
import sys
from collections import Counter

import numpy as np

from rag.text import stems


def _bm25s():
    """bm25s, on its numpy backend. bm25s uses scipy only to build its sparse matrix when
    scipy happens to be installed (sentence-transformers brings it); the numpy backend
    gives the same scores as fast (measured: 60,000 chunks, 3.6 vs 3.7 s), and importing
    scipy.sparse costs ~0.25 s of a one-shot `rag ask`. So on the first import, bm25s
    is shown no scipy — unless something in this process already loaded it."""
    if "bm25s" in sys.modules or "scipy.sparse" in sys.modules:
        import bm25s

        return bm25s
    sys.modules["scipy.sparse"] = None  # an import of it now raises ImportError: bm25s's documented fallback
    try:
        import bm25s
    finally:
        del sys.modules["scipy.sparse"]
    return bm25s


def tokens_of(text: str) -> list[str]:
    """Stemmed words, interned: a large store repeats the same few thousand stems millions of times."""
    return [sys.intern(t) for t in stems(text)]


class LexicalIndex:
    def __init__(self, token_lists: list[list[str]]):
        bm25s = _bm25s()
        self.tokens = token_lists  # kept: the next revision re-indexes unchanged chunks without re-stemming
        self.size = len(token_lists)
        self.df = Counter(t for tokens in token_lists for t in set(tokens))
        self.bm25 = bm25s.BM25()
        if self.size:
            # bm25s cannot index an empty document list; keep at least one placeholder.
            self.bm25.index([t or ["\x00"] for t in token_lists], show_progress=False)

    @classmethod
    def from_texts(cls, texts: list[str]) -> "LexicalIndex":
        return cls([tokens_of(t) for t in texts])

    def idf(self, term: str) -> float:
        return math.log(1 + (self.size - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5))

    def scores(self, query: str) -> np.ndarray:
        terms = [t for t in stems(query) if t in self.df]
        if not self.size or not terms:
            return np.zeros(self.size, dtype=np.float32)
        return self.bm25.get_scores(terms)

    def top(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Best ``n`` documents (row, score) with a positive score; ``mask`` limits rows."""
        s = self.scores(query)
        if mask is not None:
            s = np.where(mask, s, 0.0)
        n = min(n, int((s > 0).sum()))
        if n <= 0:
            return []
        rows = np.argpartition(-s, n - 1)[:n]
        rows = rows[np.argsort(-s[rows])]
        return [(int(r), float(s[r])) for r in rows]
