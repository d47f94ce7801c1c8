"""Sentence vectors in the persisted index (rag.dense): an embedded store's reader searches
them memory-mapped and never loads Chroma's own vector index, finds what Chroma finds, keeps
up with changed and removed articles, and never trusts a corrupt copy. Real Chroma in a temp
dir, fake embedder for speed."""
from __future__ import annotations


import numpy as np
import pytest

from ingest import ingest
from ingest.pipeline import article_id
from rag import ArticleQA, dense


def _notes(folder, n, start=0, extra=""):
    folder.mkdir(exist_ok=True)
    for i in range(start, start + n):
        (folder / f"note{i:03d}.md").write_text(
            f"# Harbour note {i}\n\nThe ferry board met for session {i} in hall {i % 5}.{extra} "
            f"Captain Velm{i} asked for a berth at pier {i * 7}. The tide tables were revised {i} times.\n",
            encoding="utf-8")


def _no_chroma_vectors(qa, monkeypatch):
    monkeypatch.setattr(qa.store, "query", lambda *a, **k: pytest.fail("Chroma's vector index was queried"))
    monkeypatch.setattr(qa.store, "sentence_vectors", lambda *a, **k: pytest.fail("Chroma's vectors were read"))


def _sentence_id(snap, row, k):
    return f"{snap.table.locator(row).id}:{k}"


def test_a_reader_searches_its_own_vectors_and_never_queries_chroma_for_them(fake_settings, tmp_path, monkeypatch):
    _notes(tmp_path / "a", 30)
    ingest([str(tmp_path / "a")], settings=fake_settings)
    qa = ArticleQA(settings=fake_settings)
    _no_chroma_vectors(qa, monkeypatch)
    assert "Velm17 asked for a berth at pier 119" in qa.retrieve("Which berth did Captain Velm17 ask for?", k=1)[0].text
    assert "pier 119" in qa.ask("Which berth did Captain Velm17 ask for?").text
    assert isinstance(qa.retriever.snap.dense.base, np.memmap), "the vectors are memory-mapped, not read in"


def test_the_local_search_finds_what_chroma_finds(fake_settings, tmp_path):
    _notes(tmp_path / "a", 30)
    ingest([str(tmp_path / "a")], settings=fake_settings)
    qa = ArticleQA(settings=fake_settings)
    snap = qa.retriever.refresh()
    for question in ("Which berth did Velm3 ask for?", "When did the ferry board meet?", "tide tables revised 12 times"):
        qv = qa.embedder.embed_query(question)
        ours = {_sentence_id(snap, r, k): c for r, k, c in snap.dense.search(snap.table, qv, 10)}
        theirs = dict(qa.store.query(qv.tolist(), 10))
        assert np.allclose(sorted(ours.values()), sorted(theirs.values()), atol=1e-5), question
        cut = min(theirs.values()) + 1e-5  # the hash embedder ties often: compare above the last score
        assert {i for i, c in ours.items() if c > cut} == {i for i, c in theirs.items() if c > cut}, question


def test_the_graph_of_a_big_store_finds_what_the_exact_scan_finds_and_follows_changes(
        fake_settings, tmp_path, monkeypatch):
    monkeypatch.setattr(dense, "GRAPH_MIN", 10)  # the graph path on a small store
    folder = tmp_path / "a"
    _notes(folder, 30)
    ingest([str(folder)], settings=fake_settings)
    qa = ArticleQA(settings=fake_settings)
    _no_chroma_vectors(qa, monkeypatch)
    snap = qa.retriever.refresh()
    assert snap.dense.graph is not None and len(snap.dense.graph) == len(snap.dense.base)
    exact = dense.DenseIndex(np.asarray(snap.dense.base))
    found = wanted = 0
    for i in range(0, len(exact.base), 7):
        qv = exact.base[i]
        got, want = snap.dense.search(snap.table, qv, 3), exact.search(snap.table, qv, 3)
        assert got[0][2] > 0.999, "a stored sentence finds itself"
        floor = want[-1][2] - 1e-5  # scores, not ids: the hash embedder ties often
        found, wanted = found + sum(h[2] >= floor for h in got), wanted + len(want)
    assert found / wanted >= 0.9, "an approximate search, but it finds nearly all of the exact top 3"

    (folder / "note004.md").write_text("# Harbour note 4\n\nThe harbour master banned jet skis near the ferry pier.\n")
    (folder / "note009.md").unlink()
    ingest([str(folder)], prune=True, settings=fake_settings.override(
        retrieval=fake_settings.retrieval.model_copy(update={"index_dir": tmp_path / "other"})))  # no new base here
    monkeypatch.undo()
    monkeypatch.setattr(dense, "GRAPH_MIN", 10)
    fetched = []
    vectors = qa.store.sentence_vectors
    monkeypatch.setattr(qa.store, "sentence_vectors", lambda ids: fetched.extend(ids) or vectors(ids))
    assert "banned jet skis" in qa.retrieve("What did the harbour master ban?", k=1)[0].text
    changed = article_id(str((folder / "note004.md").resolve()))
    assert fetched and all(i.startswith(changed + "-") for i in fetched), "only the changed article's vectors are read"
    snap = qa.retriever.snap
    removed = article_id(str((folder / "note009.md").resolve()))
    for r, _, _ in snap.dense.search(snap.table, qa.embedder.embed_query("Captain Velm9 berth pier 63"), 20):
        assert snap.table.locator(r).article_id != removed, "a removed article is never returned"


def test_a_search_limited_to_some_articles_returns_only_theirs(fake_settings, tmp_path):
    folder = tmp_path / "a"
    _notes(folder, 12)
    ingest([str(folder)], settings=fake_settings)
    qa = ArticleQA(settings=fake_settings)
    wanted = [article_id(str((folder / f"note{i:03d}.md").resolve())) for i in (2, 5)]
    passages = qa.retrieve("Which berth did Captain Velm7 ask for?", k=4, article_ids=wanted)
    assert passages and {p.article_id for p in passages} <= set(wanted)


def test_with_local_vectors_off_chroma_is_queried_and_the_saved_vectors_kept(fake_settings, tmp_path, monkeypatch):
    _notes(tmp_path / "a", 10)
    ingest([str(tmp_path / "a")], settings=fake_settings)
    off = fake_settings.override(retrieval=fake_settings.retrieval.model_copy(update={"local_vectors": False}))
    qa = ArticleQA(settings=off)
    asked = []
    query = qa.store.query
    monkeypatch.setattr(qa.store, "query", lambda *a, **k: asked.append(1) or query(*a, **k))
    assert "pier 21" in qa.retrieve("Which berth did Captain Velm3 ask for?", k=1)[0].text
    assert asked
    # The saved base keeps its vectors, and this process keeps them up to date when it catches
    # up: switching the setting back rebuilds nothing and reads nothing.
    (tmp_path / "a" / "note004.md").write_text("# Harbour note 4\n\nDivers found an anchor from 1890 by pier 28.\n")
    ingest([str(tmp_path / "a")], settings=off.override(
        retrieval=off.retrieval.model_copy(update={"index_dir": tmp_path / "other"})))
    assert "anchor from 1890" in qa.retrieve("What did the divers find?", k=1)[0].text
    on = ArticleQA(settings=fake_settings)
    _no_chroma_vectors(on, monkeypatch)
    monkeypatch.setattr(on.store, "iter_chunks", lambda: pytest.fail("the archive was read in full"))
    assert "anchor from 1890" in on.retrieve("What did the divers find?", k=1)[0].text


def test_a_long_lived_reader_takes_the_writers_saved_catch_up_instead_of_reading_chroma(
        fake_settings, tmp_path, monkeypatch):
    folder = tmp_path / "a"
    _notes(folder, 12)
    ingest([str(folder)], settings=fake_settings)
    qa = ArticleQA(settings=fake_settings)
    assert "pier 21" in qa.retrieve("Which berth did Captain Velm3 ask for?", k=1)[0].text
    (folder / "note005.md").write_text("# Harbour note 5\n\nA seal colony settled on the breakwater.\n")
    ingest([str(folder)], settings=fake_settings)  # the writer saves its catch-up
    _no_chroma_vectors(qa, monkeypatch)  # loading Chroma's vector index here would cost ~1 GB at 100k
    monkeypatch.setattr(qa.store, "chunks_of", lambda ids: pytest.fail(f"re-read {ids}"))
    assert "seal colony" in qa.retrieve("Where did the seals settle?", k=1)[0].text


def test_copies_of_one_story_are_quoted_once(fake_settings, tmp_path):
    """A wire story reprinted by several papers: its sentences are passed on once, so the
    copies do not fill the passages the answerer reads and push out the article that says
    something else."""
    folder = tmp_path / "a"
    folder.mkdir()
    wire = ("Storm Alder closed the northern ferry route on Monday. Crews cleared fallen trees from the harbour "
            "road overnight. The port authority said ferries would resume once the swell eased.")
    for i in range(14):
        (folder / f"paper{i:02d}.md").write_text(
            f"# Storm report from paper {i}\n\n{wire}\n\n"
            + " ".join(f"Paper {i} local desk note number {j} about council parking fees." for j in range(8)) + "\n",
            encoding="utf-8")
    (folder / "other.md").write_text("# Harbour\n\nThe ferry route reopens on Thursday, the port authority said "
                                     "after the storm.\n", encoding="utf-8")
    ingest([str(folder)], settings=fake_settings)
    qa = ArticleQA(settings=fake_settings)
    texts = [p.text for p in qa.retrieve("When will the ferry route reopen after the storm?", k=4)]
    assert len(set(texts)) == len(texts), f"a sentence was passed on twice: {texts}"
    assert any("reopens on Thursday" in t for t in texts)
