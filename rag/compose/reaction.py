"""Reaction / what X said: "What did Crocker say?", "How did Iran react?", "What was the U.S.
reaction to the offer?" — the statements attributed to the person or group asked about.

A statement is a sentence with an attribution (said, told, criticised, welcomed, rejected,
warned, called, according to, or a quotation); it counts for X when it names X, or opens
with "he/she/they" right after a sentence that does. Without a speaker in the question
("What was the reaction?"), any attributed statement on the question's subject.
"""
from __future__ import annotations

import re

from rag.compose import register
from rag.answerers.cues import ROLE
from rag.answerers.extractive import already_said
from rag.compose.base import BUDGET, Composer, fit
from rag.conversation import first_quote
from rag.quotes import SPEECH_VERBS, TITLED, is_person_name, people, referent
from rag.text import stems
from rag.types import Answer

SAID = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|stated|states|criticised|criticized|criticises|criticizes|welcomed|"
    r"welcomes|rejected|rejects|warned|warns|called|calls|described|describes|argued|argues|claimed|claims|"
    r"insisted|insists|denied|denies|praised|praises|condemned|condemns|urged|urges|announced|announces|"
    r"responded|responds|reacted|replied|declined|dismissed|hailed|accused|accuses|blamed|blames|questioned|"
    r"complained|admitted|acknowledged|confirmed|noted|explained|stressed|vowed|promised|pledged|"
    r"insist|argue|claim|warn|accuse|believe|believes|believed|think|thinks|thought|want|wants|wanted|"
    r"according to|in a statement|spokes(?:man|woman|person))\b|[“\"][^”\"]{12,}[”\"]", re.I)
#: "What did X say", "How did X react", "X's reaction", "the reaction of X", "the X reaction"
_SPEAKER = [
    re.compile(r"\b(?:did|does|do|has|have|had|was|were|is|are)\s+(?P<who>.+?)\s+(?:say|said|tell|told|think|"
               r"react|respond|reply|feel|claim|argue|announce|warn|comment|describe|call|explain|add|want|mean)\b", re.I),
    re.compile(r"\bwhat (?:was|were|is|are) (?P<who>.+?)['’]s? (?:\w+ )?(?:reaction|response|comments?|views?|"
               r"position|stance|verdict|opinion)\b", re.I),
    re.compile(r"\b(?:reaction|response|comments?|views?|position|stance|verdict|opinion)s? (?:of|from|by) "
               r"(?P<who>[^?]+?)(?:\s+(?:to|on|about|regarding)\b|\s*\?|$)", re.I),
    re.compile(r"\bthe (?P<who>(?:[A-Z][\w.]*\s?)+) (?:reaction|response|position|view)\b"),
    re.compile(r"\bwho (?:said|criticised|criticized|welcomed|condemned|praised|warned|called|blamed)\b()(?P<who>)", re.I),
]
_VAGUE = {"the", "they", "he", "she", "it", "people", "peopl"}

W_SAID, W_SPEAKER = 0.2, 0.35
KEEP = 0.45


def speaker_of(question: str) -> str:
    for rx in _SPEAKER:
        m = rx.search(question)
        if m and m.group("who"):
            who = re.sub(r"^(?:the|a|an)\s+", "", m.group("who").strip(), flags=re.I)
            if who.lower() not in _VAGUE:
                return who
    return ""


@register("reaction")
class Reaction(Composer):
    instruction = ("Report what the person or group asked about said or how they reacted, as the passages "
                   "attribute it (said, told, criticised, welcomed, warned …), naming who said it.")

    def compose(self, plan) -> Answer | None:
        sents, _ = self.relevant(plan)
        if not sents:
            return None
        if plan.said and WHO_SAID_THAT.match(plan.question):
            return self._who_said(plan, sents)
        who = speakers(plan.question)
        best = sents[0].relevance
        said = []
        for s in sents:
            if not SAID.search(s.text) or s.relevance < KEEP * best:
                continue
            s.score = s.relevance + W_SAID + (W_SPEAKER if attributed(s, who) else 0.0)
            said.append(s)
        if who and said and not any(attributed(s, who) for s in said):
            said = []  # nobody asked about is quoted: not their reaction
        said = self.fresh(plan, said)
        if not said:
            return None
        chosen = sorted(said, key=lambda s: -s.score)[:3]
        return self.reading.answer(plan, fit(chosen, BUDGET))


    def fact_answers(self, plan, short: str) -> bool:
        """"Who said that?" points at the last answer's quote, which the fact reader never sees."""
        return not (plan.said and WHO_SAID_THAT.match(plan.question))

    def _who_said(self, plan, sents) -> Answer | None:
        """"Who said that?": the speaker of the last answer's first quote, with that quote."""
        first = first_quote(plan.said)
        s = next((s for s in sents if first and already_said(s.text, first)), None)
        who = speaker_in(s) if s else None
        if not who:
            return None
        return self.reading.answer(plan, fit([s], BUDGET), lead=f"**{who}** — ")


#: A person described by their office ("the American envoy", "an Iranian official").
_DESCRIBED = re.compile(rf"\b(?:[Tt]he|[Aa]n?)\s+(?:[\w.’'-]+\s+){{0,3}}?{ROLE.pattern}\b")

#: "Who said that?", "Who said this?", "Who said so?", "Who's saying that?"
WHO_SAID_THAT = re.compile(r"^\W*(?:and\s+)?who(?:['’]s| is| was)?\s+(?:said|says|saying|told|wrote|claimed|claims)\s+"
                           r"(?:that|this|it|so|those|these)\b", re.I)


def speaker_in(s) -> str | None:
    """Who speaks in sentence ``s``: a person named next to its attribution ("Mr. Crocker
    told reporters", "said Mr. Kazemi"), or whom a leading "He said" means (the sentence before)."""
    for m in _SPEECH.finditer(s.text):
        before = s.text[max(0, m.start() - SPEAKER_BEFORE):m.start()]
        if re.search(r"\b(?:he|she)\s+(?:\w+\s+)?$", before, re.I):  # "However, he said": the one named before
            described = _DESCRIBED.search(s.before)  # or described: "The American envoy called…"
            return referent(s.before) or (described.group(0) if described else None)
        after = s.text[m.end():m.end() + SPEAKER_AFTER]
        # The name nearest before the verb ("what Mr. Kazemi had said"), else right after it ("said Mr. Kazemi").
        if names := _names_in(before):
            return names[-1]
        if names := _names_in(after):
            return names[0]
    return None


_SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")


def _names_in(text: str) -> list[str]:
    """Titled names and full person names in ``text``, in order."""
    found = [(t.start(), t.group(0)) for t in TITLED.finditer(text)]
    found += [(text.find(p), p) for p in people(text) if is_person_name(p) and not any(p in f or f in p for _, f in found)]
    return [n for _, n in sorted(found)]


def speakers(question: str) -> list[set[str]]:
    """The stems that name the speaker asked about, in any of its forms ("U.S." is also
    "American" and "Washington" in news); [] when the question names none."""
    who = speaker_of(question)
    forms = [set(stems(who))] if who and stems(who) else []
    if re.search(r"\bU\.?S\.?A?\b|\bUnited States\b|\bAmerica", who or ""):
        forms += [set(stems(w)) for w in ("American", "Americans", "Washington")]
    return forms


def _names(forms: list[set[str]], words: set[str]) -> bool:
    return any(f and f <= words for f in forms)


#: Characters around an attribution ("…, Mr. Crocker told reporters") where its speaker is named.
SPEAKER_BEFORE, SPEAKER_AFTER = 90, 40


def attributed(s, forms: list[set[str]]) -> bool:
    """Is a statement in ``s`` attributed to the speaker (any of ``forms``)? The speaker is
    named next to an attribution ("Mr. Crocker said", "said Mr. Crocker", "according to the
    Americans"), or the sentence opens with "He/She/They said…" after one that names them.
    A mere mention ("…the American accusations", said Mr. Kazemi) is not theirs."""
    if not forms:
        return False
    if re.match(r"(?:He|She|They)\b", s.text) and _names(forms, set(stems(s.before))):
        return True
    for m in SAID.finditer(s.text):
        before = s.text[max(0, m.start() - SPEAKER_BEFORE):m.start()]
        before = re.split(r"[”\"]", before)[-1]  # "“…,” Mr. Crocker told": not inside the quote before
        after = " ".join(re.split(r"[“\":]", s.text[m.end():m.end() + SPEAKER_AFTER])[0].split()[:3])
        if _names(forms, set(stems(before))) or _names(forms, set(stems(after))):
            return True
    return False
