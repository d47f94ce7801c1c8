"""The README's Python API snippet runs as pasted (in a fresh folder holding examples/)."""
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
