"""The CLIs through click's runner: exit codes, one-line errors, --json shapes."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ingest.cli import ingest_command
from rag.cli.main import main as rag
from tests.conftest import SAMPLE


@pytest.fixture
def runner():
    return CliRunner()


def _one_line_error(result, *needles):
    assert result.exit_code != 0
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in result.output
    for n in needles:
        assert n in err
    return err


def test_ask_json_shape_and_quotes_match(runner, sample_db):
    r = runner.invoke(rag, ["ask", "Who is the U.S. ambassador?", "--db", str(sample_db), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) == {"answer", "refused", "short", "citations"}
    assert "Ryan Crocker" in data["answer"] and data["refused"] is False
    c = data["citations"][0]
    assert {"n", "article_id", "title", "quote", "start", "end", "score"} <= set(c)
    text = SAMPLE.read_text(encoding="utf-8")
    assert c["quote"] in text


def test_ask_human_output_lists_numbered_quotes(runner, sample_db):
    r = runner.invoke(rag, ["ask", "Where did the talks take place?", "--db", str(sample_db)])
    assert r.exit_code == 0
    assert "Green Zone" in r.stdout and "[1] US Iran Talks Baghdad 2007, 2007-05-29" in r.stdout


def test_ask_refusal_json(runner, sample_db):
    r = runner.invoke(rag, ["ask", "What is the capital of France?", "--db", str(sample_db), "--json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {"answer": "The articles don't say.", "refused": True, "short": None, "citations": []}


def test_bad_input_one_clear_line(runner, tmp_path):
    _one_line_error(runner.invoke(rag, ["ask", "   "]), "question is empty")
    _one_line_error(runner.invoke(rag, ["ask", "Who?", "--db", str(tmp_path / "nowhere")]), "no article store", "rag-ingest")
    err = _one_line_error(runner.invoke(rag, ["ask", "Who?", "--frobnicate"]), "--frobnicate")
    assert "--help" in err
    _one_line_error(runner.invoke(ingest_command, ["--bogus", "x"]), "--bogus")


def test_model_without_an_llm_backend_is_refused_with_the_fix(runner, sample_db, monkeypatch):
    from rag.cli.common import with_model

    monkeypatch.delenv("RAG_LLM", raising=False)
    err = _one_line_error(runner.invoke(rag, ["ask", "Who?", "--model", "gpt-4o", "--db", str(sample_db)]),
                          "--model gpt-4o needs an LLM backend", "--llm openai")
    assert runner.invoke(rag, ["ask", "Who?", "--model", "gpt-4o", "--db", str(sample_db)]).exit_code == 2
    assert with_model("openai", "m1") == "openai:m1"
    assert with_model("ollama:llama3", "qwen3") == "ollama:qwen3"  # --model wins over the spec's model


def test_python_m_ingest_names_itself_in_help():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "ingest", "--help"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("Usage: python -m ingest ")


def test_ingest_cli_reports_and_exit_status(runner, tmp_path, fake_settings, monkeypatch, articles_dir):
    monkeypatch.setenv("RAG_EMBEDDING__BACKEND", "fake")
    db = tmp_path / "clidb"
    (articles_dir / "broken.txt").write_bytes(b"\xff\xfe\xfa not text \x00\x00")
    r = runner.invoke(ingest_command, [str(articles_dir), "--db", str(db)])
    assert r.exit_code == 1
    assert "2 added, 0 updated, 0 unchanged, 0 removed" in r.stdout
    assert "broken.txt" in r.stderr
    r = runner.invoke(ingest_command, [str(articles_dir / "markets.md"), str(articles_dir / SAMPLE.name), "--db", str(db), "--json"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert {"added", "updated", "unchanged", "removed", "failed"} <= set(data)
    assert len(data["unchanged"]) == 2 and data["failed"] == []


def test_every_command_defines_each_option_once():
    """`rag serve` had --api-key twice (its own key and the LLM's): click warned on every start
    and the LLM key could not be given as a flag. The LLM's is --llm-api-key everywhere."""
    from rag.cli.main import main as rag

    for name, command in rag.commands.items():
        flags = [o for p in command.params for o in p.opts]
        assert len(flags) == len(set(flags)), (name, flags)
    serve = rag.commands["serve"]
    assert {"--api-key", "--llm-api-key"} <= {o for p in serve.params for o in p.opts}


def test_a_folder_with_nothing_to_read_fails_with_what_it_skipped(runner, tmp_path):
    docs, empty = tmp_path / "docs", tmp_path / "empty"
    docs.mkdir()
    empty.mkdir()
    (docs / "report.docx").write_bytes(b"PK\x03\x04")
    r = runner.invoke(ingest_command, [str(docs), str(empty), "--db", str(tmp_path / "db")])
    assert r.exit_code == 1
    assert "0 added" in r.output and "2 failed" in r.output
    assert "skipped: report.docx" in r.output and "the folder holds no files" in r.output


def test_terminal_output_is_plain_text_when_piped(runner, sample_db):
    """CliRunner is not a terminal: no Markdown asterisks and no escape codes."""
    r = runner.invoke(rag, ["ask", "Who is the U.S. ambassador?", "--db", str(sample_db)])
    assert r.exit_code == 0 and "**" not in r.output and "\x1b[" not in r.output
    assert "Ryan Crocker" in r.output
    chat = runner.invoke(rag, ["chat", "--db", str(sample_db)], input="Who is the U.S. ambassador?\n")
    assert "1 article loaded" in chat.output and "**" not in chat.output and "Ryan Crocker" in chat.output


def test_streamed_bold_becomes_terminal_bold():
    import click

    from rag.cli.chat import BoldStream

    b = BoldStream()
    shown = "".join(b.feed(p) for p in ["*", "*Ryan ", "Crocker*", "* — “We don’t have…” [1]"]) + b.flush()
    assert shown == click.style("Ryan ", bold=True) + click.style("Crocker", bold=True) + " — “We don’t have…” [1]"


def test_emptying_a_folder_and_pruning_removes_its_articles_without_a_failure(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_EMBEDDING__BACKEND", "fake")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "note.md").write_text("# Note\n\nThe harbour reopened on Monday after the storm.\n", encoding="utf-8")
    db = str(tmp_path / "db")
    assert runner.invoke(ingest_command, [str(folder), "--db", db]).exit_code == 0
    (folder / "note.md").unlink()
    r = runner.invoke(ingest_command, [str(folder), "--db", db, "--prune"])
    assert r.exit_code == 0 and "1 removed" in r.output and "0 failed" in r.output, r.output
