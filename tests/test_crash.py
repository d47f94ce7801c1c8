"""Crash safety: `python -m ingest` killed with SIGKILL at random points, again and again;
the next run completes and the store holds exactly the expected articles and chunks."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest import ingest
from rag import ArticleQA
from rag.store import ArticleStore
from rag.settings import Settings

pytestmark = pytest.mark.slow
MINI = Path(__file__).parent / "data" / "squad2-mini.json"


def _write_articles(folder: Path, version: int) -> None:
    """Forty short articles from SQuAD paragraphs; every third one changes with ``version``."""
    folder.mkdir(exist_ok=True)
    paragraphs = [p["context"] for art in json.loads(MINI.read_text())["data"] for p in art["paragraphs"]]
    for i in range(40):
        body = paragraphs[i % len(paragraphs)]
        if i % 3 == 0:
            body += f"\n\nRevision note: the harbour of Port {i} reopened in week {version}."
        (folder / f"a{i:02d}.md").write_text(f"# Article {i}\n\n{body}\n", encoding="utf-8")


def _run(folder: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ingest", str(folder), "--db", str(db), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())


def test_sigkill_at_random_points_then_a_clean_run(tmp_path):
    folder, db = tmp_path / "articles", tmp_path / "db"
    rng = random.Random(7)
    kills = 0
    # How long one whole run takes here (model load, then writing): with a warm model cache a
    # fast machine ends a run in ~1.5 s, a cold one takes several; the kills fall inside a run.
    for version in (98, 99):  # the first run may also export the model: the second is what a run takes
        _write_articles(folder, version)
        t = time.perf_counter()
        _run(folder, db).communicate(timeout=300)
        whole = time.perf_counter() - t
    for version in range(6):
        _write_articles(folder, version)
        proc = _run(folder, db)
        time.sleep(rng.uniform(0.3, 0.9) * whole)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.communicate()
    assert kills >= 3  # most rounds were really interrupted
    final = _run(folder, db)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    _assert_exactly(folder, db, tmp_path)


def _assert_exactly(folder: Path, db: Path, tmp_path: Path) -> None:
    """Same articles, chunks and sentences as a clean one-shot ingest of the final files."""
    reference = tmp_path / "reference"
    ingest([str(folder)], db=reference)
    got, want = ArticleStore.open(Settings(db=db)), ArticleStore.open(Settings(db=reference))
    got_table, want_table = got.table(), want.table()
    assert {a.id: a.hash for a in got_table.values()} == {a.id: a.hash for a in want_table.values()}
    assert got.chunks.count() == want.chunks.count() == sum(a.chunks for a in want_table.values())
    assert got.sentences.count() == want.sentences.count()
    assert not got.is_dirty()
    for _, _, meta in got.iter_chunks():  # no orphans: every chunk belongs to its committed version
        assert got_table[meta["article_id"]].hash == meta["gen"]
    del got, want
    qa = ArticleQA(db=db)
    ans = qa.ask("When did the harbour of Port 3 reopen?")
    assert "week 5" in ans.text and "week 4" not in ans.text  # the latest version, never a mix


def test_a_writer_finishing_never_hides_another_writers_crash(fake_settings, tmp_path):
    """`--workers`: each writer marks its own write in flight. Worker B finishing clears only
    its mark; worker A, killed mid-write, leaves its mark, so the next run repairs."""
    _write_articles(tmp_path / "a", 0)
    ingest([str(tmp_path / "a")], settings=fake_settings)
    a, b = ArticleStore.open(fake_settings), ArticleStore.open(fake_settings)
    a.set_dirty(True)
    b.set_dirty(True)
    b.set_dirty(False)
    assert ArticleStore.open(fake_settings).is_dirty()
    ingest([str(tmp_path / "a")], settings=fake_settings)  # the next run sweeps, then clears the dead mark
    assert not ArticleStore.open(fake_settings).is_dirty()


def test_the_flag_an_older_version_left_is_still_repaired(fake_settings, tmp_path):
    from rag.store import LEGACY_DIRTY, _UNIT

    _write_articles(tmp_path / "a", 0)
    ingest([str(tmp_path / "a")], settings=fake_settings)
    ArticleStore.open(fake_settings).meta.upsert(ids=[LEGACY_DIRTY], embeddings=[_UNIT], documents=["1"])
    assert ArticleStore.open(fake_settings).is_dirty()
    ingest([str(tmp_path / "a")], settings=fake_settings)
    assert not ArticleStore.open(fake_settings).is_dirty()
