"""Definition / who is: "What is the Quds Force?", "Who is Ryan Crocker?" — the sentence that
says what it is: an apposition ("X, a …,"), "X is/was a …", or the role written before a
name ("U.S. Ambassador Ryan Crocker"). News defines a name where it first uses it, so the
first mention is preferred. "Who is <Name>?" goes to the trained reader, which leads with the
person's role in bold ("**U.S. Ambassador** — …").
"""
from __future__ import annotations

import re

from rag.answerers.cues import asks_who_is, role_of
from rag.compose import register
from rag.compose.base import BUDGET, Composer, fit
from rag.intents import defined
from rag.text import stems
from rag.types import Answer

W_FORM, W_FIRST = 0.3, 0.1


@register("definition")
class Definition(Composer):
    instruction = "Say what or who it is, as the passages describe it, in one or two sentences."

    def compose(self, plan) -> Answer | None:
        if asks_who_is(plan.question):
            return None  # "Who is <Name>?": the reader answers with the role before the name (**Iraqi Prime Minister**)
        thing = defined(plan.question) or ""
        core = re.sub(r"^(?:the|a|an)\s+", "", thing, flags=re.I)
        want = set(stems(core))
        sents, _ = self.relevant(plan)
        mentioning = [s for s in sents if want and want <= set(stems(s.text))]
        if not mentioning:
            return None
        first = min(s.start for s in mentioning)
        for s in mentioning:
            s.score = s.relevance + W_FORM * _defines(s.text, core) + W_FIRST * (s.start == first)
        chosen = sorted(mentioning, key=lambda s: -s.score)[:2]
        return self.reading.answer(plan, fit(chosen, BUDGET - 100))


def _defines(text: str, thing: str) -> bool:
    """Does ``text`` say what ``thing`` is (apposition, copula, or a role before a name)?"""
    at = text.lower().find(thing.lower())
    if at < 0:
        return False
    after = text[at + len(thing):]
    if re.match(r"\s*(?:,|\(|—|–)\s*(?:a|an|the|which|who|its|his|her|one of)\b", after, re.I):
        return True
    if re.match(r"\s+(?:is|was|are|were)\s+(?:a|an|the|one of)\b", after, re.I):
        return True
    return role_of(text, thing) is not None
