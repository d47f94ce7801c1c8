"""Sentence vectors searched inside this process, next to the persisted index: a
memory-mapped float32 matrix, plus an HNSW graph over it (usearch, opened as a memory-mapped
view) once a store is big enough that scanning the matrix would cost more than walking it.

Why not Chroma's own index: an embedded Chroma reads its whole HNSW index and id map into
every process before the first query can run. At 100,000 articles (1.2 million sentences)
that was 2.8 s and ~1 GB per answering process; the graph's view opens in 0.17-0.58 s there
(~40 ms at 300,000) and costs page cache, not process memory. Chroma stays the store of
record: the matrix is built from its vectors, and changes since the saved base (the
snapshot's delta rows) are fetched from it by id. A Chroma server keeps its index warm for every client, so there Chroma is still queried.

Row ``i`` of the matrix is sentence ``k`` of base chunk row ``r`` where
``i = BaseArrays.sent_ptr[r] + k``; delta chunks keep their vectors by chunk id.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.runtime import matvec

GRAPH_MIN = 10_000  # sentences; below this an exact scan (≤ ~4 ms at 384-d) needs no graph to build
MATRIX, GRAPH = "vectors.npy", "vectors.usearch"
# Chroma's HNSW defaults for links and construction breadth; a wider search than its 100:
# at 10,000 articles (real model) recall@10 against an exact scan is 0.956 at 400 against
# 0.851 at 100, for under 0.5 ms more per question (benchmarks/local_vectors.py).
CONNECTIVITY, EXPANSION_ADD, EXPANSION_SEARCH = 16, 100, 400


@dataclass(frozen=True)
class DenseIndex:
    """The sentence vectors of one snapshot (base matrix + graph, delta by chunk id)."""
    base: np.ndarray  # (base sentences, dim) float32, unit length
    graph: object | None = None  # usearch Index over ``base`` (keys = matrix rows), or None: exact scan
    delta: dict = field(default_factory=dict)  # chunk id → (sentences, dim) float32

    # -- reading -----------------------------------------------------------------------
    def vector(self, table, row: int, k: int) -> np.ndarray | None:
        """The stored vector of sentence ``k`` of chunk ``row``; None when it has none."""
        n = len(table.base)
        if row < n:
            i = int(table.base.sent_ptr[row]) + k
            return np.asarray(self.base[i]) if i < len(self.base) else None
        vecs = self.delta.get(table.delta[row - n].id)
        return vecs[k] if vecs is not None and k < len(vecs) else None

    def search(self, table, qv: np.ndarray, n: int, article_ids=None) -> list[tuple[int, int, float]]:
        """The ``n`` sentences nearest to ``qv`` as (chunk row, k, cosine), best first; live
        rows only, and only the articles named when ``article_ids`` is given."""
        qv = np.asarray(qv, dtype=np.float32)
        if article_ids:
            rows = sorted({r for a in article_ids for r in table.rows_of(a)})
            base_hits = self._scan_rows(table, [r for r in rows if r < len(table.base)], qv)
            delta_rows = [r for r in rows if r >= len(table.base)]
        else:
            base_hits = self._search_base(table, qv, n)
            delta_rows = range(len(table.base), len(table))
        hits = base_hits + self._scan_delta(table, delta_rows, qv)
        return sorted(hits, key=lambda h: -h[2])[:n]

    def _search_base(self, table, qv: np.ndarray, n: int) -> list[tuple[int, int, float]]:
        if not len(self.base):
            return []
        want = n * 2 if table.dead_rows else n  # dead rows are dropped after the search
        if self.graph is not None:
            found = self.graph.search(qv, want, exact=False)
            keys, cos = np.asarray(found.keys, dtype=np.int64), 1.0 - np.asarray(found.distances, dtype=np.float32)
            ok = (keys >= 0) & (keys < len(self.base))  # never trust a key outside the matrix
            keys, cos = keys[ok], cos[ok]
        else:
            scores = matvec(self.base, qv)
            keys = np.argpartition(-scores, want)[:want] if len(scores) > want else np.arange(len(scores))
            cos = scores[keys]
        return self._live(table, keys, cos)

    def _scan_rows(self, table, rows: list[int], qv: np.ndarray) -> list[tuple[int, int, float]]:
        """Exact cosine of every sentence of these base rows (a search limited to some articles)."""
        ptr = table.base.sent_ptr
        keys = np.concatenate([np.arange(ptr[r], ptr[r + 1]) for r in rows]) if rows else np.zeros(0, np.int64)
        keys = keys[keys < len(self.base)]
        return self._live(table, keys, matvec(self.base[keys], qv) if len(keys) else keys)

    def _live(self, table, keys: np.ndarray, cos: np.ndarray) -> list[tuple[int, int, float]]:
        rows = np.searchsorted(np.asarray(table.base.sent_ptr), keys, side="right") - 1
        ks = keys - np.asarray(table.base.sent_ptr)[rows]
        return [(int(r), int(k), float(c)) for r, k, c in zip(rows, ks, cos) if not table.dead[r]]

    def _scan_delta(self, table, rows, qv: np.ndarray) -> list[tuple[int, int, float]]:
        out = []
        for r in rows:
            vecs = self.delta.get(table.delta[r - len(table.base)].id)
            if vecs is not None and len(vecs):
                out += [(r, k, float(c)) for k, c in enumerate(matvec(vecs, qv))]
        return out

    # -- changing ------------------------------------------------------------------------
    def with_delta(self, table, added: dict[str, np.ndarray]) -> "DenseIndex":
        """This index for ``table`` (the new table: delta chunks it no longer has are dropped)."""
        keep = {c.id for c in table.delta}
        delta = {i: v for i, v in self.delta.items() if i in keep} | added
        return DenseIndex(self.base, self.graph, delta)

    def rows_matrix(self, table, rows) -> np.ndarray:
        """The vectors of every sentence of these chunk rows, in order (a new base's matrix)."""
        dim = self._dim()
        parts = []
        for r in rows:
            loc = table.locator(r)
            if r < len(table.base):
                a = int(table.base.sent_ptr[r])
                part = np.asarray(self.base[a:a + len(loc.sentences)])
            else:
                part = self.delta.get(loc.id, np.zeros((0, dim), np.float32))
            if len(part) != len(loc.sentences):  # a vector Chroma did not have: matches nothing
                part = np.zeros((len(loc.sentences), dim), np.float32)
            parts.append(part)
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, dim), np.float32)

    def _dim(self) -> int:
        if self.base.shape[1]:
            return self.base.shape[1]
        return next((v.shape[1] for v in self.delta.values() if v.ndim == 2), 0)


# -- reading from the store, building, saving, opening -----------------------------------------
def base_matrix(store, base) -> np.ndarray:
    """Every stored sentence vector at its row of a new base's matrix (``base``: its
    BaseArrays); a sentence Chroma has no vector for stays zero and so matches nothing."""
    matrix = None
    for ids, vecs in store.iter_sentence_vectors():
        if matrix is None:
            matrix = np.zeros((int(base.sent_ptr[-1]), vecs.shape[1]), dtype=np.float32)
        at = _matrix_rows(base, ids)
        matrix[at[at >= 0]] = vecs[at >= 0]
    return matrix if matrix is not None else np.zeros((0, 0), dtype=np.float32)


def _matrix_rows(base, sentence_ids: list[str]) -> np.ndarray:
    """Matrix row (``sent_ptr[r] + k``) of each ``<chunk id>:<k>``; -1 when its chunk is not
    in the base (another generation, or not committed) or it has no sentence ``k``."""
    if not len(base):
        return np.full(len(sentence_ids), -1, dtype=np.int64)
    chunk, k = zip(*(i.rsplit(":", 1) for i in sentence_ids))
    keys = np.array([c.encode() for c in chunk], dtype=bytes)
    rows = np.minimum(np.searchsorted(base.ids, keys), len(base) - 1)
    at = base.sent_ptr[rows] + np.array(k, dtype=np.int64)
    ok = (base.ids[rows] == keys) & (at < base.sent_ptr[rows + 1])
    return np.where(ok, at, -1)


def delta_vectors(store, locs) -> dict[str, np.ndarray]:
    """The stored sentence vectors of these (new) chunks, by chunk id."""
    ids = [f"{c.id}:{k}" for c in locs for k in range(len(c.sentences))]
    got = {}
    for i in range(0, len(ids), 5000):
        got.update(store.sentence_vectors(ids[i:i + 5000]))
    out = {}
    for c in locs:
        vecs = [got.get(f"{c.id}:{k}") for k in range(len(c.sentences))]
        if vecs and all(v is not None for v in vecs):
            out[c.id] = np.asarray(vecs, dtype=np.float32)
    return out


def build(matrix: np.ndarray) -> DenseIndex:
    """A base over ``matrix`` (unit-length rows), with a graph when it is big enough."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    if len(matrix) < GRAPH_MIN:
        return DenseIndex(matrix)
    from usearch.index import Index  # only big stores need it: keeps small processes' start lean

    graph = Index(ndim=matrix.shape[1], metric="cos", dtype="f32", connectivity=CONNECTIVITY,
                  expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)
    graph.add(np.arange(len(matrix), dtype=np.uint64), matrix, threads=os.cpu_count() or 1)
    return DenseIndex(matrix, graph)


def save(dense: DenseIndex, folder: Path) -> None:
    np.save(folder / MATRIX, np.asarray(dense.base, dtype=np.float32))
    if dense.graph is not None:
        dense.graph.save(str(folder / GRAPH))


def open_dense(folder: Path) -> DenseIndex | None:
    """The saved base's vectors (memory-mapped), or None when the base was saved without them."""
    if not (folder / MATRIX).exists():
        return None
    matrix = np.load(folder / MATRIX, mmap_mode="r", allow_pickle=False)
    if matrix.ndim != 2:
        raise ValueError("vector matrix is not 2-d")
    graph = None
    if (folder / GRAPH).exists():
        from usearch.index import Index

        graph = Index.restore(str(folder / GRAPH), view=True)
        if graph is None or len(graph) != len(matrix):
            raise ValueError("vector graph does not match the matrix")
        graph.expansion_search = EXPANSION_SEARCH
    return DenseIndex(matrix, graph)
