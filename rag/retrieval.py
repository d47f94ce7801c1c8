"""Hybrid retrieval in two stages: find passages, then the sentences in them that answer.

1. Candidate chunks: dense search over *sentence* vectors in Chroma (a question matches a
   sentence far better than a 500-character passage), grouped by chunk, fused by rank with
   BM25 over stemmed chunk text (exact names and rare words the small model blurs).
   Reciprocal-rank fusion needs no score calibration between the two.
2. Sentence re-scoring inside the best ``rerank_chunks`` chunks:
   ``0.7·cosine + 0.3·IDF-weighted overlap of the question's stemmed words + 0.05·chunk
   prior``, blended half and half with a cross-encoder when ``reranker_model`` is set
   (none ships: the default stands on its own). The best sentences become
   the passages (with ``window`` neighbours either side); adjacent or overlapping ones are
   merged, so no text is returned twice.

On the dev half of SQuAD 2.0 this finds the answer within 1,500 characters for ~0.95 of
questions, against ~0.92 for whole chunks (see benchmarks/RESULTS.md).

The article table, chunk records and BM25 index live in this process's memory, brought up
to date from Chroma (the only source of truth) by ``refresh`` whenever the store revision
changes: only new or changed articles are read again.
"""
from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass

import numpy as np

from rag.lexical import LexicalIndex, tokens_of
from rag.store import ArticleMeta, ArticleStore
from rag.text import stems
from rag.types import Passage

W_COS, W_LEX, W_PRIOR = 0.7, 0.3, 0.05


@dataclass(frozen=True)
class ChunkRecord:
    id: str
    article_id: str
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]

    def sentence(self, k: int) -> str:
        s, e = self.sentences[k]
        return self.text[s - self.start:e - self.start]


@dataclass
class Scored:
    """One candidate sentence: chunk row, index in the chunk, score."""
    row: int
    k: int
    score: float


@dataclass(frozen=True)
class Snapshot:
    """One store revision as this process sees it; swapped whole, so a reader that takes
    ``retriever.snap`` once never mixes two revisions."""
    revision: str | None = None
    articles: dict = None
    chunks: list = None
    row_of: dict = None
    keys: list = None  # (article_id, start) per chunk row, sorted, for bisect
    lexical: LexicalIndex = None

    @classmethod
    def build(cls, revision, articles: dict, chunks: list[ChunkRecord], tokens: list[list[str]]) -> "Snapshot":
        order = sorted(range(len(chunks)), key=lambda r: (chunks[r].article_id, chunks[r].start))
        chunks = [chunks[r] for r in order]
        return cls(revision, articles, chunks, {c.id: r for r, c in enumerate(chunks)},
                   [(c.article_id, c.start) for c in chunks], LexicalIndex([tokens[r] for r in order]))

    def carried_over(self, articles: dict) -> tuple[list[ChunkRecord], list[list[str]]]:
        """This snapshot's chunks (and stemmed words) of the articles whose committed
        content is still the same in ``articles``."""
        same = {a for a, m in articles.items() if a in self.articles and self.articles[a].hash == m.hash}
        rows = [r for r, c in enumerate(self.chunks) if c.article_id in same]
        return [self.chunks[r] for r in rows], [self.lexical.tokens[r] for r in rows]


def _parse_sents(value: str) -> tuple[tuple[int, int], ...]:
    return tuple(tuple(int(x) for x in pair.split("-")) for pair in value.split(",") if pair)


class HybridRetriever:
    def __init__(self, store: ArticleStore, embedder, settings):
        self.store, self.embedder, self.settings = store, embedder, settings
        self.snap = Snapshot(None, {}, [], {}, [], LexicalIndex([]))
        self.vectors = VectorCache(store)
        self._reranker = None
        self._queries: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def articles(self) -> dict[str, ArticleMeta]:
        return self.snap.articles

    @property
    def chunks(self) -> list[ChunkRecord]:
        return self.snap.chunks

    @property
    def lexical(self) -> LexicalIndex:
        return self.snap.lexical

    def refresh(self) -> Snapshot:
        """The current snapshot, rebuilt first when the store revision moved."""
        rev = self.store.revision()
        if rev == self.snap.revision:
            return self.snap
        with self._lock:
            if rev != self.snap.revision:
                self.snap = self._next_snapshot(rev)
            return self.snap

    def _next_snapshot(self, rev: str) -> Snapshot:
        """Re-read only what moved: chunks of new or changed articles are fetched and
        stemmed, removed articles drop out, the rest is carried over. (benchmarks/reread.py:
        at 5,000 articles, the first ask after 5 changed takes 2.8 s, against 8.0 s read in full.)"""
        articles = self.store.table()
        chunks, tokens = self.snap.carried_over(articles)
        held = {c.article_id for c in chunks}
        todo = [a for a in articles if a not in held]
        rows = self.store.iter_chunks() if len(todo) > len(articles) // 2 else self.store.chunks_of(todo)
        for i, d, m in rows:
            a = m["article_id"]
            if a not in held and a in articles and articles[a].hash == m["gen"]:  # committed generation only
                chunks.append(ChunkRecord(i, a, m["start"], m["end"], d, _parse_sents(m.get("sents", ""))))
                tokens.append(tokens_of(d))
        return Snapshot.build(rev, articles, chunks, tokens)

    # -- stage 1: chunks -------------------------------------------------------------------
    def search(self, query: str, k: int, article_ids=None, query_vec=None, window: int | None = None) -> list[Passage]:
        """The ``k`` best passages for ``query``, best first."""
        snap = self.refresh()
        if not snap.chunks:
            return []
        qv = self.embed_query(query) if query_vec is None else np.asarray(query_vec)
        rows = self._chunks(snap, query, qv, article_ids)
        scored = self.score_sentences(snap, query, qv, rows)
        w = self.settings.window if window is None else window
        return self._passages(snap, scored, k, w)

    def embed_query(self, text: str) -> np.ndarray:
        """The query vector, remembered for a few questions: the answerer needs the same
        vector retrieval just computed, and the ask path should embed a question once."""
        vec = self._queries.get(text)
        if vec is None:
            if len(self._queries) >= 64:
                self._queries = {}  # a fresh dict: other threads may be reading the old one
            vec = self._queries[text] = self.embedder.embed_query(text)
        return vec

    def _chunks(self, snap: Snapshot, query: str, qv, article_ids) -> list[int]:
        s = self.settings
        chunk_ids = (i.rsplit(":", 1)[0] for i, _ in self.store.query(qv.tolist(), s.candidates * 2, article_ids))
        dense_rows = list(dict.fromkeys(snap.row_of[c] for c in chunk_ids if c in snap.row_of))  # skips uncommitted
        lexical_rows = [r for r, _ in snap.lexical.top(query, s.candidates, _mask(snap, article_ids))]
        fused: dict[int, float] = {}
        for weight, ranking in ((s.dense_weight, dense_rows[:s.candidates]), (s.lexical_weight, lexical_rows)):
            for rank, row in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + weight / (s.rrf_k + rank + 1)
        return sorted(fused, key=lambda r: -fused[r])[:s.rerank_chunks]

    def vectors_for(self, sentences: list[tuple[str, int, int, str]]) -> np.ndarray:
        """Stored vectors of (article_id, start, end, text) sentences; embedded if not stored."""
        snap = self.snap
        ids = [_sentence_id(snap, a, s, e) or f"{a}@{s}-{e}" for a, s, e, _ in sentences]
        return self.vectors.get(ids, [t for *_, t in sentences], self.embedder)

    def sentence_before(self, article_id: str, start: int) -> str:
        """The sentence just before the one at ``start`` (for "He said..." sentences)."""
        snap = self.snap
        row = bisect.bisect_right(snap.keys, (article_id, start)) - 1
        if row < 0 or snap.chunks[row].article_id != article_id:
            return ""
        c = snap.chunks[row]
        k = next((i for i, (s, _) in enumerate(c.sentences) if s == start), None)
        if k:
            return c.sentence(k - 1)
        prev = snap.chunks[row - 1] if k == 0 and row > 0 else None
        return prev.sentence(len(prev.sentences) - 1) if prev and prev.article_id == article_id else ""

    # -- stage 2: sentences ----------------------------------------------------------------
    def score_sentences(self, snap: Snapshot, query: str, qv, rows: list[int]) -> list[Scored]:
        chunks = snap.chunks
        ids = [(row, k, f"{chunks[row].id}:{k}") for row in rows for k in range(len(chunks[row].sentences))]
        if not ids:
            return []
        vecs = self.vectors.get([i for *_, i in ids], [chunks[r].sentence(k) for r, k, _ in ids], self.embedder)
        cos = vecs @ qv
        weights = {t: snap.lexical.idf(t) for t in set(stems(query))}
        total = sum(weights.values()) or 1.0
        prior = {row: 1.0 / (1 + rank) for rank, row in enumerate(rows)}
        out = []
        for (row, k, _), c in zip(ids, cos):
            words = set(stems(chunks[row].sentence(k)))
            overlap = sum(w for t, w in weights.items() if t in words) / total
            out.append(Scored(row, k, W_COS * float(c) + W_LEX * overlap + W_PRIOR * prior[row]))
        if self.settings.reranker_model:
            self._rerank(query, out, chunks)
        return sorted(out, key=lambda x: -x.score)

    def _rerank(self, query: str, scored: list[Scored], chunks) -> None:
        """Blend in a cross-encoder's judgement (sigmoid of its logit) half and half."""
        if self._reranker is None:
            from sentence_transformers import CrossEncoder  # only loaded when configured

            self._reranker = CrossEncoder(self.settings.reranker_model, device="cpu")
        logits = self._reranker.predict([(query, chunks[s.row].sentence(s.k)) for s in scored], batch_size=32)
        for s, z in zip(scored, np.atleast_1d(logits)):
            s.score = 0.5 * s.score + 0.5 / (1.0 + float(np.exp(-z)))

    def _passages(self, snap: Snapshot, scored: list[Scored], k: int, window: int) -> list[Passage]:
        """Windows around the best sentences until there are ``k``; a window that overlaps
        or abuts an earlier one (same chunk) joins it, so no text is returned twice."""
        spans: list[list] = []  # [row, first k, last k, score]
        for sc in scored:
            if len(spans) >= k:
                break
            n = len(snap.chunks[sc.row].sentences)
            lo, hi = max(0, sc.k - window), min(n - 1, sc.k + window)
            mine = next((sp for sp in spans if sp[0] == sc.row and lo <= sp[2] + 1 and sp[1] <= hi + 1), None)
            if mine:
                mine[1], mine[2] = min(mine[1], lo), max(mine[2], hi)
            else:
                spans.append([sc.row, lo, hi, sc.score])
        return [_passage(snap, row, lo, hi, score) for row, lo, hi, score in spans]


def _passage(snap: Snapshot, row: int, lo: int, hi: int, score: float) -> Passage:
    c = snap.chunks[row]
    s, e = c.sentences[lo][0], c.sentences[hi][1]
    title = snap.articles[c.article_id].title if c.article_id in snap.articles else ""
    return Passage(c.article_id, c.text[s - c.start:e - c.start], s, e, round(float(score), 4), title,
                   c.sentences[lo:hi + 1])


def _mask(snap: Snapshot, article_ids) -> np.ndarray | None:
    if not article_ids:
        return None
    wanted = set(article_ids)
    return np.array([c.article_id in wanted for c in snap.chunks])


def _sentence_id(snap: Snapshot, article_id: str, start: int, end: int) -> str | None:
    row = bisect.bisect_right(snap.keys, (article_id, start)) - 1
    if row < 0 or snap.chunks[row].article_id != article_id:
        return None
    c = snap.chunks[row]
    return f"{c.id}:{c.sentences.index((start, end))}" if (start, end) in c.sentences else None


class VectorCache:
    """Sentence vectors by id: from memory, else one Chroma ``get`` for all that are missing,
    else (sentences not stored as such, e.g. from ``vectors_for``) embedded on the spot. Bounded."""

    LIMIT = 200_000

    def __init__(self, store: ArticleStore):
        self.store, self._vecs = store, {}

    def get(self, ids: list[str], texts: list[str], embedder) -> np.ndarray:
        have = {i: v for i in ids if (v := self._vecs.get(i)) is not None}
        missing = [i for i in ids if i not in have]
        if missing:
            fetched = {i: np.asarray(v, dtype=np.float32) for i, v in self.store.sentence_vectors(missing).items()}
            absent = [(i, t) for i, t in zip(ids, texts) if i not in have and i not in fetched]
            if absent:
                fetched.update(zip([i for i, _ in absent], embedder.embed_documents([t for _, t in absent])))
            have.update(fetched)
            if len(self._vecs) + len(fetched) > self.LIMIT:
                self._vecs = {}  # a fresh dict, not clear(): other threads may be reading the old one
            self._vecs.update(fetched)
        return np.stack([have[i] for i in ids])
