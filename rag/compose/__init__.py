"""Answer composers, one module per intent, registered by intent name (like the answerer
backends): ``overview``, ``list``, ``reason``, ``next``, ``reaction``, ``definition``.

    composer = get_composer("overview", reading)   # or None: the factoid reader answers
    answer = composer.compose(plan)

All are extractive: every sentence they show is a quoted article sentence with its ``[n]``.
Intents without a composer here (factoid, yes/no, comparison) go to the answerer
(``rag.answerers``): the trained reader and its short answers.
"""
from __future__ import annotations

from typing import Callable

from rag.compose.base import Composer, Reading

_REGISTRY: dict[str, Callable[[Reading], Composer]] = {}


def register(intent: str):
    """Register a composer class for ``intent``."""
    def deco(cls):
        _REGISTRY[intent] = cls
        cls.intent = intent
        return cls

    return deco


def get_composer(intent: str, reading: Reading) -> Composer | None:
    _load_builtin()
    cls = _REGISTRY.get(intent)
    return cls(reading) if cls else None


def _load_builtin() -> None:
    from rag.compose import definition, future, lists, overview, reaction, reason  # noqa: F401


__all__ = ["Composer", "Reading", "register", "get_composer"]
