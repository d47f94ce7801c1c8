"""The article store: four Chroma collections behind one small class.

- ``<prefix>_articles``: one record per article (full cleaned text + title, source, date,
  content hash). Writing this record is the *commit point* of an article.
- ``<prefix>_chunks``: passages (text, offsets, sentence spans), each tagged with its
  article and the content hash (``gen``) it was cut from. Readers only see chunks whose
  ``gen`` equals the committed article hash, so a half-written replacement is never
  visible. Chunks are fetched by id, never searched: their vector is a placeholder.
- ``<prefix>_sentences``: one vector per sentence (id ``<chunk id>:<k>``), the unit of
  dense search: a question matches a sentence far better than a whole passage.
- ``<prefix>_meta``: the store revision (bumped on every change, so readers notice new
  articles cheaply), the revision log (one ``log:<uuid>`` record per change: its time and
  the ids of the articles it touched, so a reader with a persisted index re-reads only
  those), the embedding model the vectors belong to, and a "dirty" flag that tells the
  next ingest to sweep orphans left by a crash.

Local (``PersistentClient``) and server (``HttpClient``) mode share all of this.
"""
from __future__ import annotations

import functools
import inspect
import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from rag.errors import ArticleNotFoundError, BadInputError, ChromaUnavailableError, StoreMismatchError, StoreNotFoundError
from rag.types import Article

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_SPACE = {"hnsw": {"space": "cosine"}}
_UNIT = [1.0]  # article/meta records need a vector; they are never searched by it
LOG_DAYS = 30  # revision log entries are kept this long; an older persisted index is rebuilt
EVERYTHING = "*"  # a revision-log entry naming this may have changed any article (a crashed writer's)
LEGACY_DIRTY = "dirty"  # the single write-in-flight flag of versions before per-writer marks
# 3: chunks carry a 1-d placeholder vector (only sentence vectors are searched; at 10,000
#    articles a chunk index of real vectors cost ~100 ms of every first question and 60 MB);
# 2: chunks carried the mean of their sentence vectors (still read and written as such);
# 1: chunks only, no sentence vectors (refused: re-ingest).
# 4: chunks carry no text either: it is cut from the committed article's text (Chroma indexes every
#    document for full-text search, which cost ~40 % of the writes of an ingest and is never used;
#    a chunk row that still holds its text, as in layouts 2 and 3, is read as it is).
LAYOUT = 4
READABLE_LAYOUTS = (2, 3, 4)
OLD_LAYOUT = ("this store was written by an older version of news-rag (no sentence vectors); "
              "re-ingest your articles into a new store: rag-ingest SOURCES --db NEW_DIR")


COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$")


def check_collection(name: str) -> str:
    """A library name Chroma accepts as the prefix of its four collections."""
    if not isinstance(name, str) or not COLLECTION_NAME.match(name):
        raise BadInputError(f"collection name {name!r} is not allowed; use 3–40 letters, digits, '-' or '_', "
                            "starting with a letter or digit, e.g. --collection politics")
    return name


def list_collections(client) -> dict[str, int]:
    """The libraries in one store directory or server: name → article count."""
    names = {c.name for c in client.list_collections()}
    libs = sorted(lib for n in names if n.endswith("_articles") and f"{(lib := n.removesuffix('_articles'))}_meta" in names)
    return {lib: client.get_collection(f"{lib}_articles", embedding_function=None).count() for lib in libs}


@dataclass(frozen=True)
class ArticleMeta:
    id: str
    title: str
    source: str
    published: str | None
    hash: str
    chunks: int
    added: str | None = None  # when first ingested (UTC, ISO)
    updated: str | None = None  # when its text last changed on re-ingest (UTC, ISO)
    pages: tuple[int, ...] = ()  # a PDF's page start offsets in the text (page n starts at pages[n-1])
    text_hash: str = ""  # of the text alone: the same story under another title or URL is a duplicate

    @property
    def same_text_key(self) -> str:
        """What duplicates are found by (stores written before text hashes: the full hash)."""
        return self.text_hash or self.hash


def _meta(article_id: str, m: dict) -> ArticleMeta:
    pages = tuple(int(x) for x in m["pages"].split(",")) if m.get("pages") else ()
    return ArticleMeta(article_id, m["title"], m["source"], m.get("published") or None, m["hash"], m["chunks"],
                       m.get("added") or None, m.get("updated") or None, pages, m.get("thash") or "")


def open_client(db: Path | str | None, chroma_url: str = "", create: bool = False):
    from rag import chroma_import

    settings = chroma_import.chroma_settings()
    if chroma_url:
        return _http_client(chroma_url, settings)
    path = Path(db).expanduser()
    if not create and not (path / "chroma.sqlite3").exists():
        raise StoreNotFoundError(f"no article store at {path}; ingest articles first: rag-ingest FILE --db {path}")
    path.mkdir(parents=True, exist_ok=True)
    return chroma_import.persistent_client(str(path), settings)


def _http_client(url: str, settings):
    from urllib.parse import urlparse

    from rag.chroma_import import http_client

    u = urlparse(url if "://" in url else f"http://{url}")
    try:
        client = http_client(host=u.hostname or "localhost", port=u.port or 8000,
                             ssl=u.scheme == "https", settings=settings)
        client.heartbeat()
    except Exception as e:
        raise ChromaUnavailableError(
            f"cannot reach the Chroma server at {url} ({type(e).__name__}); start it with "
            f"'chroma run --path DIR --port {u.port or 8000}' or fix --chroma-url"
        ) from None
    return client


def _connection_error(e: Exception) -> bool:
    import httpx

    return isinstance(e, (httpx.TransportError, ConnectionError)) or "Could not connect" in str(e)


def _lost_server(e: Exception) -> ChromaUnavailableError:
    return ChromaUnavailableError(
        f"lost the Chroma server ({type(e).__name__}); restart it ('chroma run --path DIR') "
        "and try again (an interrupted ingest is completed by the next run)")


def _server_errors(fn):
    """A server that went away mid-session becomes one clear ChromaUnavailableError — also
    while a generator method (``iter_chunks``, ``chunks_of``) is being consumed."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(self, *args, **kwargs):
            try:
                yield from fn(self, *args, **kwargs)
            except Exception as e:
                if _connection_error(e):
                    raise _lost_server(e) from None
                raise
        return generator

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except Exception as e:
            if _connection_error(e):
                raise _lost_server(e) from None
            raise
    return wrapper


class ArticleStore:
    def __init__(self, client, prefix: str = "news", create: bool = False):
        self.client = client
        self.prefix = prefix
        self.chunk_vectors = False  # a layout-2 store's chunks hold real vectors (set by check_model)
        self._mark = f"dirty:{uuid.uuid4().hex}"  # this writer's write-in-flight mark (set_dirty)
        get = self._create if create else self._get
        try:
            self.articles, self.chunks, self.sentences, self.meta = (
                get(f"{prefix}_{n}") for n in ("articles", "chunks", "sentences", "meta"))
        except StoreNotFoundError:
            if f"{prefix}_articles" in {c.name for c in client.list_collections()}:
                raise StoreMismatchError(OLD_LAYOUT) from None
            others = ", ".join(list_collections(client)) or "none"
            raise StoreNotFoundError(
                f"no collection '{prefix}' in this store (collections: {others}); ingest articles into it "
                f"first: rag-ingest FILE --collection {prefix}") from None

    @classmethod
    def open(cls, settings, create: bool = False) -> "ArticleStore":
        name = check_collection(settings.collection)
        return cls(open_client(settings.db, settings.chroma_url, create), name, create)

    def drop(self) -> None:
        """Delete this store's collections (throw-away stores, e.g. an evaluation's)."""
        for c in (self.articles, self.chunks, self.sentences, self.meta):
            self.client.delete_collection(c.name)

    def _create(self, name: str):
        return self.client.get_or_create_collection(name, configuration=_SPACE, embedding_function=None)

    def _get(self, name: str):
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception:
            raise StoreNotFoundError(f"the store has no '{name}' collection; ingest articles first (rag-ingest FILE)") from None

    # -- model identity and revision -------------------------------------------------
    def check_model(self, model_id: str, dim: int, claim: bool = False) -> None:
        got = self.meta.get(ids=["model"], include=["metadatas"])
        if got["ids"]:
            m = got["metadatas"][0]
            if m.get("layout", 1) not in READABLE_LAYOUTS:
                raise StoreMismatchError(OLD_LAYOUT)
            self.chunk_vectors = m["layout"] == 2
            if m["model_id"] != model_id or m["dim"] != dim:
                if m["model_id"].split("#")[0] == model_id.split("#")[0]:
                    want = m["model_id"].partition("#")[2] or "fp32"
                    raise StoreMismatchError(
                        f"this store was written with the {want} variant of '{model_id.split('#')[0]}', not "
                        f"{model_id.partition('#')[2] or 'fp32'}; set RAG_EMBEDDING__VARIANT={want} or ingest into a new --db")
                raise StoreMismatchError(
                    f"this store was built with embedding model '{m['model_id']}' ({m['dim']}-d), not "
                    f"'{model_id}'; set RAG_EMBEDDING__MODEL to that model or ingest into a new --db"
                )
        elif claim:
            self.meta.upsert(ids=["model"], embeddings=[_UNIT],
                             metadatas=[{"model_id": model_id, "dim": dim, "layout": LAYOUT}])

    def warm(self, vectors: bool = True) -> None:
        """Make Chroma load what a first question touches (the sentence vector index, unless
        ``vectors`` is off because the persisted index searches them, and the article records;
        chunk text is cut from those): ~1 s at 10,000 articles, overlapped with model loading."""
        if vectors:
            got = self.meta.get(ids=["model"], include=["metadatas"])
            if got["ids"] and self.sentences.count():
                dim = int(got["metadatas"][0]["dim"])
                self.sentences.query(query_embeddings=[[1.0] + [0.0] * (dim - 1)], n_results=1, include=[])
        self.articles.get(ids=["-"], include=["metadatas"])

    def revision(self) -> str:
        got = self.meta.get(ids=["revision"], include=["documents"])
        return got["documents"][0] if got["ids"] else ""

    def bump_revision(self, changed=()) -> None:
        """A new revision; ``changed`` (article ids added, updated or removed) goes into the
        revision log first, so a reader that sees the new revision always finds its entry."""
        now = time.time()
        self.meta.upsert(ids=[f"log:{uuid.uuid4().hex}"], embeddings=[_UNIT],
                         documents=[json.dumps(sorted(set(changed)))], metadatas=[{"ts": now}])
        self.meta.upsert(ids=["revision"], embeddings=[_UNIT], documents=[uuid.uuid4().hex])
        self.meta.delete(where={"ts": {"$lt": now - LOG_DAYS * 86400}})

    def log_since(self, ts: float) -> dict[str, list[str]]:
        """Revision-log entries written at or after ``ts``: entry id → ids of the articles it touched."""
        got = self.meta.get(where={"ts": {"$gte": ts}}, include=["documents"])
        return {i: json.loads(doc) for i, doc in zip(got["ids"], got["documents"])}

    def identity(self) -> str:
        """This store's articles collection id: a store deleted and made again is another store."""
        return str(self.articles.id)

    def set_dirty(self, dirty: bool) -> None:
        """Mark (or clear) this writer's write in flight. Each writer has its own mark, so one
        that finishes never clears another's (``--workers``): any crash is seen by the next run."""
        if dirty:
            self.meta.upsert(ids=[self._mark], embeddings=[_UNIT], documents=["1"], metadatas=[{"dirty": 1}])
        else:
            self.meta.delete(ids=[self._mark])

    def is_dirty(self) -> bool:
        """Did a writer stop mid-write? (``LEGACY_DIRTY``: the one flag older versions set.)"""
        return bool(self.meta.get(where={"dirty": 1}, include=[])["ids"] or self.meta.get(ids=[LEGACY_DIRTY])["ids"])

    # -- articles ------------------------------------------------------------------
    def table(self) -> dict[str, ArticleMeta]:
        """Every committed article's metadata (no text), by id."""
        out = {}
        for got in self._pages(self.articles, ["metadatas"]):
            for i, m in zip(got["ids"], got["metadatas"]):
                out[i] = _meta(i, m)
        return out

    def count(self) -> int:
        return self.articles.count()

    def metas(self, ids: list[str]) -> dict[str, ArticleMeta]:
        """Metadata of these articles (absent ones are left out), in one round trip."""
        if not ids:
            return {}
        got = self.articles.get(ids=list(ids), include=["metadatas"])
        return {i: _meta(i, m) for i, m in zip(got["ids"], got["metadatas"])}

    def article(self, article_id: str) -> Article:
        got = self.articles.get(ids=[article_id], include=["documents", "metadatas"])
        if not got["ids"]:
            raise ArticleNotFoundError(f"no article with id '{article_id}' (list them with qa.articles())")
        a = _meta(article_id, got["metadatas"][0])
        return Article(article_id, a.title, a.source, a.published, got["documents"][0], a.hash, a.chunks,
                       a.updated, a.pages)

    def commit_articles(self, items: list[tuple[ArticleMeta, str]]) -> None:
        """Write article records (with their text): the moment they become visible."""
        metas = [{"title": a.title, "source": a.source, "published": a.published or "", "hash": a.hash,
                  "chunks": a.chunks, "added": a.added or "", "updated": a.updated or "",
                  "pages": ",".join(map(str, a.pages)), "thash": a.text_hash} for a, _ in items]
        self._upsert(self.articles, ids=[a.id for a, _ in items], embeddings=[_UNIT] * len(items),
                     documents=[t for _, t in items], metadatas=metas)

    def delete_article(self, article_id: str) -> None:
        self.articles.delete(ids=[article_id])  # uncommit first: readers stop seeing it at once
        self.chunks.delete(where={"article_id": article_id})
        self.sentences.delete(where={"article_id": article_id})

    # -- chunks --------------------------------------------------------------------
    def write_chunks(self, ids, embeddings, metadatas) -> None:
        """Chunk records: offsets and sentence spans, no text (see LAYOUT 4); ``embeddings``
        (their mean sentence vectors) are stored only in a layout-2 store, a placeholder otherwise."""
        vectors = embeddings if self.chunk_vectors else [_UNIT] * len(ids)
        self._upsert(self.chunks, ids=ids, embeddings=vectors, metadatas=metadatas)

    def write_sentences(self, ids, embeddings, metadatas) -> None:
        """Sentence vectors (no text: a sentence is its chunk's text at the chunk's spans)."""
        self._upsert(self.sentences, ids=ids, embeddings=embeddings, metadatas=metadatas)

    def _upsert(self, collection, **columns) -> None:
        step = min(1000, self.client.get_max_batch_size())  # bounds the memory one write takes
        for i in range(0, len(columns["ids"]), step):
            collection.upsert(**{k: v[i:i + step] for k, v in columns.items()})

    def drop_stale_chunks(self, article_id: str, gen: str) -> None:
        stale = {"$and": [{"article_id": article_id}, {"gen": {"$ne": gen}}]}
        self.chunks.delete(where=stale)
        self.sentences.delete(where=stale)

    def query(self, embedding, n: int, article_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """Nearest sentence ids (``<chunk id>:<k>``) with cosine similarity."""
        where = {"article_id": {"$in": list(article_ids)}} if article_ids else None
        # Chroma returns fewer than n when fewer match; no count() round trip on the ask path.
        got = self.sentences.query(query_embeddings=[embedding], n_results=max(1, n), where=where,
                                   include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]

    def sentence_vectors(self, ids: list[str]) -> dict[str, list[float]]:
        got = self.sentences.get(ids=ids, include=["embeddings"])
        return dict(zip(got["ids"], got["embeddings"]))

    def chunk_texts(self, locators) -> dict[str, str]:
        """Chunk texts by chunk id, cut from their committed article's text at the chunk's
        offsets: an answering process never opens the chunk collection (at 100,000 articles
        that cost ~0.8 s and ~230 MB). A chunk of another generation than the committed
        article (it changed meanwhile) is left out, as a deleted one is."""
        texts = self._article_texts(c.article_id for c in locators)
        out = {}
        for c in locators:
            text, gen = texts.get(c.article_id, (None, None))
            if text is not None and c.gen == gen:
                out[c.id] = text[c.start:c.end]
        return out

    def _article_texts(self, article_ids, batch: int = 500) -> dict[str, tuple[str, str]]:
        """Committed article texts with the generation (hash prefix) of their chunk ids."""
        aids = list(dict.fromkeys(article_ids))
        out = {}
        for i in range(0, len(aids), batch):
            got = self.articles.get(ids=aids[i:i + batch], include=["documents", "metadatas"])
            out.update((a, (doc, m["hash"][:12])) for a, doc, m in zip(got["ids"], got["documents"], got["metadatas"]))
        return out

    def iter_chunks(self) -> Iterator[tuple[str, str, dict]]:
        """(id, text, metadata) of every chunk, every generation (callers keep the committed one)."""
        for got in self._pages(self.chunks, ["metadatas", "documents"]):
            yield from self._with_texts(got)

    def _with_texts(self, got: dict) -> Iterator[tuple[str, str, dict]]:
        """Chunk rows with their text: a row written without one (layout 4) is cut from its
        article's committed text at its offsets (another generation's cut is wrong, and its
        callers drop it anyway)."""
        texts = self._article_texts(m["article_id"] for d, m in zip(got["documents"], got["metadatas"]) if d is None)
        for i, d, m in zip(got["ids"], got["documents"], got["metadatas"]):
            yield i, d if d is not None else texts.get(m["article_id"], ("", ""))[0][m["start"]:m["end"]], m

    def iter_sentence_vectors(self) -> Iterator[tuple[list[str], np.ndarray]]:
        """Every sentence vector, a page at a time: (ids, float32 matrix)."""
        for got in self._pages(self.sentences, ["embeddings"]):
            yield got["ids"], np.asarray(got["embeddings"], dtype=np.float32)

    def chunks_of(self, article_ids: list[str], batch: int = 200) -> Iterator[tuple[str, str, dict]]:
        """(id, text, metadata) of these articles' chunks, every generation (callers keep
        the committed one)."""
        for i in range(0, len(article_ids), batch):
            got = self.chunks.get(where={"article_id": {"$in": article_ids[i:i + batch]}},
                                  include=["metadatas", "documents"])
            yield from self._with_texts(got)

    def repair(self) -> int:
        """Delete chunks and sentences no committed article owns (left by a crash).
        Returns how many chunks went."""
        committed = {a.id: a.hash for a in self.table().values()}
        counts = []
        for collection in (self.chunks, self.sentences):
            orphans = [i for got in self._pages(collection, ["metadatas"])
                       for i, m in zip(got["ids"], got["metadatas"]) if committed.get(m["article_id"]) != m["gen"]]
            for i in range(0, len(orphans), 5000):
                collection.delete(ids=orphans[i:i + 5000])
            counts.append(len(orphans))
        # What the dead writers left is swept: their marks go (a repair runs with no other writer).
        self.meta.delete(where={"dirty": 1})
        self.meta.delete(ids=[LEGACY_DIRTY])
        return counts[0]

    @staticmethod
    def _pages(collection, include, size: int = 5000):
        """``collection.get`` results a page at a time (ids plus what ``include`` names)."""
        offset = 0
        while True:
            got = collection.get(include=include, limit=size, offset=offset)
            if not got["ids"]:
                return
            yield got
            offset += len(got["ids"])


for _name, _fn in list(vars(ArticleStore).items()):
    if callable(_fn) and not _name.startswith("__") and not isinstance(_fn, (staticmethod, classmethod)):
        setattr(ArticleStore, _name, _server_errors(_fn))
