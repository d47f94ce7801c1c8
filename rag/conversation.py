"""Follow-up questions: resolve "his", "they", "and the Americans?" against the conversation.

Without an LLM (the default), a follow-up becomes
- an *answering question*: the follow-up made standalone by putting the conversation's
  focus where its pronouns and ellipsis point ("Who made that offer?" → "Who made the
  offer?"; "When did he arrive?" → "When did Ryan Crocker arrive?"; "and the Americans?"
  after "What did Iran offer?" → "What did the Americans offer?"), see ``standalone``;
- a *retrieval query*: that question plus the previous question and the names the last
  answer gave, so the search lands where the conversation is.
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


_ROLES = {"human": "user", "user": "user", "ai": "assistant", "assistant": "assistant", "system": "system"}


def normalize_history(history) -> list[dict]:
    """Role/content dicts from any history a caller may hold: dicts, ``(role, text)`` tuples,
    or LangChain messages (``HumanMessage``/``AIMessage``). Unknown entries are an error, not
    silently dropped: a dropped turn would answer a follow-up as a new question."""
    from rag.errors import BadInputError

    out = []
    for m in history or []:
        if isinstance(m, dict):
            role, content = m.get("role"), m.get("content")
        elif isinstance(m, (tuple, list)) and len(m) == 2:
            role, content = m
        elif hasattr(m, "type") and hasattr(m, "content"):  # a LangChain BaseMessage
            role, content = m.type, m.content
        else:
            raise BadInputError(f"cannot read history entry {m!r}: use {{'role': 'user', 'content': '…'}}, "
                                "('user', '…') or LangChain messages")
        if _ROLES.get(str(role)) is None:
            raise BadInputError(f"unknown role {role!r} in the history: use user/human or assistant/ai")
        out.append({"role": _ROLES[str(role)], "content": text_of(content)})
    return out


def turns(history, role: str) -> list[str]:
    return [text_of(m.get("content")) for m in history or [] if isinstance(m, dict) and m.get("role") == role]


def is_follow_up(question: str, history) -> bool:
    return bool(turns(history, "user")) and (bool(_FOLLOW_UP.search(question)) or len(question.split()) <= 4)


def resolve(question: str, history) -> Turn:
    if not is_follow_up(question, history):
        return Turn(question, question)
    prev_q = turns(history, "user")[-1]
    said = re.sub(r"\s*\[\d+\]", "", (turns(history, "assistant") or [""])[-1])
    asked = standalone(question, prev_q, said)
    names = [n for n in named_in(said) if n.lower() not in asked.lower()]
    # A follow-up made whole ("What is the capital of it?" → "… of Kenya?") searches for itself;
    # one still leaning on the last turn searches with it, and the names the answer gave.
    context = [] if _resolved(question, asked) else [prev_q, " ".join(names[:4])]
    query = " ".join(x for x in [asked, *context] if x)
    return Turn(query, asked, said)


def _resolved(question: str, asked: str) -> bool:
    """Every pronoun of the follow-up was replaced by a name (nothing left pointing back);
    "that offer" → "the offer" names nothing, so that one still searches with the last turn."""
    named = set(_CAPS.findall(asked)) - set(_CAPS.findall(question))
    return bool(named) and not _FOLLOW_UP.search(asked) and not _ELLIPSIS.match(question.strip())


_WH = re.compile(r"\b(?:what|who|whom|whose|when|where|why|how|which|did|does|do|is|are|was|were|can|could|will|would)\b", re.I)
_ELLIPSIS = re.compile(r"^(?:and|but|what about|how about)\s+(?P<rest>.+?)\s*\??$", re.I)
_PERSONAL = re.compile(r"\b(?:he|she|him)\b", re.I)
_POSSESSIVE = re.compile(r"\b(?:his|her)\b", re.I)
_THING = re.compile(r"\b(?:it|they|them)\b", re.I)
_THINGS = re.compile(r"\b(?:its|their)\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(?:that|this|these|those)\s+(?=[a-z]+\b)", re.I)
_CAPS = re.compile(r"(?:\b(?:the\s+)?[A-Z][\w.’'-]*(?:\s+(?:of\s+|and\s+|al-|de\s+)?[A-Z][\w.’'-]*)*)")


def standalone(question: str, prev_q: str, said: str) -> str:
    """The follow-up with the conversation's focus put where it points (see module doc)."""
    m = _ELLIPSIS.match(question.strip())
    if m and not _WH.search(m.group("rest")):
        return _swap_focus(prev_q, m.group("rest"))
    q = re.sub(r"^(?:and|but|so)\s+", "", question.strip(), flags=re.I)
    person, thing = _person(said, prev_q), thing_of(prev_q) or _short_of(said)
    if person:
        q = _POSSESSIVE.sub(f"{person}'s", _PERSONAL.sub(person, q))
    if thing:
        q = _THINGS.sub(f"{thing}'s", _THING.sub(thing, q))
    return _DEMONSTRATIVE.sub("the ", q)


def focus_of(question: str) -> str | None:
    """The named thing a question is about: its first capitalised phrase after the first
    word ("Iran" in "What did Iran offer?")."""
    words = question.split(maxsplit=1)
    m = _CAPS.search(words[1]) if len(words) > 1 else None
    return m.group(0).rstrip("?.!,") if m else None


def thing_of(question: str) -> str | None:
    """What "it"/"they" most likely points back to: the *last* named thing of the previous
    question ("the role of Doctor Who", "move his court to Warsaw"), a possessive reduced to its
    owner ("Kenya's HDI" → "Kenya"). The first phrase is often the person acting on it."""
    words = question.split(maxsplit=1)
    found = _CAPS.findall(words[1]) if len(words) > 1 else []
    if not found:
        return None
    last = found[-1].rstrip("?.!,")
    return re.split(r"[’']s\b", last, maxsplit=1)[0] if re.search(r"[’']s\b", last) else last


def _swap_focus(prev_q: str, new: str) -> str:
    old = focus_of(prev_q)
    new = new.rstrip("?.! ")
    return prev_q.replace(old, new, 1) if old else f"{prev_q.rstrip('?')} {new}?"


def _short_of(said: str) -> str | None:
    """The short answer in bold, at the start or after a dated lead ("As of 2005-04-20: **…**")."""
    m = re.match(r"(?:[^*\n]{0,160}?: )?\*\*(.+?)\*\*", said)
    return m.group(1) if m else None


def _person(said: str, prev_q: str) -> str | None:
    """Whom "he"/"she" means: the last answer's short answer when it is a name, else the
    first person it named, else the previous question's focus."""
    from rag.quotes import referent

    short = _short_of(said)
    if short and PERSON.fullmatch(short):
        return short
    return referent(said) or focus_of(prev_q)


def named_in(said: str) -> list[str]:
    """Names (runs of capitalised words: people, places, bodies) in ``said``, in order."""
    return list(dict.fromkeys(PERSON.findall(said)))
