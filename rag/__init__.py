"""Conversational Q&A over news articles, with every answer cited to article sentences.

    from rag import ArticleQA
    qa = ArticleQA(db="path/to/db")
    ans = qa.ask("What did Iran offer?")
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from rag.answerers.base import CANNOT_ANSWER  # noqa: E402
from rag.errors import RagError  # noqa: E402
from rag.types import Answer, Article, Citation, Passage  # noqa: E402


def __getattr__(name):  # heavy imports only when asked for
    if name == "ArticleQA":
        from rag.api import ArticleQA

        return ArticleQA
    if name == "Settings":
        from rag.settings import Settings

        return Settings
    raise AttributeError(name)


__all__ = ["ArticleQA", "Settings", "Answer", "Article", "Citation", "Passage", "RagError", "CANNOT_ANSWER"]
