"""What every answer composer shares: the articles' body sentences, their relevance to the
question, the lede, and a cited Answer built from quoted sentences.

A composer (one module per intent, ``rag.compose``) reads a ``Plan`` and returns an Answer:
every sentence it shows is article text, quoted, followed by its ``[n]``; nothing invented.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from rag.answerers.base import CANNOT_ANSWER, refusal
from rag.answerers.extractive import already_said, leads_with_pronoun, normalize, refusal_threshold
from rag.answerers.names import articles_mention
from rag.citations import cited_text, make_citation
from rag.intents import content_stems
from rag.quotes import shortened, with_referent
from rag.runtime import matvec
from rag.text import stems
from rag.types import Answer, Citation, Passage

#: Target length of a composed answer (an overview, a list, a reason); about two sentences.
BUDGET = 450
#: Relevance = 0.6·cosine + 0.4·IDF-weighted overlap (the extractive answerer's evidence measure).
E_COS, E_LEX = 0.6, 0.4
#: The lede is the first body sentence, and the second too when both fit in this many characters.
LEDE_CHARS = 320
#: An article is read whole (every body sentence a candidate) when the plan names at most this many.
WHOLE_ARTICLES = 3

#: Nouns that stand for whatever the article is about ("What happens next in the case?"):
#: in a chat about chosen articles they need not be in the text.
_STANDING_FOR_THE_STORY = frozenset(stems("case situation matter story issue incident event events thing things "
                                          "affair news report article development developments"))
_END = re.compile(r"[.!?\"”’')\]]\s*$")
_DATELINE = re.compile(r"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:\w+\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\s+\d{4})\W*$")
_BYLINE = re.compile(r"^(?:-\s|By\s+[A-Z]|From\s+[A-Z]|Posted\b|Updated\b|Published\b|Last updated\b)")


@dataclass
class Sent:
    """One body sentence of an article, with its offsets and (once scored) its relevance."""

    article_id: str
    title: str
    published: str | None
    start: int
    end: int
    text: str
    index: int  # its place among the article's body sentences (0 = the lede)
    before: str = ""  # the sentence before it (for "He said…")
    relevance: float = 0.0
    score: float = 0.0  # relevance plus what the composer adds (cues)

    def passage(self) -> Passage:
        return Passage(self.article_id, self.text, self.start, self.end, round(self.score, 4), self.title,
                       ((self.start, self.end),))


def is_furniture(text: str, index: int, title: str) -> bool:
    """Headline, dateline or byline: not prose, never an answer. Only the opening lines are
    judged; later a short line without an end mark (a section header) is furniture too."""
    t = text.strip()
    if len(t) < 25 and not _END.search(t):
        return True
    if index > 3:
        return not _END.search(t) and len(t) < 80
    return (normalize(t) == normalize(title) or bool(_DATELINE.match(t)) or bool(_BYLINE.match(t))
            or (not _END.search(t) and len(t) < 160))


class Reading:
    """The articles as composers read them (one per ArticleQA, over its retriever)."""

    def __init__(self, retriever, settings):
        self.retriever, self.settings = retriever, settings

    # -- sentences ---------------------------------------------------------------------
    def body(self, article_id: str) -> list[Sent]:
        """The article's body sentences in text order (headline, dateline, byline left out)."""
        snap = self.retriever.refresh()
        rows = snap.table.rows_of(article_id)
        recs = self.retriever.records(snap, rows)
        meta = self.retriever.articles.get(article_id)
        title, published = (meta.title, meta.published) if meta else ("", None)
        out, before, i = [], "", 0
        for row in rows:
            rec = recs.get(row)
            if rec is None:
                continue
            for k, (s, e) in enumerate(rec.sentences):
                text = rec.sentence(k)
                if not is_furniture(text, i, title):
                    out.append(Sent(article_id, title, published, s, e, text, len(out), before))
                before, i = text, i + 1
        return out

    def lede(self, article_id: str) -> list[Sent]:
        return lede_of(self.body(article_id))

    def candidates(self, plan, query: str, k: int | None = None) -> list[Sent]:
        """The sentences a composer chooses from: every body sentence of the plan's articles
        when they are few (a one-article chat, a follow-up), else those of the best passages
        (the asked period's first, when they are about as relevant as the best of all; for
        "the latest …", the newest relevant article's)."""
        if plan.articles is not None and len(plan.articles) <= WHOLE_ARTICLES:
            return [s for a in plan.articles for s in self.body(a)]
        if plan.articles is not None and not plan.articles:
            return []
        return self.sentences_of(self.search(plan, query, k or self.settings.answer.passages * 2))

    def search(self, plan, query: str, k: int, latest: bool = True) -> list[Passage]:
        """Passages for ``query`` among the plan's articles, chosen by dates as a fact question's
        are (``rag.timeline.tries``: the asked period's first, the newest relevant for "the
        latest"); ``latest`` False reads by relevance only."""
        from dataclasses import replace

        from rag.timeline import tries

        plan = replace(plan, query=query)
        if not latest:
            plan = replace(plan, asked=replace(plan.asked, latest=False))
        share = self.settings.dates.relevant_share
        return next((p for p, *_ in tries(plan, self.retriever, share, k, 1) if p), [])

    def sentences_of(self, passages: list[Passage]) -> list[Sent]:
        out, seen = [], set()
        for p in passages:
            meta = self.retriever.articles.get(p.article_id)
            for s, e in p.sentences or ((p.start, p.end),):
                text = p.text[s - p.start:e - p.start]
                if (p.article_id, s) in seen or is_furniture(text, 0 if s < 200 else 9, p.title):
                    continue
                seen.add((p.article_id, s))
                out.append(Sent(p.article_id, p.title, meta.published if meta else None, s, e, text, s,
                                self.retriever.sentence_before(p.article_id, s)))
        return out

    def score(self, sents: list[Sent], query: str, intent: str) -> set[str]:
        """Each sentence's relevance to ``query`` (0.6·cosine + 0.4·IDF overlap of the words
        that are not only the kind of question: "why", "happen", "summarize"); the stems used."""
        if not sents:
            return set()
        own = set(content_stems(query, intent))
        cos = matvec(self.vectors(sents), self.retriever.embed_query(query)) if own else np.zeros(len(sents))
        idf = {t: self.retriever.lexical.idf(t) for t in own}
        total = sum(idf.values()) or 1.0
        for s, c in zip(sents, cos):
            words = set(stems(s.text))
            if leads_with_pronoun(s.text):
                words |= set(stems(s.before))
            overlap = sum(w for t, w in idf.items() if t in words) / total
            s.relevance = s.score = E_COS * max(float(c), 0.0) + E_LEX * overlap
        return own

    def reader_threshold(self) -> float:
        """Below this probability the trained reader's best sentence is no answer."""
        from rag.reader.model import load_reader

        return refusal_threshold(load_reader(self.settings.answer.reader_model), self.settings.answer)

    def read(self, question: str, sents: list[Sent]) -> list[float] | None:
        """The trained reader's probability that each sentence answers ``question`` (it sees
        the sentence before, as when it reads facts); None when answers use the heuristic
        reader (by setting, or because the model is missing: the answerer says so)."""
        if self.settings.answer.reader != "trained" or not sents:
            return None
        from rag.errors import ReaderModelError
        from rag.reader.encode import context_of
        from rag.reader.model import load_reader

        try:
            reader = load_reader(self.settings.answer.reader_model)
        except ReaderModelError:
            return None
        readings = reader.read(question, [s.text for s in sents], [context_of(s.title, s.before) for s in sents])
        return [r.prob for r in readings]

    def vectors(self, sents: list[Sent]) -> np.ndarray:
        return self.retriever.vectors_for([(s.article_id, s.start, s.end, s.text) for s in sents])

    def names_found(self, question: str, article_ids) -> bool:
        return articles_mention(question, self.retriever, article_ids)

    @property
    def threshold(self) -> float:
        return self.settings.answer.min_score

    # -- answers -----------------------------------------------------------------------
    def answer(self, plan, parts: list[tuple[Sent, str]], lead: str = "", prefix=None) -> Answer:
        """``lead`` + ``"quote" [n]`` per part; one citation per distinct sentence.
        ``prefix(i, sent)``: words shown before the i-th quote (e.g. its date)."""
        numbers: dict[tuple[str, int], int] = {}
        pieces, cites = [], []
        for i, (s, quote) in enumerate(parts):
            key = (s.article_id, s.start)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                cites.append(self.cite(numbers[key], s))
            pieces.append((f'{prefix(i, s) if prefix else ""}"{quote}"', numbers[key]))
        text, markers = cited_text(pieces, lead)
        used = [s.passage() for s, _ in parts]
        return Answer(text, False, cites, plan.question, used, True, [], "extractive", None, markers)

    def cite(self, n: int, s: Sent) -> Citation:
        return make_citation(n, s.article_id, s.title, s.text, s.start, s.end, s.score, s.published)

    def refuse(self, plan) -> Answer:
        """The fixed refusal; in a chat about one article it says what that article is about
        (its lede), so the reader can ask again in its terms."""
        ans = refusal(plan.question, [])
        aid = plan.articles[0] if plan.chosen and plan.articles and len(plan.articles) == 1 else None
        lede = self.lede(aid) if aid else []
        if lede:
            s = lede[0]
            ans.text = f"{CANNOT_ANSWER} The article is about this: "
            ans.text, ans.markers = cited_text([(f'"{quoted(s, 240)}"', 1)], ans.text)
            ans.citations = [self.cite(1, s)]
        return ans


def lede_of(body: list[Sent]) -> list[Sent]:
    """The opening of the story: its first body sentence, and the second when both fit in
    ``LEDE_CHARS`` (news puts who, what, when and where in the first one or two)."""
    return body[:2] if len(body) > 1 and len(body[0].text) + len(body[1].text) <= LEDE_CHARS else body[:1]


def around(m: re.Match | None, after: int = 60) -> tuple[int, int] | None:
    """The offsets a shortened quote must keep for the cue ``m`` found in it: the cue and the
    words after it ("because …", "is expected to …")."""
    return (m.start(), min(len(m.string), m.end() + after)) if m else None


def quoted(s: Sent, limit: int, keep: tuple[int, int] | None = None) -> str:
    """The sentence as shown: a leading pronoun given its referent; longer than ``limit``,
    cut to its clauses around ``keep`` (offsets in the sentence that must stay) with "…"."""
    return with_referent(shortened(s.text, keep, limit), s.before)


def fit(chosen: list[Sent], budget: int = BUDGET, first_limit: int = 320, limit: int = 240,
        keeps: dict | None = None) -> list[tuple[Sent, str]]:
    """Quotes of ``chosen`` (in that order) while they fit ``budget`` characters; the first
    always (cut to ``first_limit`` at clause bounds), later ones only whole enough to help."""
    keeps = keeps or {}
    out, total = [], 0
    for i, s in enumerate(chosen):
        q = quoted(s, first_limit if i == 0 else limit, keeps.get(id(s)))
        if out and total + len(q) + 6 > budget:
            continue
        out.append((s, q))
        total += len(q) + 6
    return out


class Composer(ABC):
    """Composes the answer for one intent from a plan. Subclasses register by intent name."""

    intent = "base"
    #: Instruction an LLM answerer gets for this intent (over the composer's passages).
    instruction = ""

    def __init__(self, reading: Reading):
        self.reading = reading

    @abstractmethod
    def compose(self, plan) -> Answer | None:
        """The answer for ``plan``; None when the articles hold nothing of this kind for it
        (no reason given, no statement by X) or it is no question of this kind after all: the
        fact reader then answers, or refuses."""

    def fact_answers(self, plan, short: str) -> bool:
        """Does the fact reader's short answer, of a sentence it is sure of, answer a question
        of this intent? Yes, by default (``ArticleQA`` then answers it as a fact)."""
        return True

    def off_topic(self, plan, sents: list[Sent], own: set[str]) -> bool:
        """Nothing to read, or the best sentence too far from the question's own words. In a
        chat about chosen articles the bar is lower: the article is what the reader asks about,
        so one sentence holding a word of the question will do ("What happens to the economy
        next?" in a story that never mentions an economy is not about it). A follow-up has
        no bar: its words point back ("What did he do next?")."""
        if not sents or not own:
            return not sents
        if sents[0].relevance >= self.reading.threshold or plan.follows:
            return False
        if not plan.scoped:
            return True
        specific = own - _STANDING_FOR_THE_STORY
        return bool(specific) and not any(specific & set(stems(s.text)) for s in sents)

    @staticmethod
    def fresh(plan, sents: list[Sent]) -> list[Sent]:
        """For a follow-up, the sentences the last answer did not quote (all, if it quoted them all)."""
        if not plan.said:
            return sents
        return [s for s in sents if not already_said(s.text, plan.said)] or sents

    def relevant(self, plan) -> tuple[list[Sent], set[str]]:
        """The candidate sentences scored for relevance to the turn's query (the standalone
        question, plus the last turn for a follow-up that still leans on it: "Why?"), best
        first, and the question's own words; none when the question names what the articles
        never mention, or when they are ``off_topic``."""
        sents = self.reading.candidates(plan, plan.query)
        if sents and not plan.follows and not self.reading.names_found(
                plan.question, list(dict.fromkeys(s.article_id for s in sents))):
            return [], set()
        own = self.reading.score(sents, plan.query, self.intent)
        sents.sort(key=lambda s: -s.score)
        return ([], own) if self.off_topic(plan, sents, own) else (sents, own)
