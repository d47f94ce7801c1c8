"""Follow-up questions without an LLM: resolve "his", "they", "and the Americans?" against
the conversation so retrieval searches for what the reader means.

The standalone query is the follow-up plus the previous question and the names the last
answer mentioned; it is used for retrieval, while sentence scoring still weighs the words
of the follow-up itself (see ExtractiveAnswerer).
"""
from __future__ import annotations

import re

_FOLLOW_UP = re.compile(
    r"\b(?:he|him|his|she|her|hers|they|them|their|it|its|this|that|these|those|there|then|"
    r"the same|again|also|too|else|other|before|after|former|previous)\b|^(?:and|but|what about|how about)\b",
    re.I,
)
_NAME = re.compile(r"\b[A-Z][\w’'.-]+(?:\s+(?:al-)?[A-Z][\w’'-]+)*")


def text_of(content) -> str:
    """History content may be a string or (Gradio 6) a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(text_of(b.get("text", "") if isinstance(b, dict) else b) for b in content)
    if isinstance(content, dict):
        return str(content.get("text", ""))
    return "" if content is None else str(content)


def turns(history, role: str) -> list[str]:
    return [text_of(m.get("content")) for m in history or [] if isinstance(m, dict) and m.get("role") == role]


def is_follow_up(question: str, history) -> bool:
    return bool(history) and (bool(_FOLLOW_UP.search(question)) or len(question.split()) <= 4)


def standalone(question: str, history) -> str:
    """The question with the conversation's context appended when it is a follow-up."""
    if not is_follow_up(question, history):
        return question
    prev_q = (turns(history, "user") or [""])[-1]
    prev_a = re.sub(r"\[\d+\]", "", (turns(history, "assistant") or [""])[-1])
    names = [n for n in _NAME.findall(prev_a) if n.lower() not in question.lower()][:6]
    return " ".join(x for x in [question, prev_q, " ".join(names)] if x).strip()


def previous_answer(history) -> str:
    return (turns(history, "assistant") or [""])[-1]
