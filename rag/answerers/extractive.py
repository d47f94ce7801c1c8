"""The default, offline answerer: picks the article sentences that answer the question.

No LLM: every word of the answer is article text, so it cannot invent. Each candidate
sentence of the retrieved passages is scored by

    relevance = 0.45·cosine + 0.45·overlap + 0.30·cue + 0.05·prior + 0.3·retrieval score

where *overlap* is the IDF-weighted share of the question's stemmed content words found in
the sentence (or its neighbour, for pronoun-led sentences) and *cue* is 1 when the sentence
holds the kind of span the question asks for (a duration for "how long", a name for "who"),
0.5 when that span is not next to a question word; *prior* favours better-ranked passages.

Whether to answer at all is a separate test, ``evidence`` = 0.6·best cosine + 0.4·best
overlap (no cues: any article has numbers for "how many"). Below ``AnswerSettings.min_score``
(0.42, calibrated on SQuAD 2.0 dev with benchmarks/calibrate.py) the answer is the fixed
refusal. The answer quotes the best sentence and the runners-up within 0.8 of its score (0.7 for
another part of a many-part answer),
long ones without their irrelevant outer clauses, each followed by ``[n]``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import logging

from rag.answerers.base import Answerer, refusal
from rag.answerers.cues import (TYPE_WORDS, answer_type, asks_for_statement, asks_for_thing, asks_who_is, asks_yes_no,
                                adjacent, cue_strength, has_cue, kind_spans, role_of, says_how_much, says_when, whole_name, with_quantity)
from rag.answerers.names import Words, mentions, question_names
from rag.citations import cited_text, make_citation
from rag.errors import ReaderModelError
from rag.quotes import PLACE_WORDS, TITLED, balanced_end, ends_on_attribution, shortened, with_referent
from rag.reader.encode import context_of
from rag.runtime import matvec
from rag.text import stems
from rag.types import Answer, Citation, Passage, Short

log = logging.getLogger("rag")

W_COS, W_LEX, W_CUE, W_PRIOR = 0.45, 0.45, 0.30, 0.05  # SQuAD dev hit@1 0.78; a smaller cue gains <0.01 there but loses news factoids
W_RETRIEVER = 0.3  # the retriever's own sentence score (with its chunk context): +0.01 hit@1
REPEAT_PENALTY, W_ENTITY, FOLLOW_UP_RELAX = 0.7, 0.05, 0.8
E_COS, E_LEX = 0.6, 0.4  # evidence = 0.6·best cosine + 0.4·best overlap, fitted on SQuAD dev
STRETCH = 2.0  # close runners-up may take one answer past max_chars, up to this factor…
SELECT_RATIO = 0.8  # …when they score within this share of the best; mean stays < max_chars
FOCUS_RATIO = 0.7  # …or within this share when they hold the question's rarest word too
TRIM_OVER = 150  # longer sentences lose their outer clauses that hold nothing asked for
QUOTE_CHARS = 200  # trained reader: longer quotes keep the clauses around the short answer
QUOTE_FIRST = 320  # …but the best sentence keeps more: when its short answer is wrong, the answer is often
# in the rest of it (answer hit +0.02 on calibration, +0.01 on test articles; benchmarks/RESULTS.md)
QUOTE_MIN = 110  # …and no quote of several is cut shorter than this
PARTS_STRETCH = 1.2  # an answer in several parts may run this far past max_chars
SHORT_MAX = 60  # a "short answer" longer than this is a clause: the quote alone says it better


#: A line that only credits a quote or a picture ("—John Hickenlooper"): no sentence to quote.
_SIGNATURE = re.compile(r"^[—–-]\s*[A-Z][\w.’' -]{1,40}$")


@dataclass
class Candidate:
    passage: Passage
    start: int
    end: int
    text: str
    stems: frozenset
    rank: int = 0  # rank of its passage in retrieval
    score: float = 0.0
    parts: tuple = ()  # (cosine, overlap, cue, prior), for inspection and calibration
    focus: bool = False  # holds the question's rarest word ("offer" in "What did Iran offer?")
    kind: str | None = None  # the answer type the question asks for
    evidence: float = 0.0  # how well it matches the question at all (see ``evidence``)
    prob: float = 0.0  # the trained reader: probability that it answers the question
    span: tuple | None = None  # the trained reader: short answer's offsets in ``text``
    region: tuple | None = None  # the trained reader: its own best span, which a shortened quote keeps
    before: str = ""  # the sentence before it (context for the reader and for pronouns)
    heuristic: float = 0.0  # the heuristic ranker's score, kept when the reader re-scores it
    reading: object = None  # the reader's raw Reading (for calibration)


class ExtractiveAnswerer(Answerer):
    name = "extractive"

    def __init__(self, retriever, settings):
        self.retriever, self.settings = retriever, settings
        self.notice = ""  # why the trained reader is not in use, when it should be
        self._reader = None  # loaded once: this runs on every question
        self._words: dict[tuple, Words] = {}  # (revision, article id) → its words, for the names check
        self._last_read = None  # (question, passages) → the candidates read, for one reuse

    def answer(self, question: str, passages: list[Passage], history=None, said: str = "") -> Answer:
        reader = self.reader()
        if reader is not None and not said:
            return self._read(reader, question, passages, said)
        # A follow-up ("what was his job before?") leans on coreference the reader never
        # learned ("the Iranian diplomat formerly…" is Mr. Kazemi) and on the conversation's
        # names, which the heuristic weighs (follow-up hit, benchmarks/RESULTS.md): it answers
        # first, and the reader only when it would refuse.
        ans = self._heuristic(question, passages, said, reader)
        if ans.refused and reader is not None:
            return self._read(reader, question, passages, said)
        return ans

    def _heuristic(self, question: str, passages: list[Passage], said: str, reader=None) -> Answer:
        cands = self.rank(question, passages, said)
        # A follow-up has few words of its own; the conversation already vouches for the
        # topic, so it needs less evidence to be answered.
        threshold = self.settings.min_score * (FOLLOW_UP_RELAX if said else 1.0)
        if not cands or evidence(cands) < threshold:
            return refusal(question, passages)
        chosen = self._select(_typed_first(cands, lambda c: c.score, HEURISTIC_TYPED_SHARE))
        return self._compose(question, chosen, passages, reader)

    def reader(self):
        """The trained reader, or None for the heuristic one (chosen by setting, or because
        the model is missing or corrupt: then ``notice`` says so, once per answerer)."""
        if self.settings.reader != "trained":
            return None
        if self._reader is not None:
            return self._reader
        from rag.reader.model import load_reader

        try:
            self._reader = load_reader(self.settings.reader_model)
            return self._reader
        except ReaderModelError as e:
            if not self.notice:
                self.notice = str(e)
                log.warning("%s", e)
            return None

    def describe(self) -> str:
        """Which reader answers, for status lines: "trained reader" or "heuristic reader"."""
        return "trained reader" if self.reader() is not None else "heuristic reader"

    def _read(self, reader, question: str, passages: list[Passage], said: str) -> Answer:
        """Let the trained reader pick: every candidate sentence gets the probability that it
        answers, the best one below the threshold means refusal, and the short answer comes
        from the best sentence. Close runners-up are quoted as further parts."""
        cands = self.read_candidates(reader, question, passages, said)
        threshold = refusal_threshold(reader, self.settings)
        if not cands or cands[0].prob < threshold:
            return refusal(question, passages)
        return self._compose_read(question, self._supporting(_typed_first(cands), threshold), passages)

    def read_candidates(self, reader, question: str, passages: list[Passage], said: str = "") -> list[Candidate]:
        """The heuristic's best candidates, read by the reader, best first (``prob``, ``span``;
        ``heuristic`` keeps the heuristic score, ``reading`` the reader's raw signals). The
        last reading is kept: asking how sure the reader is, then answering, reads once."""
        key = (id(reader), question, said, tuple((p.article_id, p.start, p.end) for p in passages))
        last = self._last_read
        if last is not None and last[0] == key:
            return [replace(c) for c in last[1]]
        cands = self._read_candidates(reader, question, passages, said)
        self._last_read = (key, [replace(c) for c in cands])
        return cands

    def _read_candidates(self, reader, question: str, passages: list[Passage], said: str) -> list[Candidate]:
        cands = self.rank(question, passages, said)
        if self.settings.require_names:
            cands = self._naming(question, cands)
        cands = cands[: self.settings.reader_candidates]
        for c, (b, r) in zip(cands, self._readings(reader, question, cands)):
            c.heuristic, c.reading = c.score, r
            c.prob, c.span, c.region, c.before = reader.combine(r, c.score), r.span, r.region, b
            c.score = c.prob  # what citations report
        return sorted(cands, key=lambda c: -c.prob)

    def _readings(self, reader, question: str, cands: list[Candidate]) -> list[tuple[str, object]]:
        """Each candidate's sentence before it and the reader's Reading of it (the reader sees
        the article's title and that sentence as context)."""
        if not cands:
            return []
        before = [self.retriever.sentence_before(c.passage.article_id, c.start) for c in cands]
        contexts = [context_of(c.passage.title, b) for c, b in zip(cands, before)]
        return list(zip(before, reader.read(question, [c.text for c in cands], contexts)))

    def _naming(self, question: str, cands: list[Candidate]) -> list[Candidate]:
        """The candidates whose article (text or title) mentions the question's names: a
        sentence from an article about something else is no answer, however alike it reads."""
        names = question_names(question)
        if not names:
            return cands
        ok: dict[str, bool] = {}
        for c in cands:
            if c.passage.article_id not in ok:
                ok[c.passage.article_id] = mentions(names, self._article_words(c.passage))
        return [c for c in cands if ok[c.passage.article_id]]

    def _article_words(self, passage: Passage) -> Words:
        """The words of a passage's article and title, built once per article and revision."""
        key = (self.retriever.snap.revision, passage.article_id)
        if key not in self._words:
            if len(self._words) >= 512:
                self._words.clear()
            terms = self.retriever.article_terms(passage.article_id) | set(stems(passage.title or ""))
            self._words[key] = Words(terms)
        return self._words[key]

    def _supporting(self, cands: list[Candidate], threshold: float) -> list[Candidate]:
        """The best sentence, and runners-up that the reader rates nearly as high — or that
        are a second part of the same answer by the heuristic's measure ("offered to train…"
        beside "also offered to help rebuild…"; "is charged with…" beside "insist that…")."""
        best = cands[0]
        floor = max(threshold, self.settings.support_ratio * best.prob)
        part_floor = FOCUS_RATIO * max(c.heuristic for c in cands)
        chosen = [best]
        for c in cands[1:]:
            if len(chosen) >= self.settings.max_sentences or c.prob < threshold:
                break
            second_part = c.heuristic >= part_floor and _same_part(best, c)
            if (c.prob >= floor or second_part) and not _overlaps(c, chosen):
                chosen.append(c)
        return chosen

    def _compose_read(self, question: str, chosen: list[Candidate], passages: list[Passage]) -> Answer:
        """``**short answer** — "quote" [1] "quote" [2]``: quotes shortened with "…" and
        pronouns given their referent; citations keep the verbatim sentence offsets."""
        best = chosen[0]
        short = _lead_short(best, question)
        quotes = [(c, self._quote(c, QUOTE_FIRST if i == 0 else QUOTE_CHARS)) for i, c in enumerate(chosen)]
        parts = self._fit(quotes, int(self.settings.max_chars * PARTS_STRETCH))
        lead = f"**{short.text}** — " if short and normalize(short.text) != normalize(best.text) else ""
        text, markers = cited_text([(f'"{q}"', n) for n, (_, q) in enumerate(parts, start=1)], lead)
        citations = [self._cite(n, c) for n, (c, _) in enumerate(parts, start=1)]
        return Answer(text, False, citations, question, passages, True, [], self.name, short, markers)

    @staticmethod
    def _quote(c: Candidate, limit: int) -> str:
        # What must stay is the model's own best span, which the short answer is cut from
        # (it often runs on to a second part: "…army and police") — at most its first SHORT_MAX
        # chars: a span that long is a clause, and its head says what the quote is about.
        keep = (c.region[0], min(c.region[1], c.region[0] + SHORT_MAX)) if c.region else None
        return with_referent(shortened(c.text, keep, limit), c.before)

    def _fit(self, parts: list[tuple[Candidate, str]], budget: int) -> list[tuple[Candidate, str]]:
        """Several quotes within ``budget``: the longest runner-up is cut (around its own short
        answer, with "…") while that helps, then the best one; a part that still does not fit
        is left out."""
        size = lambda ps: sum(len(q) + 6 for _, q in ps)  # noqa: E731 - quote marks and "[n]"
        hard = int(self.settings.max_chars * STRETCH)
        while len(parts) > 1 and size(parts) > budget:
            # Runner-ups are cut first ("…until Sweden…" lost "joined the Paris Agreement" when
            # the best was cut first). The best sentence is never cut here: it stays whole up to
            # QUOTE_FIRST, as _quote made it (the README's promise; "…rebuilding Iraq's
            # infrastructure…" lost its second half beside a runner-up that could not shrink).
            # A runner-up that cannot shrink stays while the whole is within the stretched
            # budget, and goes past it.
            if not self._cut_one(parts, range(1, len(parts))):
                if size(parts) <= hard:
                    break
                parts.pop()
        return parts

    def _cut_one(self, parts: list[tuple[Candidate, str]], which) -> bool:
        """Cut the longest quote of ``which`` by ~40 chars (not below QUOTE_MIN); False: none could be."""
        for i in sorted(which, key=lambda k: -len(parts[k][1])):
            c, quote = parts[i]
            cut = self._quote(c, max(QUOTE_MIN, len(quote) - 40))
            if len(cut) < len(quote):
                parts[i] = (c, cut)
                return True
        return False

    # -- scoring -------------------------------------------------------------------
    def rank(self, question: str, passages: list[Passage], said: str = "") -> list[Candidate]:
        cands = self._candidates(passages[: self.settings.passages])
        if not cands:
            return []
        kind, q_stems = read_question(question)
        vecs = self.retriever.vectors_for([(c.passage.article_id, c.start, c.end, c.text) for c in cands])
        cos = matvec(vecs, self.retriever.embed_query(question))
        overlap, focus = self._overlap(cands, q_stems)
        # A follow-up ("what was his job before?") is judged against the names it points at.
        names = " ".join(_names(said))
        ev_cos, ev_overlap = (matvec(vecs, self.retriever.embed_query(f"{question} {names}")),
                              self._overlap(cands, q_stems | set(stems(names)))[0]) if names else (cos, overlap)
        entity = set(stems(names)) - q_stems
        for i, c in enumerate(cands):
            cue = cue_strength(kind, c.text, question, q_stems)
            prior = 1.0 / (1 + c.rank)  # the retriever's view of the surrounding passage
            c.parts, c.focus, c.kind = (float(cos[i]), overlap[i], cue, prior), focus[i], kind
            c.evidence = E_COS * float(ev_cos[i]) + E_LEX * ev_overlap[i]
            c.score = float(W_COS * max(cos[i], 0) + W_LEX * overlap[i] + W_CUE * cue + W_PRIOR * prior
                            + W_RETRIEVER * c.passage.score)
            if said and already_said(c.text, said):
                # A follow-up wants something new, unless this sentence holds more than the
                # last answer took from it; then it is where "it"/"they" was just talked about.
                more = _says_more(kind, c.text, question, q_stems, said)
                c.score = c.score + W_ENTITY if more else c.score * REPEAT_PENALTY
            elif entity & c.stems:
                c.score += W_ENTITY  # mentions whom the follow-up's "he"/"his" points at
        return sorted(cands, key=lambda c: -c.score)

    def _overlap(self, cands: list[Candidate], q_stems: set[str]) -> tuple[list[float], list[bool]]:
        """IDF-weighted share of the question's words in each sentence (with the sentence
        before it when it opens with a pronoun), and whether it holds the rarest one."""
        weights = {t: self.retriever.lexical.idf(t) for t in q_stems}
        total = sum(weights.values()) or 1.0
        rarest = max(weights, key=weights.get) if weights else None
        shares, focus = [], []
        for c in cands:
            near = c.stems
            if leads_with_pronoun(c.text):
                near = near | set(stems(self.retriever.sentence_before(c.passage.article_id, c.start)))
            shares.append(sum(w for t, w in weights.items() if t in near) / total)
            focus.append(rarest in near)
        return shares, focus

    def _candidates(self, passages: list[Passage]) -> list[Candidate]:
        """Every sentence of the passages once. A sentence repeated word for word in another
        article (wire copy, an updated story) is kept only where it ranks first: quoting it
        twice says nothing more, and it would take a reader slot from a different sentence."""
        seen, out = set(), []
        for rank, p in enumerate(passages):
            headline = normalize(p.title or "")
            for s, e in p.sentences or ((p.start, p.end),):
                text = p.text[s - p.start:e - p.start]
                key = normalize(text)
                if key == headline or _SIGNATURE.match(text):
                    continue  # the headline restates the story; a headline alone is never an answer
                if key not in seen:
                    seen.add(key)
                    out.append(Candidate(p, s, e, text, frozenset(stems(text)), rank))
        return out

    # -- selection and composition -------------------------------------------------
    def _select(self, cands: list[Candidate]) -> list[Candidate]:
        best = cands[0]
        floor = max(self.settings.min_score, SELECT_RATIO * best.score)
        # Another sentence on the question's focus word, or with the same kind of span as
        # the best, may be a second part of the answer ("offered to train…", "also offered
        # to help rebuild…"; "is charged with…", "insist that…"): a lower bar for it.
        low_floor = max(self.settings.min_score, FOCUS_RATIO * best.score)
        chosen, covered = [best], set(best.stems)
        for c in cands[1:]:
            if len(chosen) >= self.settings.max_sentences or c.score < low_floor:
                break
            if c.score < floor and not _same_part(best, c):
                continue
            new = c.stems - covered
            if len(new) >= 3 and not _overlaps(c, chosen):
                chosen.append(c)
                covered |= c.stems
        return chosen

    def _compose(self, question: str, chosen: list[Candidate], passages: list[Passage], reader=None) -> Answer:
        """Quote the chosen sentences, best first, long ones without their irrelevant outer
        clauses; a further sentence joins while the whole stays within the stretched budget.
        The lead: the name a "who" quote refers back to, or (with a ``reader``) the reader's
        short answer when it is the time or amount asked for."""
        kind, q_stems = read_question(question)
        kept, total = [], 0
        for c in chosen:
            text = _clause(c.text, q_stems, kind, question, TRIM_OVER)
            if text.startswith(c.text[:12]):  # it opens the sentence: a leading pronoun gets its referent
                text = with_referent(text, self.retriever.sentence_before(c.passage.article_id, c.start))
            else:  # outer clauses were left out: say so
                text = "…" + text
            if not c.text.rstrip().endswith(text.rstrip()[-12:]):
                text += "…"
            if kept and total + len(text) > self.settings.max_chars * STRETCH:
                continue
            kept.append((c, text))
            total += len(text) + 5
        short = _lead_name(kept[0], question) if kind == "person" else None
        if reader is not None and kind in SAYS_KIND:
            short = self._typed_short(reader, question, kept[0])
        lead = f"**{short.text}** — " if short else ""
        text, markers = cited_text([(f'"{body}"', n) for n, (_, body) in enumerate(kept, start=1)], lead)
        citations = [self._cite(n, c) for n, (c, _) in enumerate(kept, start=1)]
        return Answer(text, False, citations, question, passages, True, [], self.name, short, markers)

    def _typed_short(self, reader, question: str, part: tuple[Candidate, str]) -> Short | None:
        """For a follow-up the heuristic picked ("When will they meet again?"): the reader's
        short answer in its best sentence, when it is of the kind asked for (a time for
        "when", an amount for "how many/much/long") and in the quoted text. Not for who or
        what: the reader knows no coreference, and its span there names the wrong person
        ("Mr. Crocker" for who made Mr. Kazemi's offer)."""
        c, body = part
        [(_, r)] = self._readings(reader, question, [c])
        c = replace(c, span=r.span, region=r.region)
        short = _short(c)
        if not short or _clause_long(c) or short.text not in body or _misleads(short.text, c.kind, question):
            return None
        return short

    def _cite(self, n: int, c: Candidate) -> Citation:
        meta = self.retriever.articles.get(c.passage.article_id)
        return make_citation(n, c.passage.article_id, meta.title if meta else c.passage.title,
                             c.text, c.start, c.end, c.score, meta.published if meta else None)

#: Answer kinds whose short answer can be checked for its kind: a time, an amount.
SAYS_KIND = {"date": says_when, "number": says_how_much, "duration": says_how_much}

#: Answer kinds whose answer is a clause, not a name or number: no bold short answer.
CLAUSE_KINDS = {"allegation", "reason"}

#: Answer kinds that often come in several parts (two charges, two reasons); not who/when.
MULTI_PART = {"allegation", "reason", None}


def _same_part(best: Candidate, c: Candidate) -> bool:
    if best.kind not in MULTI_PART:
        return False
    return (best.focus and c.focus) or (best.parts[2] == 1.0 and c.parts[2] == 1.0)


#: A candidate holding the asked kind of span (a duration for "how long") goes first when the
#: reader rates it at least this share of a best candidate that holds none.
TYPED_SHARE = 0.3
#: …or at least this share of the heuristic's best score (its scores lie closer together).
HEURISTIC_TYPED_SHARE = 0.6


def _typed_first(cands: list[Candidate], rating=lambda c: c.prob, share: float = TYPED_SHARE) -> list[Candidate]:
    """For a time or amount question ("How long did the talks last?"), an answer must hold a
    time or amount: when the best sentence holds none ("Mottaki said the talks could lead to
    future meetings") and a nearly as plausible one does ("…with a four-hour meeting"), that
    one leads. ``rating``: the reader's probability, or the heuristic's score."""
    best = cands[0]
    if best.kind not in SAYS_KIND or best.parts[2] > 0:
        return cands
    typed = next((c for c in cands[1:] if c.parts[2] > 0 and rating(c) >= share * rating(best)), None)
    if typed is None:
        return cands
    # The reader's own span there was not its answer ("27-year" beside "four-hour"): no bold lead.
    return [replace(typed, span=None, region=None), *(c for c in cands if c is not typed)]


def refusal_threshold(reader, settings) -> float:
    """Below this probability the reader's best sentence is no answer: ``settings``'
    (AnswerSettings) ``min_answer_prob`` when set, else the reader's calibrated threshold."""
    return reader.threshold if settings.min_answer_prob is None else settings.min_answer_prob


def evidence(cands: list[Candidate]) -> float:
    """How well the passages match the question at all, whatever they answer: the refusal
    test, 0.6·cosine + 0.4·overlap of the best sentence. Cues are left out on purpose: any
    article has numbers for "how many"."""
    return max(c.evidence for c in cands)


def _names(said: str) -> list[str]:
    from rag.conversation import named_in

    return named_in(said) if said else []


def _says_more(kind: str | None, sentence: str, question: str, q_stems: frozenset, said: str) -> bool:
    """Is a sentence the last answer quoted still worth quoting? The last answer led with a
    bold short answer from its first quote, so that sentence gave one fact, not all it says:
    "Where did the protesters gather?" → **the police complex**, quoting "… gathered around the
    police complex, blocking the exits as they chanted slogans"; then "What did they do there?"
    is answered by the rest of it. Not when the question is now about that short answer ("When
    did Ryan Crocker arrive?" after **Ryan Crocker**: something new about him is wanted). For a
    question of a kind ("How strong was it?"), any quoted sentence holding a span of that kind
    next to a word of the question, other than the short answer, says more ("magnitude 5.2")."""
    from rag.conversation import first_quote, short_of

    lead = short_of(said)
    if not lead:
        return False  # the last answer was its quotes, whole: quoting them again repeats it
    lead = normalize(lead)
    if kind:
        return any(normalize(m.group(0)) not in lead and adjacent(sentence, m, q_stems)
                   for m in kind_spans(kind, sentence, question))
    return already_said(sentence, first_quote(said)) and lead not in normalize(question)


def already_said(sentence: str, said: str) -> bool:
    """Did the previous answer quote this sentence (whole, or its leading/trailing clause)?"""
    return sentence in said or sentence[:60] in said or sentence[-60:] in said

@lru_cache(maxsize=256)
def read_question(question: str) -> tuple[str | None, frozenset]:
    """The answer type a question asks for and its content words (type words like "long"
    in "how long" left out); ranking and composing both need them: worked out once."""
    kind = answer_type(question)
    return kind, frozenset(stems(question)) - TYPE_WORDS.get(kind, set())

def leads_with_pronoun(text: str) -> bool:
    return bool(re.match(r"(?:He|She|They|It|This|That|These|Those|His|Her|Their)\b", text))

def _overlaps(c: Candidate, chosen: list[Candidate]) -> bool:
    return any(c.passage.article_id == o.passage.article_id and c.start < o.end and o.start < c.end for o in chosen)

_CLAUSE_CUT = re.compile(r",\s+(?:but|and|while|which|who|although|though|as|after|before|because)\b|;\s+|:\s+|\s+—\s+|,\s+(?=“|\")")

_RELATIVE = re.compile(r",\s+(?:which|who)\b")


def _clause(sentence: str, q_stems: set, kind: str | None, question: str, limit: int) -> str:
    """The sentence; when longer than ``limit``, without the leading and trailing clauses
    that hold neither a question word nor the kind of span asked for (the answer is never
    cut out: every clause that could hold it stays)."""
    if len(sentence) <= limit:
        return sentence
    cuts = [0] + [m.start() for m in _CLAUSE_CUT.finditer(sentence)] + [len(sentence)]
    relevant = [i for i, (a, b) in enumerate(zip(cuts, cuts[1:]))
                if q_stems & set(stems(sentence[a:b])) or has_cue(kind, sentence[a:b], question)]
    if not relevant:
        return sentence
    last = relevant[-1]
    while last + 2 < len(cuts) and (_RELATIVE.match(sentence, cuts[last + 1])
                                    or ends_on_attribution(sentence[cuts[relevant[0]]:cuts[last + 1]])):
        # "asked Carrie Lam, who is backed by Beijing, to resign": the clause goes on after it;
        # "Hickenlooper said in the video, …": what he said is the rest.
        last += 1
    best = sentence[cuts[relevant[0]]:cuts[last + 1]].strip().lstrip(",;: —").strip()
    best = re.sub(r"^(?:but|and|while|although|though|so)\s+", "", best, flags=re.I)
    return best[0].upper() + best[1:] if best else sentence


_EDGE = " \t\n,;:.!?\"'“”‘’()[]"


def _short(c: Candidate) -> Short | None:
    """The reader's span in ``c`` (its end moved in) as article offsets, without edge
    punctuation or quotes; None when even that is longer than ``SHORT_MAX`` (a clause)."""
    if not c.span:
        return None
    a, b = _trimmed(c.text, *c.span)
    a, b = _trimmed(c.text, a, balanced_end(c.text, a, b))  # "commune (gmina" → "commune"
    if b <= a or b - a > SHORT_MAX:
        return None
    b = whole_name(c.text, a, b, SHORT_MAX)  # "The Wojciech" → "The Wojciech Bogusławski Theatre"
    a = with_quantity(c.text, a, b)
    return Short(c.text[a:b], c.passage.article_id, c.start + a, c.start + b)


def _lead_short(best: Candidate, question: str) -> Short | None:
    """The short answer an answer leads with: the reader's span in the best sentence, the
    role of a person asked about ("Who is Nouri al-Maliki?"), or the name a description refers
    back to; None where a lead would mislead (``_misleads``)."""
    short = _short(best)
    if short and _clause_long(best) and not asks_for_thing(question):
        short = None  # for who/where/how/why the head of a clause is a guess ("Tehran after the 1979…")
    if best.kind == "person" and (name := asks_who_is(question)) and (role := role_of(best.text, name)):
        short = _at(best, *role)  # "Who is Nouri al-Maliki?" → "Iraqi Prime Minister"
    elif best.kind == "person" and (short is None or short.text[:4].lower() == "the "):
        short = _named_before(best, question) or short
    return None if short is None or _misleads(short.text, best.kind, question) else short


def _misleads(short: str, kind: str | None, question: str) -> bool:
    """Would leading with ``short`` mislead? When the answer is a clause ("what is X accused
    of?", "what did Y say?", "did they…?": the quote says it); a titled person for a question
    that asks for no person ("**Mr. Crocker**" for "What was Kazemi's job before?"); only the
    question's words ("**Mr. Crocker**" for "How did Crocker describe the meeting?"); no time
    for "when" or no amount for "how many/much/long" ("**Iranian Embassy**" for how long the
    press conference lasted)."""
    return (kind in CLAUSE_KINDS or asks_for_statement(question) or asks_yes_no(question)
            or (kind != "person" and bool(TITLED.fullmatch(short)) and not _NAME_ASKED.search(question))
            or _restates(short, question)
            or (kind == "person" and bool(_PLACE_NAME.search(short)))
            or (kind in SAYS_KIND and not SAYS_KIND[kind](short)))


#: A name that ends like a place or a building's ("**Al Noor Mosque**" for "Who is the suspect?").
_PLACE_NAME = re.compile(rf"\b(?:{PLACE_WORDS})$")


def _at(c: Candidate, a: int, b: int) -> Short:
    """``c.text[a:b]`` as a short answer at its article offsets."""
    return Short(c.text[a:b], c.passage.article_id, c.start + a, c.start + b)


def _clause_long(c: Candidate) -> bool:
    """Is the model's own best span (before its end is moved in) a clause? Its head, where the
    short answer is cut from, is then the answer to "what/which" often enough (calibration
    articles: 17 of 39 exactly, 24 in part — "historians", "Polish Academy of Sciences") but a
    guess for where/who/how: "Tehran" of "Tehran after the 1979 Islamic Revolution…" for
    where talks "in the Green Zone offices" were held, "three" for how tables were arranged."""
    return bool(c.region) and c.region[1] - c.region[0] > SHORT_MAX


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    """``text[a:b]`` without edge punctuation, quotes and brackets ("U.S." keeps its dot)."""
    while a < b and text[a] in _EDGE:
        a += 1
    while b > a and text[b - 1] in _EDGE and not (text[b - 1] == "." and b - a > 2 and text[b - 3] == "."):
        b -= 1
    return a, b


#: "What is the NAME of…", "What NAME…": a what-question that does ask for a name.
_NAME_ASKED = re.compile(r"\bnamed?\b", re.I)


def _restates(short: str, question: str) -> bool:
    """Is the short answer only words of the question? Then it answers nothing (on the
    calibration articles 12 such short answers, none right: "**imperialism**" for "Friedrich
    Ratzel thought imperialism was what for the country?")."""
    own = set(stems(short))
    return bool(own) and own <= set(stems(question))


def _named_before(c: Candidate, question: str, end: int | None = None) -> Short | None:
    """For "who …?" answered by a description ("…, but the Iranian diplomat formerly … said
    he had offered…"): the titled name the description refers back to — news style names a
    person, then calls them by their role — i.e. the last "Mr./Ms./Dr. X" before the span in
    the same sentence, unless the question itself names them (then it asks about someone else)."""
    end = end if end is not None else c.span[0] if c.span else len(c.text)
    names = [m for m in TITLED.finditer(c.text[:end]) if m.group(0) not in question]
    if not names:
        return None
    m = names[-1]
    return Short(m.group(0), c.passage.article_id, c.start + m.start(), c.start + m.end())


def _lead_name(part: tuple[Candidate, str], question: str) -> Short | None:
    """A "who …?" quote that was cut before a description of the person ("…the Iranian
    diplomat formerly … said…") and names nobody itself: the name that was cut off."""
    c, quote = part
    body = quote.strip("…")
    pos = c.text.lower().find(body[:30].lower())  # a cut clause is shown capitalised
    if not quote.startswith("…") or pos <= 0 or TITLED.search(body):
        return None
    return _named_before(c, question, pos)


def normalize(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
