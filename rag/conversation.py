"""Follow-up questions: resolve "his", "they", "and the Americans?" against the conversation.

Without an LLM (the default), a follow-up becomes
- a *retrieval query*: the follow-up plus the previous question and the names the last
  answer gave, so the search lands where the conversation is;
- an *answering question*: the follow-up itself, so sentence scoring weighs what is asked
  now, not what was asked before.
The last answer is passed on as ``said``: the answerer prefers sentences it did not quote and
that mention the people it named (whom "he"/"his" most likely refers to).
LLM answerers condense with the model instead (see ``rag.answerers.llm``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answerers.cues import PERSON

_FOLLOW_UP = re.compile(
    r"\b(?:he|him|his|she|her|hers|they|them|their|it|its|this|that|these|those|there|then|"
    r"the same|again|also|too|else|other|before|after|former|previous)\b|^(?:and|but|what about|how about)\b",
    re.I,
)


@dataclass(frozen=True)
class Turn:
    query: str  # what retrieval searches for
    question: str  # what the answerer answers
    said: str = ""  # the previous answer, whose quotes are not worth repeating


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
    return bool(turns(history, "user")) and (bool(_FOLLOW_UP.search(question)) or len(question.split()) <= 4)


def resolve(question: str, history) -> Turn:
    if not is_follow_up(question, history):
        return Turn(question, question)
    prev_q = turns(history, "user")[-1]
    said = re.sub(r"\s*\[\d+\]", "", (turns(history, "assistant") or [""])[-1])
    names = [n for n in named_in(said) if n.lower() not in question.lower()]
    query = " ".join(x for x in [question, prev_q, " ".join(names[:4])] if x)
    return Turn(query, question, said)


def named_in(said: str) -> list[str]:
    """Names (runs of capitalised words: people, places, bodies) in ``said``, in order."""
    return list(dict.fromkeys(PERSON.findall(said)))
