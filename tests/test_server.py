"""Server mode against a real `chroma run`: the same suite as local stores, two processes
sharing one server, and a server that is down."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from ingest import ingest
from rag import ArticleQA
from rag.cli.main import main as rag
from rag.errors import ChromaUnavailableError
from tests.conftest import SAMPLE
from tests.server import free_port

pytestmark = pytest.mark.slow


def test_ingest_ask_reingest_prune_on_a_server(server_settings, articles_dir):
    url, settings = server_settings.chroma_url, server_settings
    first = ingest([str(articles_dir)], settings=settings)
    assert len(first.added) == 2 and not first.failed
    again = ingest([str(articles_dir)], settings=settings)
    assert again.added == [] and len(again.unchanged) == 2
    qa = ArticleQA(chroma_url=url, settings=settings)
    ans = qa.ask("Who is the U.S. ambassador?")
    assert "Ryan Crocker" in ans.text
    for c in ans.citations:
        assert qa.article(c.article_id).text[c.start:c.end] == c.quote
    md = articles_dir / "markets.md"
    md.write_text("# Oil prices fall\n\nOil prices fell 5 percent on Friday after a surprise rise in stocks.\n",
                  encoding="utf-8")
    changed = ingest([str(articles_dir)], settings=settings)
    assert len(changed.updated) == 1
    assert "fell 5 percent" in qa.ask("How much did oil prices fall on Friday?").text  # the same qa sees it
    md.unlink()
    pruned = ingest([str(articles_dir)], settings=settings, prune=True)
    assert len(pruned.removed) == 1
    assert [a.title for a in qa.articles()] == ["US Iran Talks Baghdad 2007"]
    assert qa.ask("How much did oil prices fall on Friday?").refused


def test_answering_process_notices_another_process_ingesting(server_settings, tmp_path):
    settings = server_settings
    ingest([str(SAMPLE)], settings=settings)
    qa = ArticleQA(settings=settings)
    assert qa.ask("How many containers did the port of Antwerp handle?").refused
    story = tmp_path / "antwerp.txt"
    story.write_text("The port of Antwerp handled 12 million containers last year, a record.\n", encoding="utf-8")
    env = {"RAG_COLLECTION": settings.collection}
    proc = subprocess.run([sys.executable, "-m", "ingest", str(story), "--chroma-url", settings.chroma_url],
                          capture_output=True, text=True, env={**__import__("os").environ, **env}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    # No restart, no signal: the next ask sees the store revision move and reloads.
    ans = qa.ask("How many containers did the port of Antwerp handle?")
    assert not ans.refused and "12 million containers" in ans.text


def test_server_down_is_one_clear_error_within_seconds(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    t0 = time.time()
    with pytest.raises(ChromaUnavailableError, match="chroma run"):
        ArticleQA(chroma_url=dead)
    assert time.time() - t0 < 10
    r = CliRunner().invoke(rag, ["ask", "What did Iran offer?", "--chroma-url", dead])
    assert r.exit_code != 0 and r.stderr.startswith("error: cannot reach the Chroma server")
    assert len(r.stderr.strip().splitlines()) == 1
    r = CliRunner().invoke(rag, ["ingest", str(SAMPLE), "--chroma-url", dead])
    assert r.exit_code != 0 and "cannot reach the Chroma server" in r.stderr


def test_server_going_down_mid_session_loses_nothing(tmp_path):
    from tests.server import ChromaServer

    server = ChromaServer(tmp_path / "data").start()
    try:
        ingest([str(SAMPLE)], chroma_url=server.url)
        qa = ArticleQA(chroma_url=server.url)
        assert "Ryan Crocker" in qa.ask("Who is the U.S. ambassador?").text
    finally:
        server.stop()
    with pytest.raises(ChromaUnavailableError):
        qa.ask("Who is the U.S. ambassador?")
    for rows in (qa.store.iter_chunks(), qa.store.chunks_of(["any-article"])):  # a reader's refresh
        with pytest.raises(ChromaUnavailableError):
            list(rows)
    server.proc = None
    restarted = ChromaServer(tmp_path / "data")
    restarted.port, restarted.url = server.port, server.url
    restarted.start()
    try:
        assert "Ryan Crocker" in ArticleQA(chroma_url=server.url).ask("Who is the U.S. ambassador?").text
    finally:
        restarted.stop()
