"""The persisted index: chunk table + BM25 (+ sentence vectors for an embedded store, see
rag.dense), saved per store revision, loaded memory-mapped.

Where: next to an embedded store (``<db>/rag-index/<collection>/``), or for a Chroma server
in a per-user cache keyed by server URL and collection (``$XDG_CACHE_HOME/news-rag/index/``).
A base is a directory ``base-<uuid>`` named by the ``CURRENT`` file (replaced atomically,
so two processes saving at once never leave a half-written base in use). ``state.json``
records the store it belongs to (its articles collection id), the revision and time it
reflects, and the size and CRC-32 of every file: a missing, corrupt or foreign base is
rebuilt, never trusted.

How a process gets up to date (``sync``): load the base, ask the store's revision log which
articles changed since the base was read, re-read only those (``apply_changes``), and check
the article count against the store (a log that missed something means a full rebuild).
A catch-up is saved as a new folder holding hard links to the base's files plus the delta
(``delta.json``, ``delta_vectors.npy``), so the next process loads it instead of redoing it.
When the catch-up grows past ``COMPACT_SHARE`` of the rows, the rows are re-indexed from
token ids into a new base (and, with sentence vectors kept, a new vector graph) instead.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from rag import dense as dense_mod
from rag.chunk_table import BaseArrays, ChunkTable, Locator
from rag.dense import DenseIndex
from rag.lexical import LexicalIndex, _bm25s, tokens_of
from rag.store import EVERYTHING, LOG_DAYS, ArticleMeta, ArticleStore

log = logging.getLogger(__name__)

FORMAT = 6  # 2: the applied log entries are recorded; 3: sentence vectors may be kept (rag.dense);
# 4: irregular verb forms are indexed as their verb (rag.text.base_form); 5: "U.S.", "US" are indexed as
# "united states" (rag.text.expand_abbreviations); 6: "WWII", "WWI" as "world war ii", "world war i"
SKEW = 300.0  # seconds of clock difference between writer and reader machines tolerated by the log query
COMPACT_SHARE, COMPACT_MIN = 0.02, 200  # a catch-up bigger than this becomes a new base


@dataclass(frozen=True)
class Snapshot:
    """One store revision as this process sees it; swapped whole, so a reader that takes
    ``retriever.snap`` once never mixes two revisions."""
    revision: str | None
    table: ChunkTable
    lexical: LexicalIndex
    article_count: int = 0
    since: float = 0.0  # every change logged at or after this time may be missing…
    applied: frozenset = frozenset()  # …except these log entries (read when ``since`` was taken)
    articles: dict = field(default_factory=dict)  # id → ArticleMeta already read (a cache, not the table)
    dense: DenseIndex | None = None  # sentence vectors searched here; None: Chroma is queried
    folder: str = ""  # the saved base this snapshot's base rows are mapped from ("": built in memory)

    @classmethod
    def empty(cls) -> "Snapshot":
        return cls(None, ChunkTable(BaseArrays.from_locators([])), LexicalIndex.build([]))


# -- where ------------------------------------------------------------------------------
def index_root(settings) -> Path | None:
    """Where this store's persisted index lives; None when persisting is switched off."""
    if not settings.retrieval.persist_index:
        return None
    if settings.retrieval.index_dir:
        root = Path(settings.retrieval.index_dir).expanduser()
    elif settings.chroma_url:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        root = base / "news-rag" / "index" / hashlib.sha1(settings.chroma_url.encode()).hexdigest()[:16]
    else:
        root = Path(settings.db).expanduser() / "rag-index"
    return root / settings.collection


def keeps_vectors(settings) -> bool:
    """Whether this store's persisted index holds (and searches) the sentence vectors."""
    r = settings.retrieval
    return bool(r.local_vectors and r.persist_index and not settings.chroma_url)


# -- building -----------------------------------------------------------------------------
def full_build(store: ArticleStore, vectors: bool = False) -> Snapshot:
    """Read every committed chunk once (and with ``vectors`` every sentence vector): the
    first run over a store, or a base not trusted."""
    since, rev = time.time(), store.revision()
    applied = frozenset(store.log_since(since - SKEW))  # what this read reflects, of the skew window
    articles = store.table()
    pairs = []
    for i, d, m in store.iter_chunks():
        a = m["article_id"]
        if a in articles and articles[a].hash == m["gen"]:  # committed generation only
            pairs.append((_locator(i, m), tokens_of(d)))
    pairs.sort(key=lambda p: p[0].id)
    table = ChunkTable(BaseArrays.from_locators([p[0] for p in pairs]))
    dense = dense_mod.build(dense_mod.base_matrix(store, table.base)) if vectors else None
    return Snapshot(rev, table, LexicalIndex.build([p[1] for p in pairs]), len(articles), since, applied,
                    dense=dense)


def _locator(chunk_id: str, m: dict) -> Locator:
    sents = tuple(tuple(int(x) for x in pair.split("-")) for pair in m.get("sents", "").split(",") if pair)
    return Locator(chunk_id, int(m["start"]), int(m["end"]), sents)


def apply_changes(snap: Snapshot, store: ArticleStore, changed: set[str], rev: str, since: float,
                  applied: frozenset = frozenset()) -> Snapshot:
    """``snap`` with the chunks of ``changed`` articles re-read (or dropped when removed)."""
    metas = store.metas(sorted(changed))
    gone, todo, count = set(), [], snap.article_count
    for a in changed:
        rows, m = snap.table.rows_of(a), metas.get(a)
        if m and rows and len(rows) == m.chunks and all(snap.table.locator(r).gen == m.hash[:12] for r in rows):
            continue
        count += bool(m) - bool(rows)
        gone |= {a} if rows else set()
        todo += [a] if m else []
    added = [(_locator(i, m), tokens_of(d)) for i, d, m in store.chunks_of(todo)
             if m["gen"] == metas[m["article_id"]].hash]
    keep = np.array([c.article_id not in gone for c in snap.table.delta], dtype=bool)
    articles = {a: v for a, v in snap.articles.items() if a not in changed} | metas
    table = snap.table.with_changes(gone, [p[0] for p in added])
    dense = snap.dense.with_delta(table, dense_mod.delta_vectors(store, [p[0] for p in added])) if snap.dense else None
    return Snapshot(rev, table, snap.lexical.with_delta(keep, [p[1] for p in added]), count, since, applied,
                    articles, dense, snap.folder)


def compact(snap: Snapshot) -> Snapshot:
    """All live rows in one new base (re-indexed from token ids: nothing is re-stemmed)."""
    live = snap.table.live_mask()
    locs = [snap.table.locator(r) for r in np.flatnonzero(live)]
    ids, vocab = snap.lexical.live_ids(live)
    order = sorted(range(len(locs)), key=lambda i: locs[i].id)  # a base is sorted by chunk id
    table = ChunkTable(BaseArrays.from_locators([locs[i] for i in order]))
    dense = None
    if snap.dense is not None:
        rows = np.flatnonzero(live)
        dense = dense_mod.build(snap.dense.rows_matrix(snap.table, [int(rows[i]) for i in order]))
    return replace(snap, table=table, lexical=LexicalIndex.from_ids([ids[i] for i in order], vocab), dense=dense,
                   folder="")


def needs_compaction(snap: Snapshot) -> bool:
    moved = len(snap.table.delta) + snap.table.dead_rows
    return moved > max(COMPACT_MIN, COMPACT_SHARE * len(snap.table))


# -- saving and loading ---------------------------------------------------------------------
ARRAYS = BaseArrays.NAMES + ("tok_ptr", "tok_ids")
DELTA = "delta"  # delta.json, delta_vectors.npy: a catch-up saved beside the base it applies to


def save(snap: Snapshot, root: Path, identity: str) -> Snapshot:
    """Write ``snap`` as the new base (a snapshot with a delta is saved as links to its base's
    files plus the delta: no big file is rewritten); failures only log. Returns ``snap``
    naming the folder it now lives in."""
    try:
        if snap.table.delta or snap.table.dead_rows:
            return replace(snap, folder=_save_delta(snap, root, identity))
        return replace(snap, folder=_save(snap, root, identity))
    except OSError as e:
        log.warning("could not save the index cache in %s (%s); it is rebuilt on the next start", root, e)
        return snap


def _save(snap: Snapshot, root: Path, identity: str) -> str:
    tmp = _tmp(root)
    b, lx = snap.table.base, snap.lexical
    for name, arr in zip(ARRAYS, (b.ids, b.starts, b.ends, b.sent_ptr, b.sent_spans, lx.tok_ptr, lx.tok_ids)):
        np.save(tmp / f"{name}.npy", np.asarray(arr))
    if lx.base_size:
        lx.bm25.save(str(tmp / "bm25"), show_progress=False)
    if snap.dense is not None:
        dense_mod.save(snap.dense, tmp)
    return _publish(snap, root, identity, tmp, _fingerprints(tmp))


def _tmp(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f"tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    return tmp


def _save_delta(snap: Snapshot, root: Path, identity: str) -> str:
    """The base's files hard-linked (not copied: at 100,000 articles they are ~1 GB) beside
    the delta: dead base rows, delta chunks with their tokens and sentence vectors."""
    if not snap.folder:
        raise OSError("no saved base to link to")
    src, tmp = root / snap.folder, _tmp(root)
    files = {k: v for k, v in json.loads((src / "state.json").read_text(encoding="utf-8"))["files"].items()
             if not k.startswith(DELTA)}
    for name in files:
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(src / name, tmp / name)
    t = snap.table
    delta = {"dead": np.flatnonzero(t.dead).tolist(), "tokens": snap.lexical.delta,
             "chunks": [[c.id, c.start, c.end, [list(x) for x in c.sentences]] for c in t.delta]}
    (tmp / f"{DELTA}.json").write_text(json.dumps(delta), encoding="utf-8")
    if snap.dense is not None:
        np.save(tmp / f"{DELTA}_vectors.npy", snap.dense.rows_matrix(t, range(len(t.base), len(t))))
    files |= {k: v for k, v in _fingerprints(tmp).items() if k.startswith(DELTA)}
    return _publish(snap, root, identity, tmp, files)


def _publish(snap: Snapshot, root: Path, identity: str, tmp: Path, files: dict) -> str:
    """State written, the folder renamed into place, CURRENT switched to it atomically."""
    state = {"format": FORMAT, "identity": identity, "revision": snap.revision, "since": snap.since,
             "vectors": snap.dense is not None, "applied": sorted(snap.applied),
             "articles": snap.article_count, "rows": len(snap.table.base), "files": files}
    (tmp / "state.json").write_text(json.dumps(state), encoding="utf-8")
    final = root / f"base-{uuid.uuid4().hex}"
    tmp.rename(final)
    pointer = root / f"CURRENT.{uuid.uuid4().hex}"
    pointer.write_text(final.name, encoding="utf-8")
    os.replace(pointer, root / "CURRENT")
    _remove_old(root, keep=final.name)
    return final.name


def _remove_old(root: Path, keep: str) -> None:
    """Older bases and abandoned temp dirs (a process that has one memory-mapped keeps
    reading it: on POSIX an unlinked file lives until it is closed)."""
    for d in root.iterdir():
        if d.is_dir() and d.name != keep and (d.name.startswith("base-") or time.time() - d.stat().st_mtime > 3600):
            shutil.rmtree(d, ignore_errors=True)


def _fingerprints(folder: Path) -> dict[str, list[int]]:
    return {str(f.relative_to(folder)): [f.stat().st_size, _crc(f)]
            for f in sorted(folder.rglob("*")) if f.is_file() and f.name != "state.json"}


def _crc(path: Path) -> int:
    crc = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc


def _current(root: Path) -> str | None:
    try:
        return (root / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None


def load(root: Path, identity: str, vectors: bool = False) -> Snapshot | None:
    """The saved base, or None when there is none, it cannot be trusted or it lacks the
    sentence vectors this process wants (then it is rebuilt)."""
    try:
        folder = root / (root / "CURRENT").read_text(encoding="utf-8").strip()
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("format") != FORMAT or state.get("identity") != identity or (vectors and not state.get("vectors")):
        return None  # a base with vectors also serves a process that queries Chroma (it keeps them up to date)
    try:
        if _fingerprints(folder) != {k: list(v) for k, v in state["files"].items()}:
            log.warning("the index cache in %s is corrupt; rebuilding it", folder)
            return None
        return _open(folder, state)
    except (OSError, ValueError, KeyError, IndexError) as e:
        log.warning("the index cache in %s cannot be read (%s); rebuilding it", folder, e)
        return None


def _open(folder: Path, state: dict) -> Snapshot:
    arrays = {n: np.load(folder / f"{n}.npy", mmap_mode="r", allow_pickle=False) for n in ARRAYS}
    base = BaseArrays(*(arrays[n] for n in BaseArrays.NAMES))
    if state["rows"]:
        bm25 = _bm25s().BM25.load(str(folder / "bm25"), mmap=True, show_progress=False)
    else:
        bm25 = LexicalIndex.build([]).bm25
    lexical = LexicalIndex(bm25, arrays["tok_ptr"], arrays["tok_ids"])
    if not (len(base) == state["rows"] == lexical.base_size and len(base.sent_ptr) == len(base) + 1):
        raise ValueError("inconsistent arrays")
    dense = dense_mod.open_dense(folder) if state["vectors"] else None
    if dense is not None and len(dense.base) not in (0, int(base.sent_ptr[-1])):
        raise ValueError("vector matrix does not match the sentences")
    table = ChunkTable(base)
    if (folder / f"{DELTA}.json").exists():
        table, lexical, dense = _open_delta(folder, table, lexical, dense)
    return Snapshot(state["revision"], table, lexical, state["articles"], state["since"],
                    frozenset(state["applied"]), dense=dense, folder=folder.name)


def _open_delta(folder: Path, table: ChunkTable, lexical: LexicalIndex, dense: DenseIndex | None):
    """A saved catch-up applied to the base just opened."""
    delta = json.loads((folder / f"{DELTA}.json").read_text(encoding="utf-8"))
    dead = np.zeros(len(table.base), dtype=bool)
    dead[np.asarray(delta["dead"], dtype=np.int64)] = True
    locs = [Locator(i, s, e, tuple(tuple(x) for x in sents)) for i, s, e, sents in delta["chunks"]]
    if len(delta["tokens"]) != len(locs):
        raise ValueError("delta tokens do not match its chunks")
    table = ChunkTable(table.base, dead, locs)
    lexical = lexical.with_delta(np.zeros(0, dtype=bool), delta["tokens"])
    if dense is not None:
        vecs = np.load(folder / f"{DELTA}_vectors.npy", allow_pickle=False)
        ends = np.cumsum([len(c.sentences) for c in locs]).tolist()
        if len(vecs) != (ends[-1] if ends else 0):
            raise ValueError("delta vectors do not match its sentences")
        dense = replace(dense, delta={c.id: vecs[e - len(c.sentences):e] for c, e in zip(locs, ends)})
    return table, lexical, dense


# -- bringing a process up to date -------------------------------------------------------------
def sync(store: ArticleStore, prev: Snapshot | None, root: Path | None, vectors: bool = False) -> Snapshot:
    """The snapshot of the store's current revision, from ``prev`` or the saved base;
    ``vectors``: keep the sentence vectors in the index too (embedded stores, see rag.dense)."""
    since, rev = time.time(), store.revision()
    identity = store.identity()
    snap = prev if prev is not None and prev.revision is not None else None
    if root and (snap is None or snap.revision != rev) and _current(root) != (snap.folder if snap else None):
        saved = load(root, identity, vectors)  # e.g. the writer saved this very revision's catch-up
        if saved is not None and (snap is None or saved.since >= snap.since):
            snap = saved
    if snap is not None and snap.revision == rev:
        return snap
    if snap is not None and since - snap.since < (LOG_DAYS - 1) * 86400:
        caught_up = _caught_up(snap, store, rev, since)
        if caught_up is not None:
            if needs_compaction(caught_up):
                caught_up = compact(caught_up)
            # Saved either way: the next process loads this catch-up instead of redoing it
            # (which, with local vectors, would open Chroma's vector index for the changed ones).
            return save(caught_up, root, identity) if root else caught_up
    snap = full_build(store, vectors)
    return save(snap, root, identity) if root else snap


def _caught_up(snap: Snapshot, store: ArticleStore, rev, since: float) -> Snapshot | None:
    """``snap`` with the articles the revision log names re-read, or None when the log cannot
    be trusted for that (a crashed writer's ``EVERYTHING``, or counts that disagree)."""
    entries = store.log_since(snap.since - SKEW)  # read after ``since``: all of these are reflected below
    changed = {a for i, ids in entries.items() if i not in snap.applied for a in ids}
    if EVERYTHING in changed:
        log.info("a writer died mid-run since this index was saved; reading the store in full")
        return None
    snap = apply_changes(snap, store, changed, rev, since, frozenset(entries))
    if snap.article_count != store.count():
        log.warning("the revision log misses changes (another version wrote the store?); reading it in full")
        return None
    return snap


def article_metas(snap: Snapshot, store: ArticleStore, ids) -> dict[str, ArticleMeta]:
    """Metadata of these articles, read once per snapshot (a small per-snapshot cache)."""
    missing = [a for a in dict.fromkeys(ids) if a not in snap.articles]
    if missing:
        snap.articles.update(store.metas(missing))
    return {a: snap.articles[a] for a in ids if a in snap.articles}
