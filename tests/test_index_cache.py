"""The persisted index: a new process loads it instead of reading the archive, catches up from
the revision log, and never trusts a corrupt, stale or foreign copy. Real Chroma in a temp
dir (and a real `chroma run` server), fake embedder for speed."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from ingest import ingest
from ingest.pipeline import article_id
from rag import ArticleQA, index_cache
from rag.index_cache import index_root
from rag.settings import EmbeddingSettings, Settings
from rag.store import ArticleStore


def _notes(folder, n, start=0, extra=""):
    folder.mkdir(exist_ok=True)
    for i in range(start, start + n):
        (folder / f"note{i:03d}.md").write_text(
            f"# Council note {i}\n\nThe council met for session number {i} in hall {i % 7}.{extra} "
            f"Delegate Orvan{i} proposed budget line {i * 13}.\n", encoding="utf-8")


def _qa(settings, monkeypatch=None, full_read_fails=False) -> ArticleQA:
    qa = ArticleQA(settings=settings)
    if full_read_fails:
        monkeypatch.setattr(qa.store, "iter_chunks", lambda: pytest.fail("the archive was read in full"))
    return qa


def _best(qa, question):
    return qa.retrieve(question, k=1)[0].text


def test_a_new_process_loads_the_saved_index_instead_of_reading_the_archive(fake_settings, tmp_path, monkeypatch):
    _notes(tmp_path / "a", 30)
    ingest([str(tmp_path / "a")], settings=fake_settings)
    root = index_root(fake_settings)
    assert (root / "CURRENT").exists(), "ingest leaves an up-to-date index for the next reader"
    qa = _qa(fake_settings, monkeypatch, full_read_fails=True)
    assert "Orvan17 proposed budget line 221" in _best(qa, "What did Orvan17 propose?")
    assert len(qa.retriever.articles) == 30
    # the loaded arrays are memory-mapped, and no chunk text is held by the snapshot
    assert isinstance(qa.retriever.snap.table.base.ids, np.memmap)
    assert not hasattr(qa.retriever.snap.table, "texts")


def test_after_another_run_changes_articles_a_new_reader_reads_only_those(fake_settings, tmp_path, monkeypatch):
    folder = tmp_path / "a"
    _notes(folder, 30)
    ingest([str(folder)], settings=fake_settings)
    (folder / "note004.md").write_text("# Council note 4\n\nThe mayor resigned after the vote on the tram.\n")
    (folder / "note009.md").unlink()
    _notes(folder, 1, start=30, extra=" Ferries were cancelled.")
    elsewhere = fake_settings.override(retrieval=fake_settings.retrieval.model_copy(update={"index_dir": tmp_path / "x"}))
    ingest([str(folder)], prune=True, settings=elsewhere)  # a writer that leaves the reader's index as it was

    qa = ArticleQA(settings=fake_settings)
    fetched = []
    chunks_of = qa.store.chunks_of
    monkeypatch.setattr(qa.store, "chunks_of", lambda ids: fetched.extend(ids) or chunks_of(ids))
    monkeypatch.setattr(qa.store, "iter_chunks", lambda: pytest.fail("the archive was read in full"))
    assert "mayor resigned" in _best(qa, "Why did the mayor resign?")
    assert "Ferries were cancelled" in _best(qa, "Were ferries cancelled?")
    ids = {article_id(str((folder / f"note{i:03d}.md").resolve())) for i in (4, 30)}
    assert set(fetched) == ids
    assert len(qa.retriever.articles) == 30
    hits = qa.retrieve("What did Orvan9 propose?", k=3)
    assert not any("Orvan9 " in p.text for p in hits), "a removed article is never returned"


def test_an_index_saved_by_an_older_version_is_rebuilt_with_todays_terms(fake_settings, tmp_path):
    """Format 4 indexes irregular verb forms as their verb ("shook" as "shake"): a base saved
    with the old terms is not trusted, so "shake" finds "shook" in a store made before."""
    import json

    _notes(tmp_path / "a", 12, extra=" Afterwards the delegates shook hands.")
    ingest([str(tmp_path / "a")], settings=fake_settings)
    root = index_root(fake_settings)
    base = root / (root / "CURRENT").read_text()
    state = json.loads((base / "state.json").read_text())
    state["format"] = index_cache.FORMAT - 1
    (base / "state.json").write_text(json.dumps(state))
    qa = ArticleQA(settings=fake_settings)
    assert "shook hands" in _best(qa, "Did the delegates shake hands?")
    assert qa.retriever.snap.lexical.df("shake") == 12 and not qa.retriever.snap.lexical.df("shook")
    assert (root / "CURRENT").read_text() != base.name, "a base of today's format replaced it"


@pytest.mark.parametrize("damaged", ["bm25/data.csc.index.npy", "vectors.npy"])  # BM25 scores; sentence vectors
def test_a_corrupt_saved_index_is_detected_and_rebuilt(fake_settings, tmp_path, caplog, monkeypatch, damaged):
    monkeypatch.setattr(logging.getLogger("rag"), "propagate", True)  # the CLI module quiets it
    _notes(tmp_path / "a", 12)
    ingest([str(tmp_path / "a")], settings=fake_settings)
    root = index_root(fake_settings)
    base = root / (root / "CURRENT").read_text()
    target = base / damaged
    raw = bytearray(target.read_bytes())
    raw[-5] ^= 0xFF  # one flipped byte: same size, wrong numbers
    target.write_bytes(bytes(raw))
    with caplog.at_level(logging.WARNING, logger="rag.index_cache"):
        qa = ArticleQA(settings=fake_settings)
        assert "Orvan5 proposed budget line 65" in _best(qa, "What did Orvan5 propose?")
    assert "corrupt" in caplog.text
    assert (root / "CURRENT").read_text() != base.name, "a new base replaced the corrupt one"
    assert not base.exists()


@pytest.mark.parametrize("damage", ["truncate", "missing", "garbage-state"])
def test_a_damaged_saved_index_never_breaks_answers(fake_settings, tmp_path, damage):
    _notes(tmp_path / "a", 8)
    ingest([str(tmp_path / "a")], settings=fake_settings)
    root = index_root(fake_settings)
    base = root / (root / "CURRENT").read_text()
    if damage == "truncate":
        (base / "ids.npy").write_bytes((base / "ids.npy").read_bytes()[:40])
    elif damage == "missing":
        (base / "tok_ids.npy").unlink()
    else:
        (base / "state.json").write_text("{not json")
    qa = ArticleQA(settings=fake_settings)
    assert "Orvan3 proposed" in _best(qa, "What did Orvan3 propose?")


def test_a_store_made_again_at_the_same_path_never_uses_the_old_index(fake_settings, tmp_path):
    _notes(tmp_path / "a", 10)
    ingest([str(tmp_path / "a")], settings=fake_settings)
    ArticleStore.open(fake_settings).drop()  # the old store's index is left behind
    assert (index_root(fake_settings) / "CURRENT").exists()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "one.md").write_text("# Harbour\n\nThe harbour reopened on Friday after dredging.\n")
    ingest([str(tmp_path / "b")], settings=fake_settings.override(retrieval=fake_settings.retrieval.model_copy(
        update={"persist_index": False})))
    qa = ArticleQA(settings=fake_settings)
    assert len(qa.retriever.articles) == 1
    assert [p.text for p in qa.retrieve("What did Orvan3 propose?", k=3)] == [
        "The harbour reopened on Friday after dredging."]


def test_a_writers_catch_up_is_saved_so_the_next_reader_reads_nothing(fake_settings, tmp_path, monkeypatch):
    folder = tmp_path / "a"
    _notes(folder, 30)
    ingest([str(folder)], settings=fake_settings)
    root = index_root(fake_settings)
    first = root / (root / "CURRENT").read_text()
    inodes = {f: (first / f).stat().st_ino for f in ("vectors.npy", "tok_ids.npy")}
    (folder / "note004.md").write_text("# Council note 4\n\nThe mayor resigned after the vote on the tram.\n")
    (folder / "note009.md").unlink()
    ingest([str(folder)], prune=True, settings=fake_settings)
    second = root / (root / "CURRENT").read_text()
    assert second != first and (second / "delta.json").exists(), "the catch-up is saved beside the base"
    assert {f: (second / f).stat().st_ino for f in inodes} == inodes, "the base's files are linked, not copied"

    qa = _qa(fake_settings, monkeypatch, full_read_fails=True)
    monkeypatch.setattr(qa.store, "chunks_of", lambda ids: pytest.fail(f"re-read {ids}"))
    monkeypatch.setattr(qa.store, "sentence_vectors", lambda ids: pytest.fail(f"re-read vectors of {ids}"))
    assert "mayor resigned" in _best(qa, "Why did the mayor resign?")
    assert len(qa.retriever.articles) == 29
    assert not any("Orvan9 " in p.text for p in qa.retrieve("What did Orvan9 propose?", k=3))
    monkeypatch.undo()
    fresh = index_cache.full_build(qa.store, vectors=True)
    snap = qa.retriever.snap
    live = [snap.table.locator(r).id for r in range(len(snap.table)) if snap.table.alive(r)]
    assert sorted(live) == sorted(fresh.table.locator(r).id for r in range(len(fresh.table)))


def test_many_changes_fold_into_a_new_base(fake_settings, tmp_path, monkeypatch):
    monkeypatch.setattr(index_cache, "COMPACT_MIN", 5)
    folder = tmp_path / "a"
    _notes(folder, 20)
    ingest([str(folder)], settings=fake_settings)
    root = index_root(fake_settings)
    first = (root / "CURRENT").read_text()
    _notes(folder, 10, start=20)
    ingest([str(folder)], settings=fake_settings)  # 10 new articles > COMPACT_MIN rows: a new base
    second = (root / "CURRENT").read_text()
    assert second != first and not (root / first).exists()
    snap = index_cache.load(root, ArticleStore.open(fake_settings).identity(), vectors=True)
    assert snap.article_count == 30 and len(snap.table) == 30 and not snap.table.delta
    qa = _qa(fake_settings, monkeypatch, full_read_fails=True)
    assert "Orvan27 proposed budget line 351" in _best(qa, "What did Orvan27 propose?")


def test_a_long_lived_reader_compacts_and_matches_a_fresh_read(fake_settings, tmp_path, monkeypatch):
    monkeypatch.setattr(index_cache, "COMPACT_MIN", 3)
    folder = tmp_path / "a"
    _notes(folder, 10)
    ingest([str(folder)], settings=fake_settings)
    qa = ArticleQA(settings=fake_settings)
    qa.retrieve("council", k=1)
    no_warm = fake_settings.override(retrieval=fake_settings.retrieval.model_copy(update={"index_dir": tmp_path / "x"}))
    _notes(folder, 6, start=10, extra=" Snow closed the roads.")
    (folder / "note002.md").unlink()
    ingest([str(folder)], prune=True, settings=no_warm)  # the reader's own index is not touched by this run
    assert "Snow closed the roads" in _best(qa, "What closed the roads?")
    snap = qa.retriever.snap
    assert not snap.table.delta and not snap.table.dead_rows, "the reader folded the change into a new base"
    fresh = index_cache.full_build(qa.store, vectors=True)
    assert sorted(snap.table.locator(r).id for r in range(len(snap.table))) == sorted(
        fresh.table.locator(r).id for r in range(len(fresh.table)))
    assert np.array_equal(snap.dense.base, fresh.dense.base), "the folded sentence vectors are the store's"
    q = "What did Orvan12 propose?"
    assert np.allclose(np.sort(snap.lexical.scores(q)), np.sort(fresh.lexical.scores(q)))


def test_a_writer_that_logs_nothing_is_noticed(fake_settings, tmp_path, monkeypatch):
    """A store changed by a writer that keeps no revision log (an older version): the article
    count no longer matches, so the reader reads the store in full instead of missing it."""
    folder = tmp_path / "a"
    _notes(folder, 6)
    ingest([str(folder)], settings=fake_settings)
    from rag import store as store_mod

    real = store_mod.ArticleStore.bump_revision
    monkeypatch.setattr(store_mod.ArticleStore, "bump_revision",
                        lambda self, changed=(): self.meta.upsert(ids=["revision"], embeddings=[[1.0]], documents=["old-writer"]))
    no_warm = fake_settings.override(retrieval=fake_settings.retrieval.model_copy(update={"persist_index": False}))
    _notes(folder, 1, start=6, extra=" Hail fell on the market.")
    ingest([str(folder)], settings=no_warm)
    monkeypatch.setattr(store_mod.ArticleStore, "bump_revision", real)
    qa = ArticleQA(settings=fake_settings)
    assert "Hail fell on the market" in _best(qa, "What fell on the market?")
    assert len(qa.retriever.articles) == 7


def test_server_stores_keep_their_index_per_server_and_collection(chroma_server, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    emb = EmbeddingSettings(backend="fake")
    one = Settings(chroma_url=chroma_server.url, collection="idxone", embedding=emb)
    two = Settings(chroma_url=chroma_server.url, collection="idxtwo", embedding=emb)
    _notes(tmp_path / "a", 5)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.md").write_text("# Port\n\nThe port of Lagos handled record cargo in May.\n")
    ingest([str(tmp_path / "a")], settings=one)
    ingest([str(tmp_path / "b")], settings=two)
    r1, r2 = index_root(one), index_root(two)
    assert r1 != r2 and str(tmp_path / "cache") in str(r1) and (r1 / "CURRENT").exists() and (r2 / "CURRENT").exists()
    qa = _qa(one, monkeypatch, full_read_fails=True)
    assert len(qa.retriever.articles) == 5 and "Orvan2 proposed" in _best(qa, "What did Orvan2 propose?")
    qa2 = _qa(two, monkeypatch, full_read_fails=True)
    assert _best(qa2, "What did the port handle?").startswith("The port of Lagos")


def test_the_chunk_table_finds_rows_and_their_neighbours_across_base_and_delta():
    from rag.chunk_table import BaseArrays, ChunkTable, Locator

    def loc(a, gen, i, start):
        return Locator(f"{a}-{gen}-{i:05d}", start, start + 10, ((start, start + 5), (start + 6, start + 10)))

    base = BaseArrays.from_locators([loc("aaaa", "g1", 1, 10), loc("aaaa", "g1", 0, 0), loc("bbbb", "g1", 0, 0)])
    table = ChunkTable(base)
    assert [table.locator(r).id for r in table.rows_of("aaaa")] == ["aaaa-g1-00000", "aaaa-g1-00001"]
    assert table.previous(1) == 0 and table.previous(0) is None and table.previous(2) is None
    changed = table.with_changes({"aaaa"}, [loc("aaaa", "g2", 0, 0), loc("aaaa", "g2", 1, 10)])
    assert changed.rows_of("aaaa") == [3, 4] and changed.row_of("aaaa-g1-00000") is None
    assert changed.previous(4) == 3 and changed.row_of("bbbb-g1-00000") == 2
    assert changed.live_mask().tolist() == [False, False, True, True, True]
    assert changed.live_mask(["bbbb"]).tolist() == [False, False, True, False, False]


def test_a_writer_killed_after_committing_but_before_logging_is_not_missed(fake_settings, tmp_path):
    """The crash window the kill test hits only by chance: a run commits an update, then dies
    before its revision-log entry. The next run finds the store dirty and has nothing of its own
    to log, yet every reader must see the committed update (not the saved index's old chunks)."""
    from ingest.pipeline import Ingestor

    folder = tmp_path / "a"
    _notes(folder, 6)
    ingest([str(folder)], settings=fake_settings)
    _notes(folder, 1, start=2, extra=" Hail fell on the market.")
    dying = Ingestor(fake_settings)
    dying.add(str(folder / "note002.md"))
    dying.flush()  # handed to the writer thread (dirty flag set) …
    dying.wait()  # … and committed; then the process dies: no finish, no log entry
    report = ingest([str(folder)], settings=fake_settings)  # the file as committed: nothing to log
    assert report.updated == [] and report.added == [] and not ArticleStore.open(fake_settings).is_dirty()
    qa = ArticleQA(settings=fake_settings)
    assert "Hail fell on the market" in _best(qa, "What fell on the market?")
