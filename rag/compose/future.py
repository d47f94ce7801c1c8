"""Next: "What happens next?", "What will X do?", "What are the plans?" — what the articles
say will, is expected to, plans to or is due to happen, and dates after publication.
"""
from __future__ import annotations

import re

from rag.compose import register
from rag.compose.base import BUDGET, Composer, around, fit
from rag.types import Answer

FUTURE = re.compile(
    r"\b(?:will|won[’']t|shall|would|is to|are to|was to|were to|expected|expects?|expecting|plans? (?:to|for)|planned|planning|"
    r"intends?|intended|intention|aims? to|hopes? to|hoping|due (?:to|on|in|for)|set to|scheduled (?:to|for)|upcoming|again|"
    r"forthcoming|next (?:week|month|year|season|round|meeting|step|steps|phase|stage|election|spring|summer|autumn|"
    r"fall|winter|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|later (?:this|in the|today|on)|"
    r"in the coming|coming (?:weeks|months|days|years)|soon|going to|to be (?:held|released|launched|decided|"
    r"announced|published|opened|built|completed)|to begin|to start|to resume|to return|to open|to decide|"
    r"pending|awaits?|awaiting|deadline|by (?:the end of )?(?:20\d\d|next)|could|may|might|likely|prospects?|"
    r"future|proposed|proposal|vote on|will be)\b", re.I)
STRONG = re.compile(r"\b(?:will|expected|plans? to|planned|planning|due to|set to|scheduled (?:to|for)|next|later|"
                    r"to be held|going to|intends?|aims? to|upcoming|coming|again|future)\b", re.I)
_YEAR = re.compile(r"\b(20\d\d|19\d\d)\b")

W_CUE, W_STRONG, W_LATER_YEAR = 0.1, 0.1, 0.15
KEEP = 0.5


@register("next")
class Next(Composer):
    instruction = ("Say what the passages report will, is expected to, is planned to or is due to happen next, "
                   "with any dates they give. If they say nothing about what comes next, say so.")

    def compose(self, plan) -> Answer | None:
        sents, own = self.relevant(plan)
        if not sents:
            return None
        best = sents[0].relevance
        ahead = []
        for s in sents:
            cue = FUTURE.search(s.text)
            if not cue or (own and s.relevance < KEEP * best):
                continue
            cues = len({m.group(0).lower() for m in FUTURE.finditer(s.text)})
            strong = len({m.group(0).lower() for m in STRONG.finditer(s.text)})
            s.score = (s.relevance if own else 0.0) + W_CUE * min(cues, 3) + W_STRONG * min(strong, 2) \
                + W_LATER_YEAR * _later_year(s) + 0.02 * s.index / max(1, len(sents))
            ahead.append(s)
        ahead = self.fresh(plan, ahead)
        if not ahead:
            return None
        chosen = sorted(ahead, key=lambda s: -s.score)[:3]
        keeps = {id(s): around(STRONG.search(s.text) or FUTURE.search(s.text)) for s in chosen}
        return self.reading.answer(plan, fit(chosen, BUDGET, keeps=keeps))


def _later_year(s) -> bool:
    """Does the sentence name a year after the article's own (a date still to come)?"""
    if not s.published:
        return False
    year = int(s.published[:4])
    return any(int(y) > year for y in _YEAR.findall(s.text))

