"""Where every chunk is, without its text: the columnar table retrieval searches over.

Row ``r`` of the table is row ``r`` of the lexical index. The *base* rows come from a
persisted index (numpy arrays, memory-mapped: they cost page cache, not process memory)
and are sorted by chunk id, so an article's chunks are one contiguous, ``searchsorted``
range (a chunk id is ``<article id>-<generation>-<index>``). Changes since the base was
written are *delta* rows appended after it, and base rows of changed or removed articles
are marked dead. Chunk text is not held here at all: ``TextCache`` fetches the few chunks an
answer needs from Chroma by id (an id names one generation, so cached text never goes stale).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np


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


@dataclass(frozen=True)
class Locator:
    """A chunk without its text."""
    id: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]

    @property
    def article_id(self) -> str:
        return self.id.rsplit("-", 2)[0]

    @property
    def gen(self) -> str:
        return self.id.rsplit("-", 2)[1]


class BaseArrays:
    """The persisted columns: ids (bytes, sorted), starts, ends, and the sentence spans of
    row r at ``spans[ptr[r]:ptr[r+1]]`` (absolute offsets in the article)."""

    NAMES = ("ids", "starts", "ends", "sent_ptr", "sent_spans")

    def __init__(self, ids, starts, ends, sent_ptr, sent_spans):
        self.ids, self.starts, self.ends, self.sent_ptr, self.sent_spans = ids, starts, ends, sent_ptr, sent_spans

    @classmethod
    def from_locators(cls, locs: list[Locator]) -> "BaseArrays":
        locs = sorted(locs, key=lambda c: c.id)
        ptr = np.zeros(len(locs) + 1, dtype=np.int64)
        ptr[1:] = np.cumsum([len(c.sentences) for c in locs])
        spans = np.array([s for c in locs for s in c.sentences], dtype=np.int64).reshape(-1, 2)
        return cls(np.array([c.id.encode() for c in locs], dtype=bytes) if locs else np.zeros(0, dtype="S1"),
                   np.array([c.start for c in locs], dtype=np.int64), np.array([c.end for c in locs], dtype=np.int64),
                   ptr, spans)

    def __len__(self) -> int:
        return len(self.ids)

    def locator(self, row: int) -> Locator:
        a, b = int(self.sent_ptr[row]), int(self.sent_ptr[row + 1])
        return Locator(self.ids[row].decode(), int(self.starts[row]), int(self.ends[row]),
                       tuple((int(s), int(e)) for s, e in self.sent_spans[a:b]))

    def article_range(self, article_id: str) -> tuple[int, int]:
        key = article_id.encode() + b"-"
        return (int(np.searchsorted(self.ids, key, "left")),
                int(np.searchsorted(self.ids, key + b"\xff", "left")))

    def row_of(self, chunk_id: str) -> int | None:
        key = chunk_id.encode()
        r = int(np.searchsorted(self.ids, key))
        return r if r < len(self.ids) and self.ids[r] == key else None


class ChunkTable:
    """Base rows (persisted) + delta rows (this process's catch-up), with dead base rows."""

    def __init__(self, base: BaseArrays, dead: np.ndarray | None = None, delta: list[Locator] | None = None):
        self.base = base
        self.dead = np.zeros(len(base), dtype=bool) if dead is None else dead
        self.delta = list(delta or [])
        self._delta_rows = {c.id: len(base) + j for j, c in enumerate(self.delta)}

    def __len__(self) -> int:
        return len(self.base) + len(self.delta)

    @property
    def dead_rows(self) -> int:
        return int(self.dead.sum())

    def locator(self, row: int) -> Locator:
        n = len(self.base)
        return self.base.locator(row) if row < n else self.delta[row - n]

    def alive(self, row: int) -> bool:
        return row >= len(self.base) or not self.dead[row]

    def row_of(self, chunk_id: str) -> int | None:
        row = self._delta_rows.get(chunk_id)
        if row is None:
            row = self.base.row_of(chunk_id)
        return row if row is not None and self.alive(row) else None

    def rows_of(self, article_id: str) -> list[int]:
        """Live rows of one article, in text order (read from the start column in one slice:
        building a Locator per row made this the slowest step of a long article's question)."""
        starts, rows = self._starts_of(article_id)
        return [rows[i] for i in np.argsort(starts, kind="stable")]

    def row_at(self, article_id: str, offset: int) -> int | None:
        """The live row of the article whose text holds ``offset``."""
        lo, hi = self.base.article_range(article_id)
        if hi > lo:
            starts, ends = np.asarray(self.base.starts[lo:hi]), np.asarray(self.base.ends[lo:hi])
            hit = np.flatnonzero((starts <= offset) & (offset < ends) & ~self.dead[lo:hi])
            if len(hit):
                return lo + int(hit[0])
        for c in self._delta_of(article_id):
            if c.start <= offset < c.end:
                return self._delta_rows[c.id]
        return None

    def _starts_of(self, article_id: str) -> tuple[np.ndarray, list[int]]:
        lo, hi = self.base.article_range(article_id)
        live = np.flatnonzero(~self.dead[lo:hi])
        starts = [np.asarray(self.base.starts[lo:hi])[live]]
        rows = [lo + int(i) for i in live]
        delta = self._delta_of(article_id)
        starts.append(np.array([c.start for c in delta], dtype=np.int64))
        rows += [self._delta_rows[c.id] for c in delta]
        return np.concatenate(starts), rows

    def _delta_of(self, article_id: str) -> list[Locator]:
        if not self.delta:
            return []
        prefix = article_id + "-"
        return [c for c in self.delta if c.id.startswith(prefix)]

    def previous(self, row: int) -> int | None:
        """The live row just before ``row`` in its article (where "He said…" finds its "he")."""
        loc = self.locator(row)
        if row < len(self.base) and row > 0 and not self.dead[row - 1] and \
                self.base.ids[row - 1].startswith(loc.article_id.encode() + b"-"):
            return row - 1  # base rows are sorted by chunk id: the common case, no search
        rows = self.rows_of(loc.article_id)
        i = rows.index(row) if row in rows else 0
        return rows[i - 1] if i > 0 else None

    def search_mask(self, article_ids=None) -> np.ndarray | None:
        """What a search may return: None (every row) when nothing is dead or filtered, so
        the common question allocates no row-sized mask."""
        if not article_ids and not self.dead.any():  # no filter or an empty one: all articles, as Chroma's query
            return None
        return self.live_mask(article_ids)

    def live_mask(self, article_ids=None) -> np.ndarray:
        """Rows that are alive (and, with ``article_ids``, belong to one of them)."""
        mask = np.zeros(len(self), dtype=bool)
        if not article_ids:
            mask[:len(self.base)] = ~self.dead
            mask[len(self.base):] = True
            return mask
        for a in article_ids:
            for r in self.rows_of(a):
                mask[r] = True
        return mask

    def with_changes(self, gone: set[str], added: list[Locator]) -> "ChunkTable":
        """A new table: rows of the ``gone`` articles dead or dropped, ``added`` appended."""
        dead = self.dead.copy()
        for a in gone:
            lo, hi = self.base.article_range(a)
            dead[lo:hi] = True
        delta = [c for c in self.delta if c.article_id not in gone] + added
        return ChunkTable(self.base, dead, delta)


class TextCache:
    """Chunk texts by chunk id, cut from their articles' text (fetched in one round trip per
    miss batch); bounded LRU."""

    LIMIT = 20_000

    def __init__(self, store):
        self.store, self._texts, self._lock = store, OrderedDict(), threading.Lock()

    def get(self, locators: list[Locator]) -> dict[str, str]:
        with self._lock:
            have = {c.id: self._texts[c.id] for c in locators if c.id in self._texts}
            for i in have:
                self._texts.move_to_end(i)
        missing = list({c.id: c for c in locators if c.id not in have}.values())
        if missing:
            got = self.store.chunk_texts(missing)
            have.update(got)
            with self._lock:
                self._texts.update(got)
                while len(self._texts) > self.LIMIT:
                    self._texts.popitem(last=False)
        return have
