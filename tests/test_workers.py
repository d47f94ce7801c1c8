"""`rag-ingest --workers N`: several processes feeding one real `chroma run` server (real model)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from ingest.cli import ingest_command
from rag.settings import Settings
from rag.store import ArticleStore, open_client


def _folder(tmp_path):
    d = tmp_path / "articles"
    d.mkdir()
    for i in range(10):
        (d / f"note{i:02d}.md").write_text(f"# Note {i}\n\nThe council met for session {i}. Delegate {i} spoke.\n")
    same = "# Bridge\n\nThe old bridge reopened on Friday after repairs.\n"
    (d / "copy-a.md").write_text(same)  # the same text under two sources: stored once
    (d / "copy-b.md").write_text(same)
    return d


def _run(args):
    result = CliRunner().invoke(ingest_command, args, catch_exceptions=False)
    return result.exit_code, result.output


def test_two_workers_on_one_server_never_store_an_article_twice(chroma_server, tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_COLLECTION", "workers")
    folder = _folder(tmp_path)
    code, out = _run([str(folder), "--chroma-url", chroma_server.url, "--workers", "2", "--json"])
    assert code == 0, out
    report = json.loads(out)
    assert len(report["added"]) == 11 and len(report["duplicates"]) == 1
    store = ArticleStore(open_client(None, chroma_server.url), "workers")
    table = store.table()
    assert len(table) == 11
    assert len({m.hash for m in table.values()}) == 11 and len({m.source for m in table.values()}) == 11
    assert report["duplicates"][0]["article_id"] in table
    chunk_owners = [m["article_id"] for _, _, m in store.iter_chunks()]
    assert sorted(chunk_owners) == sorted(a for a, m in table.items() for _ in range(m.chunks))

    code, out = _run([str(folder), "--chroma-url", chroma_server.url, "--workers", "2", "--json"])
    again = json.loads(out)
    assert code == 0 and not again["added"] and len(again["unchanged"]) == 11 and len(again["duplicates"]) == 1
    from rag import ArticleQA

    qa = ArticleQA(settings=Settings(chroma_url=chroma_server.url, collection="workers"))
    assert qa.ask("When did the old bridge reopen?").text.count("Friday") >= 1


def test_workers_without_a_server_are_refused_with_the_fix(tmp_path):
    folder = _folder(tmp_path)
    code, out = _run([str(folder), "--db", str(tmp_path / "db"), "--workers", "2"])
    assert code == 2
    assert "--chroma-url" in out and "chroma run" in out
    assert not (tmp_path / "db" / "chroma.sqlite3").exists()
