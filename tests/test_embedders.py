"""The ONNX query path matches the sentence-transformers reference embeddings."""
from __future__ import annotations

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
