"""Re-ingestion users can trust: real Chroma in a temp dir, fake embedder for speed."""
from __future__ import annotations

import numpy as np
import pytest

from ingest import ingest
from ingest.pipeline import Ingestor, article_id
from rag.api import ArticleQA
from rag.store import ArticleStore
from tests import fakes


def _state(settings):
    store = ArticleStore.open(settings)
    table = store.table()
    chunks = list(store.iter_chunks())
    return table, chunks


def _assert_consistent(settings):
    """Every chunk belongs to a committed article at its current hash; counts agree."""
    table, chunks = _state(settings)
    for _, _, meta in chunks:
        assert meta["article_id"] in table
        assert table[meta["article_id"]].hash == meta["gen"]
    for a in table.values():
        assert sum(1 for *_, m in chunks if m["article_id"] == a.id) == a.chunks
    return table, chunks


def test_reingest_same_input_changes_and_embeds_nothing(fake_settings, articles_dir):
    first = ingest([str(articles_dir)], settings=fake_settings)
    assert len(first.added) == 2 and not first.failed
    before = _assert_consistent(fake_settings)
    fakes.INSTANCES.clear()
    again = ingest([str(articles_dir)], settings=fake_settings)
    assert again.added == [] and again.updated == [] and sorted(again.unchanged) == sorted(first.added)
    assert fakes.INSTANCES[-1].texts_embedded == 0
    assert _assert_consistent(fake_settings) == before


def test_a_sentence_repeated_across_articles_is_embedded_once(fake_settings, tmp_path):
    """Wire boilerplate ("Reporting by …") recurs in every article of an archive: one vector each."""
    folder = tmp_path / "wire"
    folder.mkdir()
    tail = "Reporting by Jane Doe; editing by John Roe."
    for i in range(30):
        (folder / f"{i}.md").write_text(f"# Story {i}\n\nStory number {i} happened on day {i}. {tail}\n")
    fakes.INSTANCES.clear()
    report = ingest([str(folder)], settings=fake_settings)
    assert len(report.added) == 30
    assert fakes.INSTANCES[-1].texts_embedded == 31  # 30 distinct sentences + the shared one
    _assert_consistent(fake_settings)


def test_text_embedded_ahead_of_the_write_lock_is_bounded_and_the_rest_still_lands(fake_settings, monkeypatch):
    """The web paths embed before taking the write lock, at most a bounded number of sentences
    (memory): what is past the bound is embedded by the writer, and each sentence only once."""
    import ingest.pipeline as pipeline
    from ingest.clean import clean
    from ingest.web import ingest_docs, pasted_doc

    text = " ".join(f"Item {i} of the long list was approved on day {i}." for i in range(300))
    doc = pasted_doc(text, "Long list")
    embedder = fakes._fake(fake_settings.embedding)
    ahead = pipeline.embed_ahead([clean(doc)], fake_settings, embedder, limit=100)
    assert len(ahead.known) == 100 and embedder.texts_embedded == 100
    embedder.texts_embedded = 0
    monkeypatch.setattr(pipeline, "AHEAD_MAX", 100)
    report = ingest_docs([doc], fake_settings, embedder=embedder)
    assert len(report.added) == 1 and embedder.texts_embedded == 300  # 100 ahead, 200 by the writer
    _assert_consistent(fake_settings)


def test_chunk_rows_hold_no_text_and_are_read_from_the_article(fake_settings, articles_dir):
    """Chroma full-text-indexes every document it stores: the chunk rows carry offsets only, and
    their text is cut from the committed article (the store's one copy of it)."""
    ingest([str(articles_dir)], settings=fake_settings)
    store = ArticleStore.open(fake_settings)
    raw = store.chunks.get(include=["documents"])
    assert raw["ids"] and all(d is None for d in raw["documents"])
    table, chunks = _assert_consistent(fake_settings)
    for _, text, meta in chunks:
        assert text == store.article(meta["article_id"]).text[meta["start"]:meta["end"]] and text.strip()


def test_changed_article_replaces_all_old_chunks(fake_settings, articles_dir):
    f = articles_dir / "markets.md"
    ingest([str(f)], settings=fake_settings)
    f.write_text("# Oil prices fall\n\nOil prices fell sharply on Tuesday. Analysts blamed weak demand in Asia.\n")
    report = ingest([str(f)], settings=fake_settings)
    assert report.updated == [article_id(str(f.resolve()))]
    table, chunks = _assert_consistent(fake_settings)
    texts = " ".join(d for _, d, _ in chunks)
    assert "fell sharply" in texts and "rose 3 percent" not in texts
    assert table[report.updated[0]].title == "Oil prices fall"


def test_same_text_under_second_source_not_stored_twice(fake_settings, articles_dir, tmp_path):
    copy = tmp_path / "copy-of-markets.md"
    copy.write_bytes((articles_dir / "markets.md").read_bytes())
    report = ingest([str(articles_dir / "markets.md"), str(copy)], settings=fake_settings)
    assert len(report.added) == 1
    assert report.duplicates == [(str(copy.resolve()), report.added[0])]
    assert len(_state(fake_settings)[0]) == 1


def test_prune_removes_articles_whose_file_is_gone(fake_settings, articles_dir):
    ingest([str(articles_dir)], settings=fake_settings)
    gone = articles_dir / "markets.md"
    gone.unlink()
    report = ingest([str(articles_dir)], prune=True, settings=fake_settings)
    assert report.removed == [article_id(str(gone.resolve()))]
    table, chunks = _assert_consistent(fake_settings)
    assert len(table) == 1 and all("OPEC" not in d for _, d, _ in chunks)


def test_one_bad_input_is_reported_and_the_others_land(fake_settings, articles_dir):
    (articles_dir / "empty.txt").write_text("")
    (articles_dir / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (articles_dir / "latin1.txt").write_bytes("Caf\xe9 story. It is long enough.".encode("latin-1"))
    report = ingest([str(articles_dir)], settings=fake_settings)
    reasons = {s.rsplit("/", 1)[-1]: r for s, r in report.failed}
    assert set(reasons) == {"empty.txt", "binary.txt", "latin1.txt"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert len(report.added) == 2


def test_crash_between_chunks_and_commit_is_repaired(fake_settings, articles_dir, monkeypatch):
    f = articles_dir / "markets.md"
    ingest([str(f)], settings=fake_settings)
    f.write_text("# Oil prices fall\n\nOil prices fell sharply on Tuesday. Analysts blamed weak demand.\n")

    def crash(self, *a, **k):
        raise RuntimeError("killed")

    monkeypatch.setattr(ArticleStore, "commit_articles", crash)
    with pytest.raises(RuntimeError):
        ingest([str(f)], settings=fake_settings)
    monkeypatch.undo()
    # Readers still see the old, committed version only.
    table, chunks = _state(fake_settings)
    visible = [d for _, d, m in chunks if table[m["article_id"]].hash == m["gen"]]
    assert any("rose 3 percent" in d for d in visible) and not any("fell sharply" in d for d in visible)
    run = Ingestor(fake_settings)  # the next run sweeps the orphans first
    assert run.report.repaired_chunks > 0
    run.add(str(f.resolve()))
    report = run.finish()
    assert report.updated
    _assert_consistent(fake_settings)


def test_store_refuses_a_different_embedding_model(fake_settings, articles_dir):
    from rag.errors import StoreMismatchError
    from rag.settings import EmbeddingSettings

    ingest([str(articles_dir / "markets.md")], settings=fake_settings)
    other = fake_settings.model_copy(update={"embedding": EmbeddingSettings(backend="sentence-transformers")})
    with pytest.raises(StoreMismatchError, match="fake-hash-64"):
        ingest([str(articles_dir / "markets.md")], settings=other)


def test_a_store_from_an_older_layout_gets_a_clear_message(fake_settings, articles_dir):
    from rag.errors import StoreMismatchError

    ingest([str(articles_dir)], settings=fake_settings)
    store = ArticleStore.open(fake_settings)
    store.meta.delete(ids=["model"])  # what layout 1 wrote: no "layout" key
    store.meta.add(ids=["model"], embeddings=[[1.0]], metadatas=[{"model_id": "fake-hash-64", "dim": 64}])
    with pytest.raises(StoreMismatchError, match="older version of news-rag"):
        store.check_model("fake-hash-64", 64)
    store.client.delete_collection(store.sentences.name)  # layout 1 had no sentence collection
    with pytest.raises(StoreMismatchError, match="re-ingest your articles into a new store"):
        ArticleStore.open(fake_settings)


def test_chunks_carry_no_vector_of_their_own_and_layout_2_stores_keep_theirs(fake_settings, articles_dir, tmp_path):
    """Only sentence vectors are searched: a new store gives chunks a 1-d placeholder (no chunk
    vector index to load at the first question). A store written before (layout 2, chunks with
    the mean of their sentence vectors) is still read, answered from and written the same way."""
    ingest([str(articles_dir)], settings=fake_settings)
    new = ArticleStore.open(fake_settings)
    assert {len(v) for v in new.chunks.get(include=["embeddings"])["embeddings"]} == {1}
    old_settings = fake_settings.model_copy(update={"db": tmp_path / "layout2"})
    old = ArticleStore.open(old_settings, create=True)
    old.meta.upsert(ids=["model"], embeddings=[[1.0]], metadatas=[{"model_id": "fake-hash-64", "dim": 64, "layout": 2}])
    old.chunks.upsert(ids=["seed"], embeddings=[[0.125] * 64], documents=["x"],
                      metadatas=[{"article_id": "none", "gen": "none", "start": 0, "end": 1, "sents": "0-1"}])
    report = ingest([str(articles_dir)], settings=old_settings)
    assert len(report.added) == 2 and report.repaired_chunks == 0
    dims = {len(v) for v in ArticleStore.open(old_settings).chunks.get(include=["embeddings"])["embeddings"]}
    assert dims == {64}
    assert not ArticleQA(settings=old_settings).ask("How much did oil prices rise?").refused


def _snapshot_view(snap):
    """What a snapshot searches: its live chunks (where, which words) and its article count."""
    table = snap.table
    rows = sorted(np.flatnonzero(table.live_mask()), key=lambda r: table.locator(r).id)
    return [(table.locator(r), snap.lexical.row_tokens(r)) for r in rows], snap.article_count


def test_a_long_lived_reader_rereads_only_what_changed(fake_settings, articles_dir, monkeypatch):
    """After another run adds, changes and deletes articles, the reader's next snapshot is
    exactly a from-scratch one, built from the changed articles' chunks alone."""
    from rag.embedders import get_embedder
    from rag.retrieval import HybridRetriever

    (articles_dir / "weather.md").write_text("# Storm\n\nA storm hit the coast on Monday. Ferries stopped.\n")
    for i in range(4):  # unchanged articles: what the reader must not fetch again
        (articles_dir / f"note{i}.md").write_text(f"# Note {i}\n\nCouncil meeting number {i} was held.\n")
    ingest([str(articles_dir)], settings=fake_settings)
    store = ArticleStore.open(fake_settings)
    reader = HybridRetriever(store, get_embedder(fake_settings.embedding), fake_settings.retrieval)
    reader.refresh()
    (articles_dir / "markets.md").write_text("# Oil prices fall\n\nOil prices fell sharply on Tuesday.\n")
    (articles_dir / "weather.md").unlink()
    (articles_dir / "sport.md").write_text("# Cup final\n\nThe home side won the cup final 2-1.\n")
    ingest([str(articles_dir)], prune=True, settings=fake_settings)

    fetched = []
    chunks_of = store.chunks_of
    monkeypatch.setattr(store, "chunks_of", lambda ids: fetched.extend(ids) or chunks_of(ids))
    monkeypatch.setattr(store, "iter_chunks", lambda: pytest.fail("a full re-read for a 2-article change"))
    snap = reader.refresh()
    changed = {article_id(str((articles_dir / n).resolve())) for n in ("markets.md", "sport.md")}
    assert set(fetched) == changed
    fresh = HybridRetriever(ArticleStore.open(fake_settings), reader.embedder, fake_settings.retrieval).refresh()
    assert _snapshot_view(snap) == _snapshot_view(fresh)
    texts = " ".join(c.text for c in reader.records(snap, np.flatnonzero(snap.table.live_mask())).values())
    assert "fell sharply" in texts and "Ferries" not in texts
    assert reader.search("Who won the cup final?", 1)[0].text.startswith("The home side won")


def test_chunk_text_is_cut_from_the_committed_article_and_never_from_a_newer_version(fake_settings, tmp_path):
    """Answering reads chunk text from the article record (the chunk collection stays closed);
    a chunk of an older version of the article is left out, never cut from the new text."""
    from rag.index_cache import sync

    story = tmp_path / "strike.md"
    story.write_text("# Strike\n\nDock workers walked out on Monday. About 1,200 joined the strike.\n")
    ingest([str(story)], settings=fake_settings)
    store = ArticleStore.open(fake_settings)
    old = sync(store, None, None)
    locs = [old.table.locator(r) for r in range(len(old.table))]
    (article,) = store.table().values()
    text = store.article(article.id).text
    assert store.chunk_texts(locs) == {c.id: text[c.start:c.end] for c in locs}
    story.write_text("# Strike\n\nDock workers walked out on Monday. By Tuesday 3,400 had joined the strike.\n")
    ingest([str(story)], settings=fake_settings)
    assert store.chunk_texts(locs) == {}  # the old generation's offsets would cut the new text wrongly
