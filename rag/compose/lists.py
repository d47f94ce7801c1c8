"""List: "Which films won?", "What are the charges?", "Who attended the talks?" — items
gathered across sentences and articles, de-duplicated, each with its citation ("The
Aviator [1], Million Dollar Baby [2] and Sideways [2]"), then the supporting quotes.

Items are taken only where the text itself lists them: capitalised names joined by commas
and "and"/"or" ("Iran, Syria and Iraq"), or, for "who", the people the sentences name. When
the sentences list nothing of the kind, the quotes alone answer (no made-up items).

A sentence that announces a count of what is asked ("The House passed two different articles
of impeachment.") is followed by the sentence after it in its article: news gives the items
there ("The first charged President Trump with abuse of power, and the second…"). Such a count
is no answer to a list question, however sure the fact reader is of it (``announces``).
"""
from __future__ import annotations

import re

from rag.answerers.cues import ASKS_WHO
from rag.compose import register
from rag.compose.base import BUDGET, Composer, fit
from rag.quotes import people
from rag.text import stems
from rag.types import Answer

_CAP = r"(?:[A-Z][\w’'.&-]*|\d[\w’'.-]*)(?:\s+(?:of|the|and|de|al-|for|in|on|a)?\s*[A-Z][\w’'.&-]*)*"
#: "Iran, Syria and Iraq": names joined by commas and and/or, ending where the list ends (not
#: "U.S. and Iraqi forces", where the names only describe a noun that follows).
ENUMERATION = re.compile(rf"(?P<items>{_CAP}(?:\s*,\s*{_CAP})*,?\s+(?:and|or)\s+{_CAP})"
                         r"(?=\s*(?:[,.;:)!?\"”]|$)|\s+(?:were|was|are|is|have|has|had|will|would|to|in|at|on|for|from|"
                         r"who|which|that|and|as|with|by|after|before|won|each|all|both|[a-z]+ed)\b)")
#: "two different articles", "three new measures", "12 charges": a count, up to two words, a plural.
_COUNT = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s+(?:[a-z-]+\s+){0,2}"
                    r"(?P<noun>[a-z]+s)\b", re.I)
KEEP = 0.6
MAX_ITEMS = 6
MAX_QUOTES = 3


@register("list")
class Listing(Composer):
    instruction = ("List every item the passages give that answers the question, each with its [n], "
                   "in one sentence; then nothing else.")

    def off_topic(self, plan, sents, own) -> bool:
        """Lists keep a bar in a chat about one article too (a little lower): a list question on
        something else would otherwise get the article's best-matching names."""
        return not sents or sents[0].relevance < self.reading.threshold * (0.8 if plan.scoped or plan.follows else 1.0)

    def compose(self, plan) -> Answer | None:
        sents, _ = self.relevant(plan)
        if not sents:
            return None
        best = sents[0].relevance
        who = bool(ASKS_WHO.match(plan.question))
        q = set(stems(plan.question))
        pool = [s for s in sents[:12] if s.relevance >= KEEP * best]
        for s in pool:
            s.score = s.relevance + (0.15 if who else 0.1) * min(3, len(_items(s.text, who, q)))
        chosen = self._items_after(sorted(pool, key=lambda s: -s.score)[:MAX_QUOTES], q)
        parts = fit(chosen, BUDGET + 50, first_limit=280, limit=200)
        return self.reading.answer(plan, parts, lead=_lead(parts, who, q))

    def fact_answers(self, plan, short: str) -> bool:
        """"two different articles" counts what is asked; it is no list of it."""
        return not announces(short, set(stems(plan.question)))

    def _items_after(self, chosen: list, question_stems: set[str]) -> list:
        """Each sentence that announces a count of the asked thing, with the sentence after it."""
        out = []
        for s in chosen:
            out.append(s)
            if not announces(s.text, question_stems):
                continue
            nxt = next((b for b in self.reading.body(s.article_id) if b.start >= s.end), None)
            if nxt and not any(o.article_id == nxt.article_id and o.start == nxt.start for o in chosen + out):
                out.append(nxt)
        return out[:MAX_QUOTES]


def announces(text: str, question_stems: set[str]) -> bool:
    """"… two different articles of impeachment" for "What are the articles of impeachment?"."""
    return any(set(stems(m.group("noun"))) & question_stems for m in _COUNT.finditer(text))


def _items(text: str, who: bool, question_stems: set[str]) -> list[str]:
    """Listed names in ``text`` that the question does not already say."""
    if who:
        found = people(text)
    else:
        found = []
        for m in ENUMERATION.finditer(text):
            found += [i.strip() for i in re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", m.group("items")) if i.strip()]
    out = []
    for item in found:
        own = set(stems(item))
        if own and not own <= question_stems and len(item) <= 60:
            out.append(item)
    return out


def _lead(parts, who: bool, question_stems: set[str]) -> str:
    """"A [1], B [1] and C [2]: " — the items, de-duplicated by their last word ("Mr.
    Crocker" is "Ryan Crocker"), each cited; "" when fewer than two were listed."""
    seen, items = {}, []
    for n, (s, quote) in enumerate(parts, start=1):
        for item in _items(quote, who, question_stems):
            key = item.split()[-1].lower().strip(".’'")
            if key in seen:
                continue
            seen[key] = n
            items.append(f"{item} [{n}]")
    if len(items) < 2:
        return ""
    items = items[:MAX_ITEMS]
    return (", ".join(items[:-1]) + " and " + items[-1] + ": ")
