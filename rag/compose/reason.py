"""Reason: "Why …?", "What caused …?" — the sentence that gives the reason, with its clause.

A reason is written with a marker: because, due to, after, as, amid, in order to, "to" + a
purpose verb, blamed on, following, the reason is … . Among the sentences about the question,
the one holding such a marker answers; the sentence that only restates the question (all of
its words, no marker) never leads. Without any marked sentence, the most relevant one and the
sentence after it (news gives the why right after the what).
"""
from __future__ import annotations

import re

from rag.compose import register
from rag.compose.base import BUDGET, Composer, fit
from rag.types import Answer

REASON = re.compile(
    r"\b(?:because|due to|owing to|thanks to|as a result of|as a consequence of|in order to|so as to|so that|"
    r"in a bid to|in an effort to|aimed at|intended to|designed to|meant to|in response to|in protest (?:at|against|over)|"
    r"blamed (?:on|for)|blames?|blaming|caused by|the cause|the reasons?|reasons? (?:for|why|is|was)|citing|cited|"
    r"amid|following|after|over (?:concerns?|fears?|claims?|allegations?|fears?)|concerns? (?:over|about|that)|"
    r"fears? (?:of|over|that)|since|given that|the result of|resulted from|stemmed from|led to|prompted|triggered|"
    r"sparked|forced|to (?:help|allow|give|make|ensure|avoid|prevent|protect|stop|reduce|boost|increase|improve|"
    r"meet|mark|celebrate|honour|honor|raise|support|save|cut|fund|encourage|attract|end|fight|tackle|address))\b"
    r"|,\s+as\s+(?!well|part|of|a\b|the\b|many|much|long|soon|far|if|though)", re.I)

#: A marked sentence leads when its relevance is at least this share of the best sentence's.
KEEP = 0.6
W_MARK = 0.2


@register("reason")
class Reason(Composer):
    instruction = ("Give the reason the passages state (because, due to, after, in order to, blamed on …), "
                   "in one or two sentences. If they state no reason, say so.")

    def compose(self, plan) -> Answer:
        r = self.reading
        sents, own = self.relevant(plan)
        if self.off_topic(plan, sents, own):
            return r.refuse(plan)
        best = sents[0].relevance
        marked = [s for s in sents[:12] if REASON.search(s.text) and s.relevance >= KEEP * best]
        marked = self.fresh(plan, marked)
        if marked:
            for s in marked:
                s.score = s.relevance + W_MARK
            chosen = sorted(marked, key=lambda s: -s.score)[:2]
            keeps = {id(s): _marker(s.text) for s in chosen}
        else:
            top = sents[0]
            after = [s for s in sents if s.article_id == top.article_id and s.index == top.index + 1]
            chosen, keeps = [top, *after[:1]], {}
        return r.answer(plan, fit(chosen, BUDGET, keeps=keeps))


def _marker(text: str) -> tuple[int, int] | None:
    """Offsets that a shortened quote must keep: the reason marker and the words after it."""
    m = REASON.search(text)
    return (m.start(), min(len(text), m.end() + 60)) if m else None
