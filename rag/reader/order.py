"""LLM answerers read passages best first: the trained reader orders them.

An LLM given several passages leans on the first ones; the reader knows better than the
retrieval scores which passage answers. Each passage counts as its best sentence.
"""
from __future__ import annotations

from rag.errors import ReaderModelError
from rag.reader.encode import context_of
from rag.types import Passage


def in_reader_order(question: str, passages: list[Passage], settings) -> list[Passage]:
    """``passages`` sorted by the reader's best sentence probability (unchanged when the
    trained reader is switched off or unavailable)."""
    if settings.reader != "trained" or len(passages) < 2:
        return passages
    from rag.reader.model import load_reader

    try:
        reader = load_reader(settings.reader_model)
    except ReaderModelError:
        return passages
    owners, texts, contexts = [], [], []
    for i, p in enumerate(passages):
        for s, e in p.sentences or ((p.start, p.end),):
            owners.append(i)
            texts.append(p.text[s - p.start:e - p.start])
            contexts.append(context_of(p.title, ""))
    best = [0.0] * len(passages)
    for i, r in zip(owners, reader.read(question, texts, contexts)):
        best[i] = max(best[i], r.prob)
    return [passages[i] for i in sorted(range(len(passages)), key=lambda i: -best[i])]
