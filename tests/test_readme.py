"""The README's Python API snippet runs as pasted (in a fresh folder holding examples/), and every
command line it shows is accepted by the command it names."""
from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_the_python_api_snippet_runs_as_pasted(tmp_path, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Python API"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md (Python API)", "exec"), {})
    assert "train and equip" in capsys.readouterr().out


def _readme_commands() -> list[list[str]]:
    """Every `rag …`, `rag-ingest …` and `python ui.py …` line of the README's bash blocks."""
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words[:2] == ["python", "ui.py"]:
                words = ["rag-ui", *words[2:]]
            if words and words[0] in ("rag", "rag-ingest", "rag-ui"):
                lines.append(words)
    return lines


def test_every_command_line_in_the_readme_parses():
    """Each command the README shows is accepted by the command it names: its options exist,
    take the values given and leave no required argument out (parsed, not run)."""
    import click

    import ui
    from ingest.cli import ingest_command
    from rag.cli.main import main as rag

    commands = _readme_commands()
    assert len(commands) >= 20
    for words in commands:
        name, args = words[0], words[1:]
        try:
            if name == "rag":
                ctx = rag.make_context("rag", list(args))
                sub_name, sub, rest = rag.resolve_command(ctx, ctx.protected_args + ctx.args)
                sub.make_context(sub_name, rest, parent=ctx)
            else:
                (ingest_command if name == "rag-ingest" else ui.main).make_context(name, list(args))
        except click.UsageError as e:
            pytest.fail(f"README: {' '.join(words)}: {e}")
