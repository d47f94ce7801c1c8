"""Text primitives shared by ingestion and answering: sentences with offsets, stemmed terms.

Both sides must cut sentences the same way, so the one splitter lives here.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

# Short English stop list: function words carry no topic, so they neither retrieve nor
# count as overlap between a question and a sentence.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves s t don said says say mr mrs ms""".split()
)


#: Longest "sentence": a run of text longer than this without an end mark (a 5 MB one-line
#: article, a table dump) is cut at spaces into pieces no longer, so nothing quotes it whole.
MAX_SENTENCE_CHARS = 1000


def sentence_spans(text: str, language: str = "en") -> list[tuple[int, int]]:
    """Sentence (start, end) offsets into ``text``, whitespace trimmed, paragraphs respected,
    none longer than ``MAX_SENTENCE_CHARS``."""
    import sentencex

    spans = []
    for start, end in _joined(text, sentencex.get_sentence_boundaries(language, text)):
        for s, e in _split_lines(text, start, end):
            s, e = _trim(text, s, e)
            if e > s:
                spans.extend(_bounded(text, s, e))
    return spans


#: A boundary inside an abbreviation the splitter did not know: "then-U.|S.-president".
_INITIAL_END = re.compile(r"(?:^|[\s(-])[A-Z]\.$")
_INITIAL_GOES_ON = re.compile(r"[A-Z]\.[-–\w]")


def _joined(text: str, bounds):
    """The splitter's (start, end) pairs, paragraph breaks left out, with a sentence that
    starts inside an abbreviation ("S.-president Jimmy Carter …") put back on the one before."""
    out, last = [], None
    for b in bounds:
        if b.get("is_paragraph_break"):
            last = None  # a paragraph is never joined to the one before
            continue
        start, end = b["start_index"], b["end_index"]
        if (last and _INITIAL_GOES_ON.match(text, _trim(text, start, end)[0])
                and _INITIAL_END.search(text[last[0]:last[1]].rstrip())):
            last[1] = end
        else:
            last = [start, end]
            out.append(last)
    return [tuple(p) for p in out]


def _bounded(text: str, start: int, end: int, limit: int = MAX_SENTENCE_CHARS):
    """(start, end) cut into pieces of at most ``limit`` characters, at the last space of each."""
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        piece = _trim(text, start, cut)
        if piece[1] > piece[0]:
            yield piece
        start = _trim(text, cut, end)[0]
    if end > start:
        yield start, end


def _split_lines(text: str, start: int, end: int):
    """Single newlines inside a 'sentence' are headline/list breaks: cut there too."""
    pos = start
    for m in re.finditer(r"\n", text[start:end]):
        cut = start + m.start()
        yield pos, cut
        pos = cut + 1
    yield pos, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


#: Abbreviations of a country or union, written out: news writes "U.S.", readers type "US"
#: or "United States" ("Who represented the United States?" — "U.S. Ambassador Ryan
#: Crocker…"). As words, "U.S." is "u" + the stopword "s" and "US" is "us": neither meets
#: "united states". Only the dotted and the all-capitals forms: "us" is also the pronoun.
_ABBREVIATIONS = {"US": "United States", "USA": "United States", "UK": "United Kingdom",
                  "UN": "United Nations", "EU": "European Union",
                  "WWII": "World War II", "WW2": "World War II", "WWI": "World War I", "WW1": "World War I"}
_WRITTEN = [*_ABBREVIATIONS, "U.S.", "U.S.A.", "U.K.", "U.N.", "E.U."]  # the dotted forms of the first ones
_ABBREVIATION = re.compile(r"(?<![\w.])(" + "|".join(re.escape(w) for w in sorted(_WRITTEN, key=len, reverse=True))
                           + r")(?![\w'’])")


def expand_abbreviations(text: str) -> str:
    """``text`` with "U.S.", "US", "U.K.", "U.N.", "E.U." (and undotted), "WWII", "WWI" written out."""
    if "U" not in text and "WW" not in text:  # every form holds one or the other
        return text
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1).replace(".", "")], text)


def stems(text: str) -> list[str]:
    """Lower-cased, stemmed content words (stopwords dropped), in order; an irregular verb
    form stands for its verb ("paid" → "pay"), see ``base_form``; "U.S." and "US" stand for
    "United States", "WWII" for "World War II" (``expand_abbreviations``)."""
    forms = _verb_forms()
    ws = [w.split("'")[0] for w in words(expand_abbreviations(text))]
    return _stemmer().stemWords([forms.get(w, w) for w in ws if w and w not in STOPWORDS])


def base_form(word: str) -> str:
    """The verb an irregular verb form belongs to, else the word itself. Questions put the verb
    after "did" ("How much did they PAY?", "Did they SHAKE hands?") where news reports say
    "paid", "shook": a stemmer cannot join those, a lemma table can (``rag/data/verb_forms.json``,
    built from lemminflect by training/make_verb_forms.py, which says what it leaves out)."""
    return _verb_forms().get(word, word)


@lru_cache(maxsize=1)
def _verb_forms() -> dict[str, str]:
    return json.loads((Path(__file__).parent / "data" / "verb_forms.json").read_text(encoding="utf-8"))["forms"]
