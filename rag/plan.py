"""Question understanding: (question, history, scope, dates) → one ``Plan``, made once.

Everything after this reads the plan and nothing else about the question:

- ``question``: the standalone question (a follow-up's pronouns resolved, ``rag.conversation``);
- ``query``: what retrieval searches for (the standalone question, plus the last turn for a
  follow-up that still leans on it);
- ``intent``: what kind of answer is wanted (``rag.intents``): overview, list, reason, next,
  reaction, definition, yes/no, comparison or factoid;
- ``topic``: what an overview is about ("" = the articles in front of the reader);
- ``articles``: which articles to read. The caller's scope and the date filter as before; and a
  follow-up ("Why?", "What happens next?", "What did he say?") stays with the article(s) the
  previous answer quoted, unless it names something those articles never mention;
- ``asked`` / ``hard``: the time the question asks about (a preference) and the explicit
  since/until filter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from rag.answerers.extractive import normalize
from rag.answerers.names import articles_mention, question_names
from rag.conversation import FOLLOW_UP, Turn, turns
from rag.dates import When, in_question, parse_day
from rag.errors import BadInputError
from rag.intents import content_stems, intent_of, topic_of
from rag.timeline import admitted


@dataclass(frozen=True)
class Plan:
    question: str
    query: str
    intent: str
    said: str = ""  # the previous answer (its quotes are not worth repeating)
    topic: str = ""
    articles: tuple[str, ...] | None = None  # None: the whole store
    follows: bool = False  # ``articles`` are those of the previous answer
    scoped: bool = False  # ``articles`` are what the reader is looking at (scope, dates, a one-article store)
    chosen: bool = False  # the reader chose them (``article_ids``): a refusal says what they are about
    asked: When = field(default_factory=When)
    hard: When = field(default_factory=When)
    empty: str = ""  # why nothing can be searched ("no article is dated …"), else ""
    published: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def turn(self) -> Turn:
        return Turn(self.query, self.question, self.said)


def understand(question: str, history: list[dict], scope, since, until, as_of, *, condense, retriever,
               settings) -> Plan:
    """The plan for ``question`` (already cleaned) after ``history`` (normalised role/content
    dicts). ``condense(question, history) -> Turn`` makes a follow-up standalone (offline or
    by the LLM); ``scope``: the article ids the reader chose, or None."""
    turn = condense(question, history)
    asked, hard = when_asked(turn.question, since, until, as_of, settings.dates)
    pub = retriever.published() if (asked or hard) else {}
    base = admitted(pub, hard, list(scope) if scope else None, settings.dates.keep_undated)
    intent = intent_of(question)
    if intent == "factoid" and turn.question != question:
        intent = intent_of(turn.question)
    if base is None and len(retriever.articles) == 1:
        base = list(retriever.store.table())  # a store of one article is a chat about that article
    plan = Plan(turn.question, turn.query, intent, turn.said, topic_of(question) or asked.topic,
                tuple(base) if base is not None else None, False, base is not None, bool(scope), asked, hard, "", pub)
    if base == [] and hard.bounded:
        return replace(plan, empty=f"no article is dated {hard.describe()}")
    if history and (base is None or len(base) > 1):
        plan = _stay_with_last_answer(plan, question, history, retriever)
    return plan


def when_asked(question: str, since, until, as_of, dates) -> tuple[When, When]:
    """(the time the question asks about, the explicit since/until filter)."""
    lo, hi = parse_day(since, "the since date"), parse_day(until, "the until date")
    if lo and hi and lo > hi:
        raise BadInputError(f"the since date {lo} is after the until date {hi}; swap them")
    ref: date | None = parse_day(as_of, "the as-of date") or dates.as_of
    return (in_question(question, ref) if dates.from_questions else When()), When(lo, hi)


def _stay_with_last_answer(plan: Plan, question: str, history: list[dict], retriever) -> Plan:
    """A follow-up reads the articles the previous answer quoted, unless it names something
    they never mention (then it is a new question about the store)."""
    last = (turns(history, "assistant") or [""])[-1]
    cited = cited_articles(last, retriever)
    if plan.articles is not None:
        cited = [a for a in cited if a in plan.articles]
    if not cited or plan.topic:
        return plan
    if question_names(question):
        if not articles_mention(question, retriever, cited):
            return plan
    elif not _leans_on_history(question):
        # No names and no pronoun: "What is the capital of Kenya?" after anything is still a
        # fresh question; it stays only when its own words are the last articles' words.
        terms = frozenset().union(*(retriever.article_terms(a) for a in cited))
        own = content_stems(question, plan.intent)
        if own and len(own & terms) < max(1, len(own) // 2):
            return plan
    return replace(plan, articles=tuple(cited), follows=True)


#: Beyond what makes a question a follow-up (``rag.conversation.FOLLOW_UP``), what points back
#: at the articles just discussed: "the article", "what next", "more", "why".
_POINTING = re.compile(r"\b(?:the article|the story|next|more|why)\b", re.I)


def _leans_on_history(question: str) -> bool:
    return bool(FOLLOW_UP.search(question) or _POINTING.search(question)) or len(question.split()) <= 4


_QUOTE = re.compile(r'"([^"\n]{12,}?)"\s*\[\d+\]|“([^”\n]{12,}?)”')
_INSERT = re.compile(r"\s*\[[^\]]*\]")  # "He [Mr. Kazemi] said": our own insertion, not article text


def cited_articles(answer: str, retriever, limit: int = 3) -> list[str]:
    """The articles an earlier answer of ours quoted, in the order quoted: each quote's
    longest verbatim piece is looked up in the lexical index and checked against the chunk."""
    found: list[str] = []
    snap = retriever.refresh()
    for m in _QUOTE.finditer(answer or ""):
        quote = _INSERT.sub("", m.group(1) or m.group(2))
        piece = max((p.strip(" .,;:") for p in quote.split("…")), key=len)
        if len(piece) < 12:
            continue
        rows = [r for r, _ in snap.lexical.top(piece, 3)]
        key = normalize(piece)
        for row, rec in retriever.records(snap, rows).items():
            if key in normalize(rec.text) and rec.article_id not in found:
                found.append(rec.article_id)
                break
        if len(found) >= limit:
            break
    return found

