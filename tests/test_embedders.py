"""The ONNX query path matches the sentence-transformers reference embeddings."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.embedders import get_embedder
from rag.errors import BadInputError
from rag.settings import EmbeddingSettings

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
