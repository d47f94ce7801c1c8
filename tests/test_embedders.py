"""The ONNX query path matches the sentence-transformers reference embeddings."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.embedders import get_embedder
from rag.errors import BadInputError
from rag.settings import EmbeddingSettings, Settings

pytestmark = pytest.mark.slow


def test_onnx_matches_sentence_transformers():
    texts = ["What did Iran offer?", "The talks lasted four hours in the Green Zone.",
             "Iranian Ambassador Hassan Kazemi Qomi said the two sides would meet again. " * 20, "é ü 中文 مرحبا"]
    st = get_embedder(EmbeddingSettings(backend="sentence-transformers"))
    ox = get_embedder(EmbeddingSettings(backend="onnx"))
    assert st.model_id == ox.model_id and st.dim == ox.dim == 384
    cos = np.sum(st.embed_documents(texts) * ox.embed_documents(texts), axis=1)
    assert cos.min() >= 0.999


def test_unknown_backend_names_the_choices():
    with pytest.raises(BadInputError, match="sentence-transformers"):
        get_embedder(EmbeddingSettings(backend="nope"))


def test_one_onnx_export_serves_every_install_of_the_same_weights(tmp_path):
    """The cache key is the weights' content, not where a checkout or venv installed them."""
    import shutil

    from rag.embedders import bundled_model_path
    from rag.embedders.onnx import export_path

    src = Path(bundled_model_path())
    copy = tmp_path / "elsewhere" / src.parent.name / src.name
    shutil.copytree(src, copy)
    assert export_path(str(copy), tmp_path / "cache") == export_path(str(src), tmp_path / "cache")
    weights = next(copy / n for n in ("model.safetensors", "pytorch_model.bin") if (copy / n).exists())
    with open(weights, "r+b") as f:  # other weights: another export
        f.seek(100)
        f.write(b"\x00\x01\x02\x03")
    assert export_path(str(copy), tmp_path / "cache") != export_path(str(src), tmp_path / "cache")


def test_the_int8_variant_stays_close_to_fp32_and_names_itself():
    texts = ["Iran offered to train the Iraqi army.", "Oil prices rose 3 percent on Monday.",
             "The ambassador said the talks were businesslike.", "Rain fell."]
    fp32 = get_embedder(EmbeddingSettings(backend="onnx"))
    int8 = get_embedder(EmbeddingSettings(backend="onnx", variant="int8"))
    assert int8.model_id == fp32.model_id + "#int8" and int8.dim == fp32.dim
    cos = (fp32.embed_documents(texts) * int8.embed_documents(texts)).sum(1)
    assert cos.min() > 0.95


def test_a_store_refuses_the_other_variant_with_the_setting_to_use(tmp_path):
    from ingest import ingest
    from rag import ArticleQA
    from rag.errors import StoreMismatchError
    from tests.conftest import SAMPLE

    int8 = Settings(db=tmp_path / "db", embedding=EmbeddingSettings(variant="int8"))
    ingest([str(SAMPLE)], settings=int8)
    assert "Kazemi" in ArticleQA(settings=int8).ask("Who is the Iranian ambassador?").text
    with pytest.raises(StoreMismatchError) as e:
        ArticleQA(db=tmp_path / "db")
    assert "RAG_EMBEDDING__VARIANT=int8" in str(e.value)


def test_int8_needs_the_onnx_backend():
    with pytest.raises(BadInputError, match="RAG_EMBEDDING__BACKEND=onnx"):
        get_embedder(EmbeddingSettings(backend="sentence-transformers", variant="int8"))


def test_a_sentence_vector_is_the_same_whatever_it_is_embedded_with():
    """Ingest embeds in length order, a few texts a run, several runs in flight at once; a
    sentence's vector must not depend on its batch-mates or on which thread ran it."""
    ox = get_embedder(EmbeddingSettings(backend="onnx", batch_size=3, threads=2))
    texts = [f"Sentence {i} about the talks in Baghdad{' and their aftermath' * (i % 7)}." for i in range(40)]
    together = ox.embed_documents(texts)
    alone = np.stack([ox.embed_documents([t])[0] for t in texts])
    assert np.sum(together * alone, axis=1).min() >= 0.99999
    assert ox.runs.callers == 2
