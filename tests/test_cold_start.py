"""What keeps a one-shot `rag ask` fast without changing behaviour: chromadb imported
without its import-time `override` checks (skipped only while it loads), and bm25s loaded
without scipy (its numpy backend). Timings live in benchmarks/scale.py, not here."""
import overrides
import pytest

from rag.chroma_import import unchecked_overrides


def test_override_checks_are_back_after_the_import_even_on_error():
    original = overrides.override, overrides.overrides
    with pytest.raises(RuntimeError):
        with unchecked_overrides():
            assert overrides.override is not original[0]
            raise RuntimeError("boom")
    assert (overrides.override, overrides.overrides) == original


def test_unchecked_override_still_leaves_the_marker_enforce_overrides_needs():
    with unchecked_overrides():
        class Base(overrides.EnforceOverrides):
            def f(self, x):
                return x

        class Child(Base):
            @overrides.override
            def f(self, x):
                return 2 * x

        class Other(Base):
            @overrides.override()
            def f(self, x):
                return 3 * x

    assert Child().f(2) == 4 and Other().f(2) == 6 and Child.f.__override__


def test_a_store_opens_through_the_fast_import(tmp_path):
    from rag.store import open_client

    client = open_client(tmp_path / "db", create=True)
    client.get_or_create_collection("abc").add(ids=["1"], embeddings=[[1.0, 0.0]])
    assert client.get_collection("abc").count() == 1
    assert overrides.override.__module__ == "overrides.overrides"


def test_bm25s_loads_without_scipy_and_scipy_still_works_afterwards():
    import subprocess
    import sys

    code = """
import sys
from rag.lexical import LexicalIndex
idx = LexicalIndex.from_texts(["Iran offered to train the army.", "The talks lasted four hours.", "Rain fell."])
assert "scipy.sparse" not in sys.modules
assert [r for r, _ in idx.top("How long did the talks last?", 3)] == [1]
import scipy.sparse
assert scipy.sparse.csr_matrix([[1, 0]]).nnz == 1
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
