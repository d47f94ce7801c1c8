"""The answerer interface: passages in, a cited Answer out (or a stream of its text)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterator

from rag.types import Answer, Passage

#: The fixed phrase every refusal starts with; tests and callers may match on it.
CANNOT_ANSWER = "The articles don't say."


def refusal(question: str = "", passages: list[Passage] | None = None, answerer: str = "extractive") -> Answer:
    return Answer(CANNOT_ANSWER, True, [], question, passages or [], True, [], answerer)


class Answerer(ABC):
    name = "base"
    #: sentences of context around each retrieved sentence; None: the retrieval setting
    context_window: int | None = None

    @abstractmethod
    def answer(self, question: str, passages: list[Passage], history=None, said: str = "") -> Answer:
        """Answer ``question`` from ``passages`` only, citing them, or refuse. ``history`` is
        the conversation so far; ``said`` the previous answer (not worth repeating)."""

    def condense(self, question: str, history):
        """Turn a follow-up into a standalone Turn; the offline resolver by default."""
        from rag.conversation import resolve

        return resolve(question, history)

    def stream(self, question: str, passages: list[Passage], history=None, said: str = "",
               instruction: str = "") -> Iterator[str | Answer]:
        """Yield pieces of answer text as produced, then the final Answer (with citations).
        ``instruction``: what kind of answer the question's intent wants (for an LLM)."""
        ans = self.answer(question, passages, history, said)
        for piece in text_pieces(ans.text):
            yield piece
        yield ans


def text_pieces(text: str) -> Iterator[str]:
    """The text word by word (what a streamed answer yields when it was made at once)."""
    words = text.split(" ")
    for i, w in enumerate(words):
        yield w if i == len(words) - 1 else w + " "
