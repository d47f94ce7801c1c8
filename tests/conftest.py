"""Shared fixtures: every store lives in a temp dir; the real model is loaded once per run."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
# One ONNX export per test run, made fresh from the bundled weights (as a new user's first run).
_ONNX_CACHE = tempfile.mkdtemp(prefix="rag-onnx-")
os.environ["RAG_EMBEDDING__CACHE_DIR"] = _ONNX_CACHE
atexit.register(shutil.rmtree, _ONNX_CACHE, ignore_errors=True)  # 87 MB: not left behind in /tmp

import tests.fakes  # noqa: E402,F401 - registers the "fake" embedder
from rag.settings import EmbeddingSettings, Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "articles" / "us-iran-talks-baghdad-2007.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test touches the user's real store."""
    monkeypatch.setenv("RAG_DB", str(tmp_path / "default-db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def fake_settings(tmp_path) -> Settings:
    return Settings(db=tmp_path / "db", embedding=EmbeddingSettings(backend="fake", cache_dir=_ONNX_CACHE))


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The bundled sample article ingested with the real model into a temp store."""
    from ingest import ingest

    db = tmp_path_factory.mktemp("sample") / "db"
    report = ingest([str(SAMPLE)], db=db)
    assert len(report.added) == 1 and not report.failed
    return db


@pytest.fixture(scope="session")
def sample_qa(sample_db):
    from rag import ArticleQA

    return ArticleQA(db=sample_db)


@pytest.fixture
def articles_dir(tmp_path) -> Path:
    d = tmp_path / "articles"
    d.mkdir()
    shutil.copy(SAMPLE, d / SAMPLE.name)
    (d / "markets.md").write_text(
        "# Oil prices climb\n\nOil prices rose 3 percent on Monday, June 4, 2007, after OPEC said it would "
        "keep output unchanged. Traders in London expect further gains this week.\n", encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on a free port, for the whole session."""
    from tests.server import ChromaServer

    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data").start()
    yield server
    server.stop()


@pytest.fixture
def server_settings(chroma_server, request) -> Settings:
    """Settings pointing at the test server, with a collection prefix of this test's own."""
    import hashlib

    prefix = "t" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:10]
    return Settings(chroma_url=chroma_server.url, collection=prefix)
