"""Answerers by name: ``extractive`` (default, offline) and LLM backends (``openai:``,
``ollama:``, ``local:``), all behind ``rag.answerers.base.Answerer``.
"""
from __future__ import annotations

from typing import Callable

from rag.answerers.base import CANNOT_ANSWER, Answerer, refusal
from rag.errors import BadInputError

_REGISTRY: dict[str, Callable] = {}


def register(prefix: str):
    """Register a factory ``(arg, retriever, settings) -> Answerer`` for SPEC ``prefix:arg``."""
    def deco(factory: Callable) -> Callable:
        _REGISTRY[prefix] = factory
        return factory

    return deco


def parse_spec(spec: str) -> tuple[str, str]:
    prefix, _, arg = (spec or "extractive").partition(":")
    return prefix.strip().lower(), arg.strip()


def get_answerer(spec, retriever, settings) -> Answerer:
    """``spec`` is a SPEC string or a LangChain chat model instance."""
    _load_builtin()
    if not isinstance(spec, str) and hasattr(spec, "stream"):
        from rag.answerers.llm import LLMAnswerer

        return LLMAnswerer(spec, getattr(spec, "_llm_type", "llm"))
    prefix, arg = parse_spec(spec)
    factory = _REGISTRY.get(prefix)
    if factory is None:
        raise BadInputError(
            f"unknown answerer '{spec}'; use extractive, openai:MODEL, ollama:MODEL or local:PATH"
        )
    return factory(arg, retriever, settings)


def _load_builtin() -> None:
    try:
        from rag.answerers import llm  # noqa: F401
    except ImportError:  # LLM answerers are optional; extractive always works
        pass


@register("extractive")
def _extractive(arg, retriever, settings) -> Answerer:
    from rag.answerers.extractive import ExtractiveAnswerer

    return ExtractiveAnswerer(retriever, settings.answer)


__all__ = ["Answerer", "CANNOT_ANSWER", "refusal", "register", "get_answerer", "parse_spec"]
