"""Collections: several independent libraries in one store directory or one Chroma server.
One library's ingest, prune or delete never touches another's."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from ingest.cli import ingest_command
from ingest.pipeline import ingest
from rag.api import ArticleQA
from rag.cli.main import main as rag_main
from rag.errors import BadInputError, StoreNotFoundError
from rag.store import ArticleStore, list_collections


def _two_libraries(tmp_path, settings):
    """'politics' holds two articles (one in a folder it prunes), 'reading' one article."""
    folder = tmp_path / "politics"
    folder.mkdir()
    (folder / "talks.md").write_text("# Talks\n\nThe United States and Iran held talks in Baghdad on Monday.\n")
    (folder / "vote.md").write_text("# Vote\n\nThe council voted 7 to 1 to adopt the budget on Tuesday.\n")
    other = tmp_path / "reading"
    other.mkdir()
    (other / "panda.md").write_text("# Panda\n\nA panda cub was born at Riverside Zoo on Monday.\n")
    politics = settings.model_copy(update={"collection": settings.collection + "-politics"})
    reading = settings.model_copy(update={"collection": settings.collection + "-reading"})
    assert len(ingest([str(folder)], settings=politics).added) == 2
    assert len(ingest([str(other)], settings=reading).added) == 1
    return folder, politics, reading


def _titles(settings) -> list[str]:
    return sorted(a.title for a in ArticleQA(settings=settings).articles())


def _isolation(tmp_path, settings):
    folder, politics, reading = _two_libraries(tmp_path, settings)
    assert _titles(politics) == ["Talks", "Vote"] and _titles(reading) == ["Panda"]
    before = ArticleStore.open(reading).revision()
    # a question in one library never cites the other
    ans = ArticleQA(settings=reading).ask("Where was the panda cub born?")
    assert {c.title for c in ans.citations} <= {"Panda"}
    # prune in one
    (folder / "vote.md").unlink()
    assert len(ingest([str(folder)], prune=True, settings=politics).removed) == 1
    # delete in one
    qa = ArticleQA(settings=politics)
    (talks,) = qa.articles()
    qa.delete(talks.id)
    assert _titles(politics) == [] and _titles(reading) == ["Panda"]
    assert ArticleStore.open(reading).revision() == before  # not even its revision moved
    # re-ingesting the same file into the other library is not a duplicate there
    shutil.copy(folder.parent / "reading" / "panda.md", folder / "panda.md")
    assert len(ingest([str(folder / "panda.md")], settings=politics).added) == 1
    return politics, reading


def test_collections_are_isolated_in_one_store_directory(tmp_path, fake_settings):
    politics, reading = _isolation(tmp_path, fake_settings)
    found = list_collections(ArticleStore.open(reading).client)
    assert found == {politics.collection: 1, reading.collection: 1}


@pytest.mark.slow
def test_collections_are_isolated_on_a_chroma_server(tmp_path, server_settings):
    settings = server_settings.model_copy(update={"embedding": server_settings.embedding.model_copy(
        update={"backend": "fake"})})
    politics, reading = _isolation(tmp_path, settings)
    found = list_collections(ArticleStore.open(reading).client)
    assert found[politics.collection] == 1 and found[reading.collection] == 1


def test_cli_collection_flag_and_listing(tmp_path, monkeypatch, articles_dir):
    monkeypatch.setenv("RAG_EMBEDDING__BACKEND", "fake")
    runner, db = CliRunner(), str(tmp_path / "db")
    assert runner.invoke(ingest_command, [str(articles_dir), "--db", db, "--collection", "politics"]).exit_code == 0
    assert runner.invoke(ingest_command, [str(articles_dir / "markets.md"), "--db", db]).exit_code == 0
    out = runner.invoke(rag_main, ["collections", "--db", db])
    assert out.exit_code == 0
    assert out.output.splitlines() == ["news      1 article (default)", "politics  2 articles"]
    assert json.loads(runner.invoke(rag_main, ["collections", "--db", db, "--json"]).output) == {"news": 1, "politics": 2}
    ask = runner.invoke(rag_main, ["ask", "What did Iran offer?", "--db", db, "--collection", "politics", "--json"])
    assert ask.exit_code == 0 and not json.loads(ask.output)["refused"]
    missing = runner.invoke(rag_main, ["ask", "What did Iran offer?", "--db", db, "--collection", "sports"])
    assert missing.exit_code == 1
    assert ("no collection 'sports' in this store (collections: news, politics); ingest articles into it first: "
            "rag-ingest FILE --collection sports") in missing.output
    bad = runner.invoke(ingest_command, [str(articles_dir), "--db", db, "--collection", "x"])
    assert bad.exit_code == 2 and "collection name 'x' is not allowed" in bad.output


def test_bad_collection_name_from_the_api_loses_nothing(fake_settings, articles_dir):
    ingest([str(articles_dir)], settings=fake_settings)
    with pytest.raises(BadInputError, match="3–40 letters"):
        ArticleQA(settings=fake_settings, collection="../etc")
    with pytest.raises(StoreNotFoundError, match="no collection 'other'"):
        ArticleQA(settings=fake_settings, collection="other")
    assert len(ArticleQA(settings=fake_settings).articles()) == 2
