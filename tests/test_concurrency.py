"""Eight threads asking 50 questions each while another process re-ingests, on one
Chroma server: zero errors, and every citation quotes its article exactly."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from ingest import ingest
from ingest.clean import clean
from ingest.load import load
from rag import ArticleQA
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow
VERSIONS = [
    "# Ferry service\n\nThe ferry between Split and Hvar will run four times a day from May. Tickets cost 12 euros.\n",
    "# Ferry service\n\nThe ferry between Split and Hvar will run six times a day from June. Tickets cost 15 euros.\n",
]
QUESTIONS = ["Who is the U.S. ambassador?", "What did Iran offer?", "How often will the ferry to Hvar run?",
             "How much do ferry tickets cost?", "Where did the talks take place?", "What is the capital of France?"]

REINGEST = textwrap.dedent("""
    import sys
    from pathlib import Path
    from ingest import ingest
    from rag.settings import Settings
    path, url, prefix, versions = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
    settings = Settings(chroma_url=url, collection=prefix)
    for round in range(6):
        path.write_text(versions[round % 2].replace("\\\\n", "\\n"), encoding="utf-8")
        report = ingest([str(path)], settings=settings)
        assert not report.failed, report.failed
""")


def test_eight_threads_ask_while_another_process_reingests(server_settings, tmp_path):
    ferry = tmp_path / "ferry.md"
    ferry.write_text(VERSIONS[0], encoding="utf-8")
    ingest([str(SAMPLE), str(ferry)], settings=server_settings)
    texts = {clean(load(str(SAMPLE))).text}
    for v in VERSIONS:
        ferry.write_text(v, encoding="utf-8")
        texts.add(clean(load(str(ferry))).text)
    qa = ArticleQA(settings=server_settings)
    writer = subprocess.Popen([sys.executable, "-c", REINGEST, str(ferry), server_settings.chroma_url,
                               server_settings.collection, *[v.replace("\n", "\\n") for v in VERSIONS]],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())

    def worker(n: int) -> list[str]:
        problems = []
        for i in range(50):
            ans = qa.ask(QUESTIONS[(n + i) % len(QUESTIONS)])
            for c in ans.citations:  # the quote is exactly the text of one version, at its offsets
                if not any(t[c.start:c.end] == c.quote for t in texts):
                    problems.append(f"bad citation {c.quote!r}")
        return problems

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(worker, range(8)))  # an exception in any thread fails the test here
    _, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err.decode()[-2000:]
    assert [p for r in results for p in r] == []
    assert "Ryan Crocker" in qa.ask("Who is the U.S. ambassador?").text
    assert "six times a day" in qa.ask("How often will the ferry to Hvar run?").text  # the last version
