"""Hybrid retrieval: dense (Chroma, cosine) + lexical (BM25, stemmed), fused by rank.

Dense search finds paraphrases ("offered to help" for "what did Iran propose"); BM25
finds exact names and rare words the small embedding model blurs. Reciprocal-rank fusion
needs no score calibration between the two.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from rag.lexical import LexicalIndex
from rag.store import ArticleMeta, ArticleStore
from rag.types import Passage


@dataclass(frozen=True)
class ChunkRecord:
    id: str
    article_id: str
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]


def _parse_sents(value: str) -> tuple[tuple[int, int], ...]:
    return tuple(tuple(int(x) for x in pair.split("-")) for pair in value.split(",") if pair)


class HybridRetriever:
    def __init__(self, store: ArticleStore, embedder, settings):
        self.store, self.embedder, self.settings = store, embedder, settings
        self.revision: str | None = None
        self.articles: dict[str, ArticleMeta] = {}
        self.chunks: list[ChunkRecord] = []
        self.row_of: dict[str, int] = {}
        self.lexical = LexicalIndex([])
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Reload the article table and the BM25 index when the store revision moved."""
        rev = self.store.revision()
        if rev == self.revision:
            return
        with self._lock:
            if rev == self.revision:
                return
            articles = self.store.table()
            chunks = [ChunkRecord(i, m["article_id"], m["start"], m["end"], d, _parse_sents(m.get("sents", "")))
                      for i, d, m in self.store.iter_chunks()
                      if m["article_id"] in articles and articles[m["article_id"]].hash == m["gen"]]
            chunks.sort(key=lambda c: (c.article_id, c.start))
            lexical = LexicalIndex.from_texts([c.text for c in chunks])
            # Swap everything at once so concurrent readers see one consistent revision.
            self.articles, self.chunks, self.lexical = articles, chunks, lexical
            self.row_of = {c.id: r for r, c in enumerate(chunks)}
            self.revision = rev

    def search(self, query: str, k: int, article_ids=None, query_vec=None) -> list[Passage]:
        self.refresh()
        if not self.chunks:
            return []
        s = self.settings
        qv = self.embedder.embed_query(query) if query_vec is None else query_vec
        fused: dict[int, float] = {}
        for rank, row in enumerate(self._dense(qv, s.candidates, article_ids)):
            fused[row] = fused.get(row, 0.0) + s.dense_weight / (s.rrf_k + rank + 1)
        for rank, (row, _) in enumerate(self.lexical.top(query, s.candidates, self._mask(article_ids))):
            fused[row] = fused.get(row, 0.0) + s.lexical_weight / (s.rrf_k + rank + 1)
        best = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        top = (s.dense_weight + s.lexical_weight) / (s.rrf_k + 1)
        return [self._passage(self.chunks[row], score / top) for row, score in best]

    def _dense(self, qv, n: int, article_ids) -> list[int]:
        hits = self.store.query(np.asarray(qv).tolist(), n, article_ids)
        return [self.row_of[i] for i, *_ in hits if i in self.row_of]  # skips uncommitted chunks

    def _mask(self, article_ids) -> np.ndarray | None:
        if not article_ids:
            return None
        wanted = set(article_ids)
        return np.array([c.article_id in wanted for c in self.chunks])

    def _passage(self, c: ChunkRecord, score: float) -> Passage:
        title = self.articles[c.article_id].title if c.article_id in self.articles else ""
        return Passage(c.article_id, c.text, c.start, c.end, round(float(score), 4), title, c.sentences)
