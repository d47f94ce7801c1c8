"""Question-type cues: what kind of span would answer a who/when/where/how-many question.

A sentence holding a span of the wanted kind gets a bonus over one that merely shares words.
"""
from __future__ import annotations

import re

from rag.text import STOPWORDS, stems

_NUM = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|several|a few|half)"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
#: What may open a question before its question word: "And what…", "So who…".
#: A day or month name: when something happened, never a place or a thing.
DAY_OR_MONTH = rf"(?:{_MONTH}|{_WEEKDAY})"
_LEAD_IN = r"^\W*(?:(?:and|so|but|then)\s+)?"
_AUX = r"(?:did|does|do|has|have|had|will|would|is|are|was|were)"
#: The auxiliaries a question is asked with, negated too: "did", "could", "didn't".
_ASKING = rf"(?:{_AUX}|can|could|should|shall|may|might|must)(?:n[’']t)?"
#: What joins the parts of a name: "Nouri al-Maliki", "Charles de Gaulle".
_PARTICLE = r"(?:al-|el-|bin |ibn |van |von |de |da )"
_UNIT = r"(?:seconds|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur(?:y|ies))"  # not "a second (room)"

#: Two or more capitalised words, not led by a function word: "Hassan Kazemi Qomi".
PERSON = re.compile(r"\b(?!(?:The|A|An|In|At|On|But|And|If|When|While|After|Before|This|That|Those|These|He|She|They|It|We|Mr|Mrs|Ms|Dr)\b)[A-Z][a-z]+(?:\s+(?:al-|de |van |von )?[A-Z][\w’'-]+)+")

_PATTERNS = {
    # "in less than a month" says when, not how long: no duration right after in/within.
    "duration": re.compile(rf"(?<!\bin )(?<!within )(?<!than )(?:\b{_NUM}[- ]{_UNIT}\b|\b(?:a|an|less than a|more than a) {_UNIT}\b)", re.I),
    "number": re.compile(rf"\b{_NUM}\b|%|\$|percent", re.I),
    "date": re.compile(rf"\b(?:1[0-9]{{3}}|20[0-9]{{2}})\b|\b{_MONTH}\b|\b(?:{_WEEKDAY}|yesterday|today|tomorrow|ago|later|earlier|century)\b|\b(?:in|within) (?:less than |more than |about )?(?:a|an|one|two|three|\d+) (?:days?|weeks?|months?|years?)\b|\bnext (?:week|month|year)\b|\b\d{{1,2}}(?::\d\d)? ?[ap]\.m\.", re.I),
    "place": re.compile(rf"\b(?:in|at|from|near|inside|outside) (?:the )?(?!{DAY_OR_MONTH}\b)[A-Z][\w’'-]+"),  # not "from June"
    "person": PERSON,
    "past": re.compile(r"\b(?:formerly|former|previously|once|used to|until|ex-\w+|earlier)\b", re.I),
    "reason": re.compile(r"\b(?:because|since|due to|so that|in order to|to \w+|after|as a result)\b", re.I),
    # The charge itself, introduced by its verb: "is charged WITH sending", "insist THAT Iran ...".
    # News names a charge as counts or a plea as often: "pleaded not guilty to seven COUNTS OF
    # negligent homicide", "faces CHARGES OF fraud".
    "allegation": re.compile(r"\b(?:accus|charg|blam|suspect|alleg|insist|claim|contend|maintain)\w*\s+(?:of|with|for|that)\b|"
                             r"\bcounts? of\b|\bplead(?:s|ed)? (?:not )?guilty to\b", re.I),
}

#: "When did…", "by when was…", "…happened when?" ask for a time; "what path does a ball take
#: WHEN thrown", "who fumbled WHEN tackled" do not (211 of 937 SQuAD questions with "when"):
#: typed as dates, they favoured sentences holding a year and were led by one.
_ASKS_WHEN = re.compile(rf"\bwhen(?:\s+exactly)?\s+{_ASKING}\b|\bwhen\s*\?\s*$|"
                        r"\bwhat (?:year|date|day|time|month|century)\b", re.I)

_RULES = [
    (re.compile(r"\bhow (?:long|much time)\b", re.I), "duration"),
    (re.compile(r"\bhow (?:many|much|old|far|big|large|strong|powerful|severe|intense|high|deep|heavy|fast)\b|\bwhat (?:number|percentage|amount)\b", re.I), "number"),
    (_ASKS_WHEN, "date"),
    (re.compile(r"\bwhere\b|\bwhat (?:city|country|place|location)\b", re.I), "place"),
    # "Who" inside a question is a name ("What rank does Doctor Who hold?"), "who" a question word.
    (re.compile(rf"{_LEAD_IN}(?i:who(?:m|se)?)\b|\bwho(?:m|se)?\b|\b(?i:which (?:person|man|woman))\b"),
     "person"),
    (re.compile(r"\bwhy\b", re.I), "reason"),
    (re.compile(r"\b(?:accus\w*|charged|blamed?|blames|suspected|alleg\w*)\b", re.I), "allegation"),
    (re.compile(r"\b(?:before|previously|formerly|used to)\s*\??$", re.I), "past"),
]


#: Words that only say what kind of answer is wanted ("how LONG"), not what it is about.
TYPE_WORDS = {"duration": {"long", "time", "last", "take"},
              "number": {"mani", "much", "old", "far", "big", "larg", "strong", "power", "sever", "intens", "high", "deep",
                         "heavi", "fast", "number", "percentag", "amount"},
              "date": {"year", "date", "day", "time", "month", "centuri"}, "place": {"citi", "countri", "place", "locat"},
              "person": {"person", "man", "woman"}, "reason": set(), "past": set(),
              # "What is Iran ACCUSED of?" asks for a charge; a sentence merely naming
              # "the accusations" shares the word but not the answer.
              "allegation": {"accus", "charg", "blame", "suspect", "alleg"}}


#: "What did Mottaki say?", "What do the Americans want?": the answer is what was said or
#: wanted — a clause, which a name picked out of it ("Condoleezza Rice", "Iran") misstates.
#: News readers ask this way; SQuAD hardly does (1 of ~1,100 calibration questions).
_STATEMENT = re.compile(rf"^\s*what {_AUX} .+? "
                        r"(?:say|said|saying|want|wanted|wanting|demand|propose|insist|warn|argue|claim|ask for|call for|"
                        r"hope|believe|think|fear|promise|tell|told|suggest|announce|declare)\b", re.I)


def asks_for_statement(question: str) -> bool:
    return bool(_STATEMENT.search(question))


#: "Did Crocker and Kazemi shake hands?", "Is the US planning a strike?": the answer is yes or
#: no, said by the quote; a span picked out of it ("stage a strike") answers nothing. News
#: readers ask this way; SQuAD never does, so the reader has not learnt what to pick there.
#: "Is it X or Y?" asks for X or Y: left alone.
#: A question that asks "who": "Who attended?", "And whom did he meet?".
ASKS_WHO = re.compile(rf"{_LEAD_IN}who(?:m|se)?\b", re.I)

_YES_NO = re.compile(rf"{_LEAD_IN}{_ASKING}\b",
                     re.I)
_CHOICE = re.compile(r"\bor\b", re.I)


#: "What …?", "Which …?" ask for a thing, named by a noun phrase (how, why, who, where, when
#: ask for a manner, reason, person, place or time).
_THING = re.compile(rf"{_LEAD_IN}(?:what|which)\b", re.I)


def asks_for_thing(question: str) -> bool:
    return bool(_THING.match(question))


def asks_yes_no(question: str) -> bool:
    return bool(_YES_NO.match(question)) and not _CHOICE.search(question)


_BARE_UNIT = re.compile(rf"{_UNIT}|(?:second|minute|hour|day|week|month|year|decade)", re.I)
_QUANTITY_BEFORE = re.compile(rf"\b(?:(?:less|more|fewer) than |about |nearly |almost |over |under |at least |some )?"
                              rf"\b(?:a|an|{_NUM})\s+$", re.I)


def with_quantity(text: str, start: int, end: int) -> int:
    """Where a span that is a bare unit ("month" of "in less than a month") starts with its
    quantity: the unit alone answers neither "when" nor "how long"."""
    if not _BARE_UNIT.fullmatch(text[start:end]):
        return start
    m = _QUANTITY_BEFORE.search(text[:start])
    return m.start() if m else start


_AMOUNT = re.compile(rf"\d|\b{_NUM}\b|\b(?:dozens|hundreds|thousands|millions|billions|once|twice|thrice|many|few|"
                     r"numerous|half|both|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b", re.I)


def says_how_much(span: str) -> bool:
    """Does a short answer hold a quantity — a number, an amount word ("dozens", "twice"), a
    duration or a date ("1870 to 1939" says how long)? For "how many/much/long" a span
    without one ("**Iranian Embassy**" for how long a press conference lasted) is a guess
    that answers nothing: the quote then speaks alone."""
    return bool(_AMOUNT.search(span) or _PATTERNS["duration"].search(span) or _PATTERNS["date"].search(span))


_TIME_WORD = re.compile(r"\d|\b(?:night|day|days|morning|evening|afternoon|noon|midnight|weekend|spring|summer|autumn|fall|"
                        r"winter|season|era|age|ages|period|war|reign|dynasty|christmas|easter|eve|holidays?|decades?|"
                        r"centur(?:y|ies)|millenni(?:um|a)|bc|bce|ad|ce|early|late|mid|after|before|during|until|since|"
                        r"ago|o[’']clock)\b", re.I)


def says_when(span: str) -> bool:
    """Does a short answer name a time — a date, a year, a weekday, "yesterday", a part of the
    day or year, a span of time ("in less than a month"), an era or war ("Second World War",
    "Midsummer’s Night", "after liberation")?
    For "when" a span without one ("**the United States in Iraq**" for when seven Iranians
    were captured, "**Time Lady**") answers nothing: the quote then speaks alone."""
    return bool(_TIME_WORD.search(span) or _PATTERNS["date"].search(span) or _PATTERNS["duration"].search(span))


_NAME_GOES_ON = re.compile(rf"\s+(?!(?:Mr|Mrs|Ms|Dr|{_MONTH}|{_WEEKDAY})\b){_PARTICLE}?[A-Z][\w’'-]*(?!\.\w)")


#: Names of bodies and places that go on with "of": "University of Music", "Institute of Oncology".
_GOES_ON_WITH_OF = re.compile(
    r"(?:University|Institute|Gallery|Museum|Academy|Bank|Republic|Kingdom|Ministry|Department|Church|Cathedral|"
    r"Palace|Order|Battle|Treaty|House|Duke|Duchess|King|Queen|Prince|Princess|Emperor|Bishop|Archbishop|Council|"
    r"Court|College|School|Society|Association|Federation|Union|Army|Library|Theatre|Theater|Orchestra|Congress|"
    r"Parliament|Conservatory|Centre|Center|Hospital|Empire|Duchy|Province|Bay|Gulf|Isle|Islands?|Sea|Lake|Cape|"
    r"Siege|Peace|Edict|Declaration|Board|Office|Bureau|Agency|Commission|Committee|Tower|Castle|Square|Gardens?|"
    r"Park|Bridge|Hall|Monument|Chapel|Basilica|Abbey)$")
_OF_NAME = re.compile(r"\s+of\s+(?:the\s+)?(?=[A-Z])")


def whole_name(text: str, start: int, end: int, limit: int) -> int:
    """Where a short answer that stops inside a name ends with it: "The Wojciech" of "The
    Wojciech Bogusławski Theatre", "Three" of "The Three Doctors" — the span head pulls the
    end in, and a name cut short names nothing. Only capitalised words (and "al-Maliki", "de
    Gaulle") carry it on (not a following "Mr.", a weekday or month — "talks with Iran
    Tuesday" — nor the "U" of "U.S."), and only up to ``limit`` characters in all."""
    words = text[start:end].split()
    if not words or not words[-1][:1].isupper():
        return end
    end = _name_end(text, start, end, limit)
    if _GOES_ON_WITH_OF.search(text[start:end]) and (of := _OF_NAME.match(text, end)):
        longer = _name_end(text, start, of.end() - 1, limit)  # from the last letter before the name
        end = longer if longer >= of.end() else end
    return end


def _name_end(text: str, start: int, end: int, limit: int) -> int:
    while (m := _NAME_GOES_ON.match(text, end)) and m.end() - start <= limit:
        end = m.end()
    return end


def answer_type(question: str) -> str | None:
    return next((kind for rule, kind in _RULES if rule.search(question)), None)


def has_cue(kind: str | None, text: str, question: str = "") -> bool:
    return cue_strength(kind, text, question) > 0


def cue_strength(kind: str | None, text: str, question: str = "", near: set[str] | None = None) -> float:
    """1.0 when ``text`` holds a span of ``kind`` (not already in the question) right next to
    a word of the question ("a four-hour MEETING"), 0.5 when it holds one elsewhere, else 0."""
    if not kind:
        return 0.0
    spans = kind_spans(kind, text, question)
    if not spans:
        return 0.0
    if near and any(adjacent(text, m, near) for m in spans):
        return 1.0
    return 0.5


def kind_spans(kind: str, text: str, question: str = "") -> list[re.Match]:
    """The spans of ``kind`` in ``text`` that the question does not already hold."""
    q = question.lower()
    return [m for m in _PATTERNS[kind].finditer(text) if m.group(0).lower() not in q]


def adjacent(text: str, m: re.Match, near: set[str]) -> bool:
    inside = set(stems(m.group(0)))
    if inside & near and inside - near:  # "Iranian Ambassador Hassan Kazemi Qomi": apposition
        return True
    before = stems(" ".join(text[: m.start()].split()[-2:]))
    after = stems(" ".join(text[m.end():].split()[:2]))
    return bool(near & set(before + after))


#: "Who is Nouri al-Maliki?", "Who was Mottaki?": asks what a named person is.
_WHO_IS = re.compile(rf"{_LEAD_IN}(?i:who)(?:\s+is|\s+was|’s|'s)\s+(?P<name>[A-Z][\w’'.-]*(?:\s+{_PARTICLE}?[A-Z][\w’'.-]*)*)\s*\??\s*$")
ROLE = re.compile(r"(?:minister|president|premier|ambassador|envoy|adviser|advisor|secretary|chancellor|governor|"
                   r"senator|general|commander|spokes(?:man|woman|person)|director|chairman|chairwoman|chief|leader|"
                   r"mayor|cleric|judge|prosecutor|officer|representative|speaker|king|queen|prince|princess|pope|"
                   r"bishop|executive|founder|editor|analyst|official|diplomat|negotiator|coach|captain|manager)s?", re.I)
_ROLE_WORD = re.compile(r"[\w’'.-]+")  # "U.S." is one word


def asks_who_is(question: str) -> str | None:
    """The name in "Who is <Name>?" (a question about what a named person is), else None."""
    m = _WHO_IS.match(question.strip())
    return m.group("name") if m else None


_APPOSITION = re.compile(r",\s+(?P<role>(?:the|a|an)\s+[^,;:()]{2,60}?)\s*(?:,|\.|;|$)")


def role_of(text: str, name: str) -> tuple[int, int] | None:
    """Where ``text`` says what ``name`` is: the role written before the name (``role_before``)
    or after it, between commas ("Gordon Brown, the chancellor, said…")."""
    return role_before(text, name) or role_after(text, name)


def role_after(text: str, name: str) -> tuple[int, int] | None:
    """"the chancellor" of "Gordon Brown, the chancellor, said…": an apposition right after
    ``name`` that ends with a role word ("minister", "adviser", "cleric"…)."""
    at = text.find(name)
    m = _APPOSITION.match(text, at + len(name)) if at >= 0 else None
    if not m or not ROLE.fullmatch(_ROLE_WORD.findall(m.group("role"))[-1].rstrip(".")):
        return None
    return m.start("role"), m.end("role")


def role_before(text: str, name: str) -> tuple[int, int] | None:
    """Where the role written before ``name`` is in ``text``: "Iraqi Prime Minister" of "…
    offices of Iraqi Prime Minister Nouri al-Maliki", "radical Shi’ite cleric" of "…militia
    of radical Shi’ite cleric Muqtada al-Sadr" — news style puts a person's role before their
    name. The words right before the name (up to a function word or punctuation), ending with
    a role word ("minister", "adviser", "cleric"…); a first name after it is left out ("Iranian
    Ambassador" of "Iranian Ambassador Hassan Kazemi Qomi" for "Who is Kazemi?")."""
    at = text.find(name)
    if at < 0:
        at = text.find(name.split()[-1])
    if at <= 0:
        return None
    words = []
    for m in reversed(list(_ROLE_WORD.finditer(text, 0, at))):
        gap = text[m.end():words[-1].start() if words else at]
        if len(words) >= 6 or gap.strip() or m.group(0).lower() in STOPWORDS:
            break
        words.append(m)
    words.reverse()
    ends = [i for i, w in enumerate(words) if ROLE.fullmatch(w.group(0).rstrip("."))]
    return (words[0].start(), words[ends[-1]].end()) if ends else None

