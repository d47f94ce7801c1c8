"""Deterministic stand-ins used beside the real parts for fast unit tests."""
from __future__ import annotations

import hashlib

import numpy as np

from rag.embedders import register
from rag.embedders.base import Embedder
from rag.text import stems


class FakeEmbedder(Embedder):
    """Bag of stemmed words hashed into 64 dims: same text, same vector; shared words, closer."""

    model_id = "fake-hash-64"
    dim = 64

    def __init__(self):
        self.calls = 0
        self.texts_embedded = 0

    def embed_documents(self, texts):
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for s in stems(t) or ["empty"]:
                out[i, int(hashlib.md5(s.encode()).hexdigest(), 16) % self.dim] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


INSTANCES: list[FakeEmbedder] = []


@register("fake")
def _fake(settings):
    e = FakeEmbedder()
    INSTANCES.append(e)
    return e
