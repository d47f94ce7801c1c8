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

from rag.answerers.cues import ASKS_WHO, DAY_OR_MONTH, PERSON
from rag.quotes import is_person_name, names_no_person

FOLLOW_UP = re.compile(
    r"\b(?:he|him|his|she|her|hers|they|them|their|it|its|this|that|these|those|there|then|"
    r"the same|again|also|too|else|other|before|after|former|previous)\b|^(?:and|but|what about|how about)\b",
    re.I,
)


@dataclass(frozen=True)
class Turn:
    query: str  # what retrieval searches for
    question: str  # what the answerer answers
    said: str = ""  # the previous answer, whose quotes are not worth repeating


#: How deep list-nested content is read (Gradio nests one level; 400 levels broke the stack).
MAX_NESTING = 8


def text_of(content, depth: int = 0) -> str:
    """History content may be a string or (Gradio 6, OpenAI) a list of blocks; blocks nested
    deeper than ``MAX_NESTING`` are left out rather than read without end."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        if depth >= MAX_NESTING:
            return ""
        return " ".join(text_of(b.get("text", "") if isinstance(b, dict) else b, depth + 1) for b in content)
    if isinstance(content, dict):
        text = content.get("text", "")
        return text if isinstance(text, str) else ""
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
    return bool(turns(history, "user")) and (bool(FOLLOW_UP.search(question)) or len(question.split()) <= 4)


def resolve(question: str, history) -> Turn:
    if not is_follow_up(question, history):
        return Turn(question, question)
    asked_before = turns(history, "user")
    answers = [re.sub(r"\s*\[\d+\]", "", a) for a in turns(history, "assistant")]
    prev_q, said = asked_before[-1], (answers or [""])[-1]
    # Turns before the last one: whom and what the conversation was about when the last turn
    # names nobody ("Who opposed her?" after "How many votes did she get?").
    earlier = list(zip(reversed(asked_before[:-1]), reversed(answers[:-1])))
    asked = standalone(question, prev_q, said, earlier)
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
    return bool(named) and not FOLLOW_UP.search(asked) and not _ELLIPSIS.match(question.strip())


_WH = re.compile(r"\b(?:what|who|whom|whose|when|where|why|how|which|did|does|do|is|are|was|were|can|could|will|would)\b", re.I)
_ELLIPSIS = re.compile(r"^(?:and|but|what about|how about)\s+(?P<rest>.+?)\s*\??$", re.I)
_PERSONAL = re.compile(r"\b(?:he|she|him)\b", re.I)
_POSSESSIVE = re.compile(r"\b(?:his|her)\b", re.I)
#: "her"/"him" as the object: at the end of the question or before a preposition.
_OBJECT = re.compile(r"\b(?:her|him)\b(?=\s*(?:[?.!,]|$|\s+(?:in|on|at|to|for|from|with|about|after|before|during|as)\b))", re.I)
_THING = re.compile(r"\b(?:it|they|them)\b", re.I)
_THINGS = re.compile(r"\b(?:its|their)\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(?:that|this|these|those)\s+(?=[a-z]+\b)", re.I)
_CAPS = re.compile(r"(?:\b(?:the\s+)?[A-Z][\w.’'-]*(?:\s+(?:of\s+|and\s+|al-|de\s+)?[A-Z][\w.’'-]*)*)")


#: A follow-up that is only a question word: "Why?", "And when?", "Where exactly?"
_BARE_WH = re.compile(r"^(?:and|but|so)?\s*(?P<wh>why|when|where|how)(?:\s+(?:exactly|so|then|not))?\s*\?*\s*$", re.I)
#: A question asked about an event with a verb: "What did Iran offer?" → "did Iran offer".
_ASKED = re.compile(r"^\W*(?:(?:and|so|but)\s+)?(?:what|when|where|why|how|who|whom|which)(?:\s+\w+)?\s+"
                    r"(?P<rest>(?:did|does|do|has|have|had|will|would|can|could|should)\s+[^?]+?)\s*\??$", re.I)


def standalone(question: str, prev_q: str, said: str, earlier=()) -> str:
    """The follow-up with the conversation's focus put where it points (see module doc).
    ``earlier``: (question, answer) pairs before the last turn, newest first, looked at when
    the last turn names no one or nothing to point at."""
    m = _ELLIPSIS.match(question.strip())
    if m and not _WH.search(m.group("rest")):
        return _swap_focus(prev_q, m.group("rest"))
    if (bare := _BARE_WH.match(question.strip())) and (asked := _ASKED.match(prev_q.strip())):
        # "Why?" after "What did Iran offer?" → "Why did Iran offer?": the same event, asked anew.
        return f"{bare.group('wh').capitalize()} {asked.group('rest')}?"
    q = re.sub(r"^(?:and|but|so)\s+", "", question.strip(), flags=re.I)
    pairs = [(prev_q, said), *earlier]
    person = whom(pairs)
    thing = next((t for qq, a in pairs if (t := _thing(qq, a))), None)
    if person:
        q = _OBJECT.sub(person, q)  # "Who opposed her?": her is the person, not "her …"
        q = _POSSESSIVE.sub(f"{person}'s", _PERSONAL.sub(person, q))
    if thing:
        q = _THINGS.sub(f"{thing}'s", _THING.sub(thing, q))
    return _DEMONSTRATIVE.sub("the ", q)


def _thing(question: str, answer: str) -> str | None:
    """What "it"/"they" points back to after ``question``: the subject of a question asked
    with a verb ("Where did the earthquake hit?" → "the earthquake"; "Where did the Hong Kong
    protesters gather on Friday?" → "the Hong Kong protesters"), else its last named thing
    ("What is the capital of Kenya?" → "Kenya"), else the last answer's bold short answer."""
    return subject_of(question) or thing_of(question) or short_of(answer)


_AUXILIARY = r"(?:did|does|do|has|have|had|will|would|can|could|should|is|are|was|were)"
_SUBJECT = re.compile(rf"^\W*(?:(?:and|so|but)\s+)?(?:what|where|when|why|how|who|whom|which)"
                      rf"(?:\s+(?!{_AUXILIARY}\b)\w+){{0,2}}\s+(?P<aux>{_AUXILIARY})\s+(?P<rest>[^?]+?)\s*\??$", re.I)
_PRONOUN_START = re.compile(r"^(?:he|she|it|they|we|you|i|him|her|them|his|its|their|this|that|there)\b", re.I)
_DETERMINER = frozenset("the a an this that these those his her its their some many several both all".split())
#: Words that may stand between a determiner and the noun of a subject ("the two sides", "the new governor").
_MODIFIER = frozenset("""new old former top local national federal state last first second third other main
    young big small large major senior two three four five six seven eight nine ten several few many
    british american european chinese russian french german indian iranian iraqi israeli""".split())
_CAPITALISED = re.compile(r"^[A-Z0-9][\w.’'&-]*$")


def subject_of(question: str) -> str | None:
    """The subject of a question asked with a verb ("did/does/will …") when it is a described
    thing: "the earthquake" in "Where did the earthquake hit?", "the Hong Kong protesters" in
    "Where did the Hong Kong protesters gather?". None for a copula question ("What is the
    capital of Kenya?": the asked thing is its complement), a pronoun, or a name ("What year did
    King Sigismund move his court to Warsaw?": "it" is then the last named thing, ``thing_of``).
    English puts a determiner, modifiers or names, then one noun; after "did/does/will" the verb
    is in its base form, so a lowercase word after names is the noun only when plural
    ("protesters"), and the verb otherwise ("the French and Indian War start")."""
    m = _SUBJECT.match(question.strip())
    if not m or m.group("aux").lower() in ("is", "are", "was", "were"):
        return None
    words = m.group("rest").split()
    if len(words) < 3 or words[0].lower() not in _DETERMINER:
        return None
    phrase, named = [words[0]], False
    for i, w in enumerate(words[1:], start=1):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if _CAPITALISED.match(w) or (named and w.lower() in ("and", "of", "&") and _CAPITALISED.match(nxt)):
            phrase.append(w)
            named = True
        elif w.lower() in _MODIFIER and not named:
            phrase.append(w)
        else:
            if not named or re.search(r"[a-z]{2,}s$", w):
                phrase.append(w)  # the noun ("the talks", "the Hong Kong protesters")
            break
    subject = " ".join(phrase)
    return subject if re.search(r"[A-Za-z]{3,}", subject) else None


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
    found = [f for f in found if not _WHEN_NAME.fullmatch(f.rstrip("?.!,"))]
    if not found:
        return None
    last = found[-1].rstrip("?.!,")
    return re.split(r"[’']s\b", last, maxsplit=1)[0] if re.search(r"[’']s\b", last) else last


#: A day or month is when, not what "it"/"they" points to ("What happened in Hong Kong on Friday?").
_WHEN_NAME = re.compile(rf"(?:the\s+)?(?:{DAY_OR_MONTH}|Today|Yesterday)")


def _swap_focus(prev_q: str, new: str) -> str:
    old = focus_of(prev_q)
    new = new.rstrip("?.! ")
    return prev_q.replace(old, new, 1) if old else f"{prev_q.rstrip('?')} {new}?"


def short_of(said: str) -> str | None:
    """The short answer in bold, at the start or after a dated lead ("As of 2005-04-20: **…**")."""
    m = re.match(r"(?:[^*\n]{0,160}?: )?\*\*(.+?)\*\*", said)
    return _without_title(m.group(1)) if m else None


#: The quote mark that closes an answer's quote: the next quote, its "[n]" or the end follows it
#: (a follow-up's ``said`` has its "[n]" markers taken out).
_QUOTE_CLOSE = re.compile(r'"(?=\s*(?:\[\d+\])?\s*(?:"|$))')


def first_quote(said: str) -> str:
    """The first quote of an earlier answer of ours, the one its short answer came from ("" when
    it quoted nothing): ``**Iran** — "He said he had offered…" "The Americans insist…"``."""
    start = said.find('"')
    end = _QUOTE_CLOSE.search(said, start + 1) if start >= 0 else None
    return said[start + 1:end.start()] if end else ""


#: A news name often comes after its office: "Secretary of Justice Wanda Vázquez Garced",
#: "President of Argentina Alberto Fernández", "Secretary of State Mike Pompeo".
_TITLED = re.compile(r"^(?:[A-Z][\w’'.-]*\s)+of\s(?:the\s)?[A-Z][\w’'.-]*\s((?:[A-Z][\w’'.-]*\s?){2,3})$")


def _without_title(short: str) -> str:
    """The person in "Office of Place Given Family" (the name a later "she" means)."""
    m = _TITLED.match(short.strip())
    return m.group(1).strip() if m else short


_NAME = re.compile(r"(?:[A-Z][\w’'.-]+\s?){1,4}")


def whom(pairs) -> str | None:
    """Whom "he"/"she" means, from (question, answer) pairs, newest first. The conversation's
    person is the one its questions name; an answer's name counts first only when the last
    question asked "who" ("Who is the U.S. ambassador?" → **Ryan Crocker**): an answer names
    many people in passing ("New Hampshire", "his son, Wolfgang Van Halen"). An earlier
    who-question's answer comes next ("Who was driving the truck?" → **Zhukovskyy**, then "What
    was he charged with?", then "Has he crashed before?"), before a name the last answer gave."""
    if not pairs:
        return None
    (prev_q, said), *_ = pairs
    short = short_of(said)
    if short and is_person_name(short):
        return short
    if name := _answered_who(prev_q, said):
        return name
    for q, _ in pairs:
        focus = focus_of(q)
        if focus and is_person_name(focus):
            return focus
    earlier = next((name for q, a in pairs[1:] if (name := _answered_who(q, a))), None)
    return earlier or next((p for q, a in pairs if (p := _person(a, q))), None)


def _answered_who(question: str, answer: str) -> str | None:
    """The bold name ``answer`` leads with when ``question`` asked "who"."""
    short = short_of(answer)
    return short if short and ASKS_WHO.match(question) and _NAME.fullmatch(short.strip()) and not names_no_person(short) \
        else None


def _person(said: str, prev_q: str) -> str | None:
    """Whom "he"/"she" means in one turn: the answer's short answer when it is a name, else the
    first person it named, else the question's focus."""
    from rag.quotes import referent

    short = short_of(said)
    if short and is_person_name(short):
        return short
    return referent(said) or focus_of(prev_q)


def named_in(said: str) -> list[str]:
    """Names (runs of capitalised words: people, places, bodies) in ``said``, in order."""
    return list(dict.fromkeys(PERSON.findall(said)))
