"""Chunk: group whole sentences into passages of about ``max_chars``, keeping offsets.

No chunk starts or ends inside a sentence; a sentence longer than the target becomes a
chunk of its own rather than being cut.
"""
from __future__ import annotations

from dataclasses import dataclass

from rag.text import sentence_spans


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]  # absolute offsets


def chunk(text: str, max_chars: int = 500, language: str = "en") -> list[Chunk]:
    groups: list[list[tuple[int, int]]] = []
    for span in sentence_spans(text, language):
        if groups and span[1] - groups[-1][0][0] <= max_chars:
            groups[-1].append(span)
        else:
            groups.append([span])
    return [
        Chunk(i, g[0][0], g[-1][1], text[g[0][0]:g[-1][1]], tuple(g))
        for i, g in enumerate(groups)
    ]
