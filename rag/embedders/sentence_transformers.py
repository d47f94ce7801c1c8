"""The reference backend: sentence-transformers (torch). Used for ingestion by default."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from rag.embedders import bundled_model_path, register
from rag.embedders.base import Embedder
from rag.errors import ModelNotFoundError


def model_path(settings) -> str:
    return settings.model or bundled_model_path()


def model_id(path: str) -> str:
    """Name the vector space by the model's folder name, not where it is installed."""
    p = Path(path)
    return p.parent.name if p.name == "model" else p.name


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, path: str, device: str = "cpu", batch_size: int = 64):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub at run time
        from sentence_transformers import SentenceTransformer

        try:
            self.model = SentenceTransformer(path, device=device)
        except (OSError, ValueError) as e:
            raise ModelNotFoundError(f"cannot load embedding model '{path}': {e}") from None
        self.batch_size = batch_size
        self.model_id = model_id(path)
        self.dim = self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension") \
            else self.model.get_sentence_embedding_dimension()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        return vecs.astype(np.float32)


@register("sentence-transformers")
def _factory(settings) -> Embedder:
    if settings.variant != "fp32":
        from rag.errors import BadInputError

        raise BadInputError(f"the {settings.variant} variant runs on the onnx backend: set RAG_EMBEDDING__BACKEND=onnx "
                            "(or auto), or RAG_EMBEDDING__VARIANT=fp32")
    return SentenceTransformerEmbedder(model_path(settings), settings.device, settings.batch_size or 16)
