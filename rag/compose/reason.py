"""Reason: "Why …?", "What caused …?" — the sentences that give the reason, quoted.

The trained reader reads the most relevant sentences (each with the one before it) and the two
it rates likeliest to answer lead: it weighs the asked event against what each sentence says,
so the sentence that only restates the question loses to the one that answers it; when it
believes none does (below its calibrated refusal threshold), the fact reader decides, and
refuses a why-question on something the article never explains. A quote
keeps its reason marker (because, due to, after, amid, in order to, blamed on, following …)
and what follows it. Without the trained reader: among the sentences about the question the
most relevant one holding such a marker answers, with the sentence after the best match
(news gives the why right after the what).
"""
from __future__ import annotations

import re

from rag.compose import register
from rag.compose.base import BUDGET, Composer, around, fit
from rag.types import Answer

REASON = re.compile(
    r"\b(?:because|due to|owing to|thanks to|as a result of|as a consequence of|in order to|so as to|so that|"
    r"in a bid to|in an effort to|aimed at|intended to|designed to|meant to|in response to|in protest (?:at|against|over)|"
    r"blamed (?:on|for)|blames?|blaming|caused by|the causes?|causes? of|the reasons?|reasons? (?:for|why|is|was)|"
    r"citing|cited|"
    r"amid|following|after|over (?:concerns?|fears?|claims?|allegations?|fears?)|concerns? (?:over|about|that)|"
    r"fears? (?:of|over|that)|since|given that|the result of|resulted from|stemmed from|led to|prompted|triggered|"
    r"sparked|forced|leading to|lead to|leads to|resulting in|results? in|causing|caused|killed by|died (?:of|from|after)|"
    r"death (?:of|from)|complications|so (?:that|as)|rationale|reasoning|justification|on the grounds|grounds that|"
    r"argued that|saying that|explained that|to (?:help|allow|give|make|ensure|avoid|prevent|protect|stop|reduce|boost|increase|improve|"
    r"meet|mark|celebrate|honour|honor|raise|support|save|cut|fund|encourage|attract|end|fight|tackle|address))\b"
    r"|,\s+as\s+(?!well|part|of|a\b|the\b|many|much|long|soon|far|if|though)", re.I)

#: A marked sentence leads when its relevance is at least this share of the best sentence's.
KEEP = 0.6
#: The trained reader reads this many of the most relevant sentences.
POOL = 12
W_MARK = 0.2  # a marked sentence leads over an unmarked one up to this much more relevant


@register("reason")
class Reason(Composer):
    instruction = ("Give the reason the passages state (because, due to, after, in order to, blamed on …), "
                   "in one or two sentences. If they state no reason, say so.")

    def compose(self, plan) -> Answer | None:
        sents, _ = self.relevant(plan)
        if not sents:
            return None
        pool = self.fresh(plan, sents[:POOL])
        probs = self.reading.read(plan.question, pool)
        if probs and max(probs) < self.reading.reader_threshold():
            return None  # no sentence gives a reason the reader believes: the fact reader decides, or refuses
        chosen = _by_reader(pool, probs) if probs else self._by_markers(plan, sents)
        # "For this reason, he was not granted bail.": the reason is the sentence before.
        if BACK.match(chosen[0].text) and (before := _next_to(sents, chosen[0], -1)) and before not in chosen:
            chosen = [before, *chosen[:1]]
        keeps = {id(s): around(REASON.search(s.text)) for s in chosen}
        return self.reading.answer(plan, fit(chosen, BUDGET, keeps=keeps))

    def _by_markers(self, plan, sents):
        """Without the trained reader: the most relevant sentence holding a reason marker, and
        the sentence after the best match."""
        top = sents[0]
        marked = [s for s in sents[:12] if REASON.search(s.text) and s.relevance >= KEEP * top.relevance]
        marked = self.fresh(plan, marked)
        for s in marked:
            s.score = s.relevance + W_MARK
        marked.sort(key=lambda s: -s.score)
        # News gives the why right after the what: the sentence after the one that matches the
        # question best is the other candidate (when the best one is not itself the reason).
        after = _next_to(sents, top)
        chosen = marked[:1] or [top]
        for s in [after, *marked[1:2]] if chosen[0] is top else [*marked[1:2], after]:
            if s is not None and s not in chosen and len(chosen) < 2:
                chosen.append(s)
        return chosen


def _by_reader(pool, probs):
    """The two sentences the trained reader rates likeliest to answer the why-question: it
    weighs the question's event against each sentence and the one before it ("leading to her
    death" answers "Why did the elephant die?" though it never says "elephant"), which word
    overlap cannot. The markers add nothing on top of it (310 SQuADShifts why-questions: 0.694
    by the reader alone, 0.671 with a marker counting 0.2 more, 0.639 by markers alone)."""
    for s, p in zip(pool, probs):
        s.score = p
    return sorted(pool, key=lambda s: -s.score)[:2]


#: A sentence whose reason is the one before it.
BACK = re.compile(r"^\W*(?:For (?:this|that|these|those) reasons?|As a (?:result|consequence)|Because of (?:this|that)|"
                  r"That(?:['’]s| is) why|This is why|Therefore|Consequently|Hence|Thus|So)\b", re.I)


def _next_to(sents, s, step: int = 1):
    """The sentence ``step`` places after ``s`` in its article, if it is among ``sents``."""
    return next((o for o in sents if o.article_id == s.article_id and o.index == s.index + step), None)

