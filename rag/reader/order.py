"""LLM answerers read passages best first: the trained reader orders them.

An LLM given several passages leans on the first ones; the reader knows better than the
retrieval scores which passage answers. Each passage counts as its best sentence, scored
exactly as the offline answerer scores it (the reader, blended with the heuristic where
calibration found that better).
"""
from __future__ import annotations

from rag.types import Passage


def in_reader_order(question: str, passages: list[Passage], extractive) -> list[Passage]:
    """``passages`` sorted by their best sentence's probability (unchanged when the trained
    reader is switched off or unavailable). ``extractive``: an ExtractiveAnswerer over the
    same retriever."""
    reader = extractive.reader()
    if reader is None or len(passages) < 2:
        return passages
    best: dict[int, float] = {}
    for c in extractive.read_candidates(reader, question, passages):
        best[id(c.passage)] = max(best.get(id(c.passage), 0.0), c.prob)
    return sorted(passages, key=lambda p: -best.get(id(p), -1.0))  # unread passages keep their order, last
