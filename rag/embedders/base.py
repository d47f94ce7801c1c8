"""The embedder interface every backend implements."""
from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Embedder(ABC):
    """Turns texts into L2-normalised vectors (so a dot product is the cosine)."""

    #: identity of the vector space; stores remember it and refuse a different one
    model_id: str = ""
    dim: int = 0

    @abstractmethod
    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Shape (len(texts), dim), float32, rows normalised."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]
