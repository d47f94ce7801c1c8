"""Hybrid retrieval in two stages: find passages, then the sentences in them that answer.

1. Candidate chunks: dense search over *sentence* vectors (a question matches a sentence far
   better than a 500-character passage; searched in the persisted index for an embedded
   store, ``rag.dense``, in Chroma for a server), grouped by chunk, fused by rank with
   BM25 over stemmed chunk text (exact names and rare words the small model blurs).
   Reciprocal-rank fusion needs no score calibration between the two.
2. Sentence re-scoring inside the best ``rerank_chunks`` chunks:
   ``0.7·cosine + 0.3·IDF-weighted overlap of the question's stemmed words + 0.05·chunk
   prior``, blended half and half with a cross-encoder when ``reranker_model`` is set
   (none ships: the default stands on its own). Copies of one sentence (a story reprinted
   in several articles: equal vector) are kept once. The best sentences become
   the passages (with ``window`` neighbours either side); adjacent or overlapping ones are
   merged, so no text is returned twice.

On the dev half of SQuAD 2.0 this finds the answer within 1,500 characters for ~0.95 of
questions, against ~0.92 for whole chunks (see benchmarks/RESULTS.md).

What a process holds (``rag.index_cache.Snapshot``): the chunk table without text and the
BM25 index, loaded memory-mapped from the persisted base and brought up to date from the
store's revision log by ``refresh`` whenever the store revision changes (only changed
articles are read again; a catch-up is saved beside the base for the next process). Chunk
text and article metadata (and, for a server, sentence vectors) are fetched from Chroma by
id for the few candidates a question needs, behind small caches: a reader's memory does not
grow with the archive.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag import index_cache
from rag.chunk_table import ChunkRecord, TextCache
from rag.index_cache import Snapshot
from rag.lexical import LexicalIndex
from rag.runtime import matvec
from rag.store import ArticleMeta, ArticleStore
from rag.text import stems
from rag.types import Passage

W_COS, W_LEX, W_PRIOR = 0.7, 0.3, 0.05


@dataclass
class Scored:
    """One candidate sentence: chunk row, index in the chunk, score."""
    row: int
    k: int
    score: float


class Articles(Mapping):
    """The store's articles as a read-only mapping id → ArticleMeta: counted from the
    snapshot, looked up by id (cached per snapshot), read in full only when iterated."""

    def __init__(self, retriever: "HybridRetriever"):
        self._r = retriever

    def __len__(self) -> int:
        return self._r.refresh().article_count

    def __getitem__(self, article_id: str) -> ArticleMeta:
        got = index_cache.article_metas(self._r.refresh(), self._r.store, [article_id])
        if article_id not in got:
            raise KeyError(article_id)
        return got[article_id]

    def __iter__(self):
        return iter(self._r.store.table())

    def values(self):
        return self._r.store.table().values()


class HybridRetriever:
    def __init__(self, store: ArticleStore, embedder, settings, index_root: Path | None = None,
                 vectors: bool = False, snap: Snapshot | None = None):
        """``vectors``: the persisted index keeps and searches the sentence vectors (rag.dense);
        off, Chroma is queried for them. ``snap``: the saved index, already loaded (brought up
        to date at the first question)."""
        self.store, self.embedder, self.settings = store, embedder, settings
        self.index_root, self.local_vectors = index_root, vectors and index_root is not None
        self.snap = snap or Snapshot.empty()
        self.vectors = VectorCache(store)
        self.texts = TextCache(store)
        self._reranker = None
        self._queries: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._published: tuple[str, dict[str, str | None], bool] = ("", {}, False)

    def published(self) -> dict[str, str | None]:
        """Every article's publication date (ISO or None) by id, read once per store revision
        and only when a question or filter involves dates."""
        snap = self.refresh()
        rev, dates, _ = self._published
        if rev != snap.revision or not snap.revision:
            dates = {i: m.published for i, m in self.store.table().items()}
            self._published = (snap.revision, dates, any(dates.values()))
        return dates

    def any_dated(self) -> bool:
        """Does any article have a publication date? (Worked out with ``published``, once per
        revision: an undated store, an encyclopedia, is not scanned again on every question.)"""
        self.published()
        return self._published[2]

    @property
    def articles(self) -> Articles:
        return Articles(self)

    @property
    def lexical(self) -> LexicalIndex:
        return self.snap.lexical

    def refresh(self) -> Snapshot:
        """The current snapshot, brought up to date first when the store revision moved."""
        rev = self.store.revision()
        if rev == self.snap.revision:
            return self.snap
        with self._lock:
            if rev != self.snap.revision:
                self.snap = index_cache.sync(self.store, self.snap, self.index_root, self.local_vectors)
            return self.snap

    def records(self, snap: Snapshot, rows, with_previous: bool = False) -> dict[int, ChunkRecord]:
        """Chunks with their text, fetched by id in one round trip for all that are not cached;
        ``with_previous`` adds each one's preceding chunk (the answerer reads the sentence
        before a candidate: one Chroma round trip now instead of one per candidate later)."""
        rows = list(dict.fromkeys(rows))
        if with_previous:
            rows += [p for r in rows if (p := snap.table.previous(r)) is not None]
        locs = {r: snap.table.locator(r) for r in dict.fromkeys(rows)}
        texts = self.texts.get(list(locs.values()))
        return {r: ChunkRecord(c.id, c.article_id, c.start, c.end, texts[c.id], c.sentences)
                for r, c in locs.items() if c.id in texts}  # a chunk deleted meanwhile drops out

    # -- stage 1: chunks -------------------------------------------------------------------
    def search(self, query: str, k: int, article_ids=None, query_vec=None, window: int | None = None) -> list[Passage]:
        """The ``k`` best passages for ``query``, best first."""
        snap = self.refresh()
        if not len(snap.table):
            return []
        qv = self.embed_query(query) if query_vec is None else np.asarray(query_vec)
        rows = self._chunks(snap, query, qv, article_ids)
        recs = self.records(snap, rows, with_previous=True)
        scored = self.score_sentences(snap, query, qv, rows, recs)
        w = self.settings.window if window is None else window
        return self._passages(snap, scored, k, w, recs)

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
        dense_rows = list(dict.fromkeys(self._dense_rows(snap, qv, s.candidates * 2, article_ids)))
        lexical_rows = [r for r, _ in snap.lexical.top(query, s.candidates, snap.table.search_mask(article_ids))]
        fused: dict[int, float] = {}
        for weight, ranking in ((s.dense_weight, dense_rows[:s.candidates]), (s.lexical_weight, lexical_rows)):
            for rank, row in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + weight / (s.rrf_k + rank + 1)
        return sorted(fused, key=lambda r: -fused[r])[:s.rerank_chunks]

    def _dense_rows(self, snap: Snapshot, qv, n: int, article_ids):
        """Chunk rows of the ``n`` nearest sentences, best first (duplicates kept)."""
        if snap.dense is not None and self.local_vectors:
            return (r for r, _, _ in snap.dense.search(snap.table, qv, n, article_ids))
        chunk_ids = (i.rsplit(":", 1)[0] for i, _ in self.store.query(qv.tolist(), n, article_ids))
        return (r for c in chunk_ids if (r := snap.table.row_of(c)) is not None)

    def vectors_for(self, sentences: list[tuple[str, int, int, str]]) -> np.ndarray:
        """Stored vectors of (article_id, start, end, text) sentences; embedded if not stored."""
        snap = self.snap
        ids = [_sentence_id(snap, a, s, e) or f"{a}@{s}-{e}" for a, s, e, _ in sentences]
        return self.vectors.get(ids, [t for *_, t in sentences], self.embedder, self._local(snap))

    def _local(self, snap: Snapshot, known: dict | None = None):
        """Looks sentence ids up in the snapshot's own vectors (None: none, or not used here);
        ``known``: id → (row, k) the caller already has, so those ids are not parsed again."""
        if snap.dense is None or not self.local_vectors:
            return None
        known = known or {}

        def lookup(sentence_id: str):
            row_k = known.get(sentence_id) or _row_k(snap, sentence_id)
            return snap.dense.vector(snap.table, *row_k) if row_k else None
        return lookup

    def article_terms(self, article_id: str) -> frozenset[str]:
        """Every stemmed word of an article, from the lexical index (no store round trip)."""
        snap = self.snap
        return snap.lexical.terms(snap.table.rows_of(article_id))

    def sentence_before(self, article_id: str, start: int) -> str:
        """The sentence just before the one at ``start`` (for "He said..." sentences)."""
        snap = self.snap
        row = snap.table.row_at(article_id, start)
        if row is None:
            return ""
        starts = [s for s, _ in snap.table.locator(row).sentences]
        if start not in starts:
            return ""
        k = starts.index(start)
        if k == 0:  # the last sentence of the chunk before
            row = snap.table.previous(row)
            if row is None:
                return ""
            k = len(snap.table.locator(row).sentences)
        rec = self.records(snap, [row]).get(row)
        return rec.sentence(k - 1) if rec else ""

    # -- stage 2: sentences ----------------------------------------------------------------
    def score_sentences(self, snap: Snapshot, query: str, qv, rows: list[int],
                        recs: dict[int, ChunkRecord] | None = None) -> list[Scored]:
        recs = self.records(snap, rows) if recs is None else recs
        rows = [r for r in rows if r in recs]
        ids = [(row, k, f"{recs[row].id}:{k}") for row in rows for k in range(len(recs[row].sentences))]
        if not ids:
            return []
        vecs = self.vectors.get([i for *_, i in ids], [recs[r].sentence(k) for r, k, _ in ids], self.embedder,
                                self._local(snap, {i: (r, k) for r, k, i in ids}))
        cos = matvec(vecs, qv)
        weights = {t: snap.lexical.idf(t) for t in set(stems(query))}
        total = sum(weights.values()) or 1.0
        prior = {row: 1.0 / (1 + rank) for rank, row in enumerate(rows)}
        out = []
        for (row, k, _), c in zip(ids, cos):
            words = set(stems(recs[row].sentence(k)))
            overlap = sum(w for t, w in weights.items() if t in words) / total
            out.append(Scored(row, k, W_COS * float(c) + W_LEX * overlap + W_PRIOR * prior[row]))
        if self.settings.reranker_model:
            self._rerank(query, out, recs)
        order = sorted(range(len(out)), key=lambda i: -out[i].score)
        return [out[i] for i in _without_copies(order, cos, vecs)]

    def _rerank(self, query: str, scored: list[Scored], recs: dict[int, ChunkRecord]) -> None:
        """Blend in a cross-encoder's judgement (sigmoid of its logit) half and half."""
        if self._reranker is None:
            from sentence_transformers import CrossEncoder  # only loaded when configured

            self._reranker = CrossEncoder(self.settings.reranker_model, device="cpu")
        logits = self._reranker.predict([(query, recs[s.row].sentence(s.k)) for s in scored], batch_size=32)
        for s, z in zip(scored, np.atleast_1d(logits)):
            s.score = 0.5 * s.score + 0.5 / (1.0 + float(np.exp(-z)))

    def _passages(self, snap: Snapshot, scored: list[Scored], k: int, window: int,
                  recs: dict[int, ChunkRecord]) -> list[Passage]:
        """Windows around the best sentences until there are ``k``; a window that overlaps
        or abuts an earlier one (same chunk) joins it, so no text is returned twice."""
        spans: list[list] = []  # [row, first k, last k, score]
        for sc in scored:
            if len(spans) >= k:
                break
            n = len(recs[sc.row].sentences)
            lo, hi = max(0, sc.k - window), min(n - 1, sc.k + window)
            mine = next((sp for sp in spans if sp[0] == sc.row and lo <= sp[2] + 1 and sp[1] <= hi + 1), None)
            if mine:
                mine[1], mine[2] = min(mine[1], lo), max(mine[2], hi)
            else:
                spans.append([sc.row, lo, hi, sc.score])
        metas = index_cache.article_metas(snap, self.store, [recs[row].article_id for row, *_ in spans])
        return [_passage(recs[row], lo, hi, score, metas) for row, lo, hi, score in spans]


def _without_copies(order: list[int], cos: np.ndarray, vecs: np.ndarray) -> list[int]:
    """``order`` without later copies of a sentence (equal cosine to the question and equal
    vector): a wire story reprinted by several papers is passed on once, by its best-placed
    copy, instead of filling the passages the answerer reads."""
    seen: dict[float, list[int]] = {}
    kept = []
    for i in order:
        peers = seen.setdefault(round(float(cos[i]), 5), [])
        if any(float(vecs[i] @ vecs[j]) > 0.9999 for j in peers):
            continue
        peers.append(i)
        kept.append(i)
    return kept


def _passage(c: ChunkRecord, lo: int, hi: int, score: float, metas: dict) -> Passage:
    s, e = c.sentences[lo][0], c.sentences[hi][1]
    title = metas[c.article_id].title if c.article_id in metas else ""
    return Passage(c.article_id, c.text[s - c.start:e - c.start], s, e, round(float(score), 4), title,
                   c.sentences[lo:hi + 1])


def _row_k(snap: Snapshot, sentence_id: str) -> tuple[int, int] | None:
    """(chunk row, k) of a ``<chunk id>:<k>`` sentence id; None for any other id."""
    chunk, _, k = sentence_id.rpartition(":")
    row = snap.table.row_of(chunk) if chunk and k.isdigit() else None
    return (row, int(k)) if row is not None else None


def _sentence_id(snap: Snapshot, article_id: str, start: int, end: int) -> str | None:
    row = snap.table.row_at(article_id, start)
    c = snap.table.locator(row) if row is not None else None
    if c is not None and (start, end) in c.sentences:
        return f"{c.id}:{c.sentences.index((start, end))}"
    return None


class VectorCache:
    """Sentence vectors by id: from memory, else one Chroma ``get`` for all that are missing,
    else (sentences not stored as such, e.g. from ``vectors_for``) embedded on the spot. Bounded."""

    LIMIT = 50_000  # ~75 MB of 384-d vectors: a long-lived process stays bounded (~500 questions of reuse)

    def __init__(self, store: ArticleStore):
        self.store, self._vecs = store, {}

    def get(self, ids: list[str], texts: list[str], embedder, local=None) -> np.ndarray:
        """``local``: a lookup in the process's own vectors (rag.dense). With it Chroma is
        never asked (that would load its index): what it lacks is cached or embedded."""
        have = {i: np.asarray(v, dtype=np.float32) for i in ids if (v := local(i)) is not None} if local else {}
        have.update({i: v for i in ids if i not in have and (v := self._vecs.get(i)) is not None})
        missing = [i for i in ids if i not in have]
        if missing:
            fetched = {} if local else {i: np.asarray(v, dtype=np.float32)
                                        for i, v in self.store.sentence_vectors(missing).items()}
            absent = [(i, t) for i, t in zip(ids, texts) if i not in have and i not in fetched]
            if absent:
                fetched.update(zip([i for i, _ in absent], embedder.embed_documents([t for _, t in absent])))
            have.update(fetched)
            if len(self._vecs) + len(fetched) > self.LIMIT:
                self._vecs = {}  # a fresh dict, not clear(): other threads may be reading the old one
            self._vecs.update(fetched)
        return np.stack([have[i] for i in ids])
