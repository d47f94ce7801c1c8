"""Names in a question that the answering article must mention.

A question that names something ("How much can relatives add to a child's Child Trust
Fund?", "When was the University of Warsaw established?") is about that thing. A sentence
from an article that never mentions it may share many words with the question, and the
reader may still rate it an answer, but it answers a question about something else: the
typical wrong answer to a question about an article that is not in the store. So a candidate
sentence is read only when its article (text or title) holds more than half of the
question's names.

Names are the question's capitalised words after its first word, and acronyms. Matching is
on stems with a little slack for spelling and derived forms ("Bismark" ~ "Bismarck",
"Asian" ~ "Asia", "British" ~ "Britain"; a table for "French" ~ "France" and the like).
Left out: months and weekdays (a date question is answered from "yesterday" too), and
two-letter acronyms ("US" is also the pronoun "us"; "U.S." is in so many stories that it
tells none apart).

Measured (benchmarks/RESULTS.md, "Reader, session 10"): on the calibration articles, questions
about an article left out of the store refused 0.596 → 0.721 at the same answerable refusal
(0.040); in a store of 1,100 paragraph-articles 0.748 → 0.855. It cannot help when the
question names nothing, or names what other stored articles name too ("British", "French").
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

from rag.text import stems

_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split())
MIN_SHARE = 0.5  # a candidate's article must hold more than this share of the names

#: Stems naming one place whose forms share no prefix ("French" ~ "France", "Dutch" ~
#: "Netherlands"): each stands for its group's first, in questions and articles alike. Forms
#: that share a prefix ("British" ~ "Britain", "Iraqi" ~ "Iraq") need no entry. "Pole" is
#: left out: as a word it is mostly the other pole.
_SAME_PLACE = [
    "franc french frenchman frenchmen", "netherland holland dutch", "switzerland swiss", "wale welsh",
    "spain spanish spaniard", "ireland irish", "scotland scottish scot", "poland polish",
    "denmark danish dane", "finland finnish finn", "norway norwegian", "flander flemish",
    "philippin filipino", "peru peruvian", "afghanistan afghan", "england english englishman",
    "thailand thai", "kurdistan kurd kurdish", "uzbekistan uzbek", "kazakhstan kazakh",
    "seneg senegales", "panama panamanian", "moscow muscovit", "rome roman", "venic venetian",
    "napl neapolitan", "glasgow glaswegian", "manchest mancunian", "liverpool liverpudlian",
    "catalonia catalan", "brittani breton", "pari parisian",
]
ALIAS = {stem: group.split()[0] for group in _SAME_PLACE for stem in group.split()}


@lru_cache(maxsize=512)
def question_names(question: str) -> frozenset[str]:
    """The stems of the names in ``question`` (empty when it names nothing)."""
    out = set()
    for i, word in enumerate(_WORD.findall(question)):
        word = _POSSESSIVE.sub("", word).strip(".-")
        bare = word.replace(".", "")
        acronym = bare.isupper() and len(bare) >= 3
        if not word or (i == 0 and not acronym) or not (acronym or word[0].isupper()) or word.lower() in _CALENDAR:
            continue
        if len(bare) <= 2:  # "US", "U.S.", "UN": stems() writes them out, but they are no names here (above)
            continue
        out.update(ALIAS.get(s, s) for s in stems(fold(word)) if len(s) >= 3)
    return frozenset(out)


def fold(text: str) -> str:
    """Without accents: "Schrödinger" and "Warũhiũ" are also typed "Schrodinger", "Waruhiu"."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _prefix(stem: str) -> str:
    """What another spelling or form of a name shares with it: all but its last three
    letters, at least four ("chinese" → "chin", "bismark" → "bism", "asian" → "asia")."""
    return stem[:max(4, len(stem) - 3)]


class Words:
    """An article's stemmed words, accents folded, sorted for prefix look-ups."""

    def __init__(self, terms):
        folded = {fold(t) for t in terms}
        self.sorted = sorted(folded | {ALIAS[t] for t in folded if t in ALIAS})
        self.set = frozenset(self.sorted)

    def has(self, name: str) -> bool:
        """``name``, or (for names of four letters or more) a word sharing its ``_prefix``."""
        if name in self.set:
            return True
        if len(name) < 4:
            return False
        p = _prefix(name)
        i = bisect.bisect_left(self.sorted, p)
        return i < len(self.sorted) and self.sorted[i].startswith(p)


def mentions(names: frozenset[str], words: Words) -> bool:
    """Do an article's ``words`` hold more than half of the ``names``?"""
    if not names:
        return True
    return sum(words.has(n) for n in names) > MIN_SHARE * len(names)


def articles_mention(question: str, retriever, article_ids) -> bool:
    """Do these articles together (their text and headlines) mention more than half of the
    question's names? A question about someone or something they never name is not about them."""
    names = question_names(question)
    if not names:
        return True
    terms = set().union(*(retriever.article_terms(a) for a in article_ids))
    for a in article_ids:
        if (meta := retriever.articles.get(a)) is not None:
            terms |= set(stems(meta.title))
    return mentions(names, Words(terms))
