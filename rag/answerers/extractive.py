"""The default, offline answerer: picks the article sentences that answer the question.

No LLM: every word of the answer is article text, so it cannot invent. Each candidate
sentence of the retrieved passages is scored by

    relevance = 0.45·cosine(question, sentence) + 0.30·overlap + 0.20·cue + 0.05·prior

where *overlap* is the IDF-weighted share of the question's stemmed content words found in
the sentence (or its neighbour, for pronoun-led sentences) and *cue* is 1 when the sentence
holds the kind of span the question asks for (a duration for "how long", a name for "who"),
0.5 when that span is not next to a question word; *prior* favours better-ranked passages.
Below ``AnswerSettings.min_score`` the answer is the fixed refusal. The answer quotes the
best sentences, trimmed to their answering clause when long, each followed by ``[n]``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.answerers.base import Answerer, refusal
from rag.answerers.cues import TYPE_WORDS, answer_type, cue_strength, has_cue
from rag.citations import make_citation
from rag.text import stems
from rag.types import Answer, Citation, Passage

W_COS, W_LEX, W_CUE, W_PRIOR = 0.45, 0.30, 0.20, 0.05
REPEAT_PENALTY, W_ENTITY, FOLLOW_UP_RELAX = 0.7, 0.05, 0.8


@dataclass
class Candidate:
    passage: Passage
    start: int
    end: int
    text: str
    stems: frozenset
    rank: int = 0  # rank of its passage in retrieval
    score: float = 0.0
    parts: tuple = ()  # (cosine, overlap, cue), for inspection and calibration


class ExtractiveAnswerer(Answerer):
    name = "extractive"

    def __init__(self, retriever, settings):
        self.retriever, self.settings = retriever, settings
        self._cache: dict[str, np.ndarray] = {}

    def answer(self, question: str, passages: list[Passage], history=None, said: str = "") -> Answer:
        cands = self.rank(question, passages, said)
        # A follow-up ("what was his job before?") has few words of its own; the conversation
        # already vouches for the topic, so it needs less evidence to be answered.
        threshold = self.settings.min_score * (FOLLOW_UP_RELAX if said else 1.0)
        if not cands or cands[0].score < threshold:
            return refusal(question, passages)
        chosen = self._select(cands)
        return self._compose(question, chosen, passages)

    # -- scoring -------------------------------------------------------------------
    def rank(self, question: str, passages: list[Passage], said: str = "") -> list[Candidate]:
        cands = self._candidates(passages[: self.settings.passages])
        if not cands:
            return []
        kind = answer_type(question)
        q_stems = content_stems(question, kind)
        weights = {t: self.retriever.lexical.idf(t) for t in q_stems}
        total = sum(weights.values()) or 1.0
        qv = self.retriever.embedder.embed_query(question)
        cos = self._vectors([c.text for c in cands]) @ qv
        entity = _entity_stems(said) - q_stems
        for i, c in enumerate(cands):
            near = c.stems | (cands[i - 1].stems if i and _leads_with_pronoun(c.text) else frozenset())
            overlap = sum(w for t, w in weights.items() if t in near) / total
            cue = cue_strength(kind, c.text, question, q_stems)
            prior = 1.0 / (1 + c.rank)  # the retriever's view of the surrounding passage
            c.parts = (float(cos[i]), overlap, cue, prior)
            c.score = float(W_COS * max(cos[i], 0) + W_LEX * overlap + W_CUE * cue + W_PRIOR * prior)
            if said and _already_said(c.text, said):
                c.score *= REPEAT_PENALTY  # a follow-up wants something new
            elif entity & c.stems:
                c.score += W_ENTITY  # mentions whom the follow-up's "he"/"his" points at
        return sorted(cands, key=lambda c: -c.score)

    def _candidates(self, passages: list[Passage]) -> list[Candidate]:
        seen, out = set(), []
        for rank, p in enumerate(passages):
            for s, e in p.sentences or ((p.start, p.end),):
                key = (p.article_id, s, e)
                if key not in seen:
                    seen.add(key)
                    text = p.text[s - p.start:e - p.start]
                    out.append(Candidate(p, s, e, text, frozenset(stems(text)), rank))
        return out

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """Sentence vectors, embedded in one batch; a bounded cache serves repeat questions."""
        missing = list({t for t in texts if t not in self._cache})
        if missing:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache.update(zip(missing, self.retriever.embedder.embed_documents(missing)))
        return np.stack([self._cache[t] for t in texts])

    # -- selection and composition -------------------------------------------------
    def _select(self, cands: list[Candidate]) -> list[Candidate]:
        best = cands[0]
        floor = max(self.settings.min_score, 0.7 * best.score)
        chosen, covered = [best], set(best.stems)
        for c in cands[1:]:
            if len(chosen) >= self.settings.max_sentences or c.score < floor:
                break
            new = c.stems - covered
            if len(new) >= 3 and not _overlaps(c, chosen):
                chosen.append(c)
                covered |= c.stems
        return chosen

    def _compose(self, question: str, chosen: list[Candidate], passages: list[Passage]) -> Answer:
        """Quote the chosen sentences, best first, each cut to its answering clause when long;
        a further sentence joins only while the whole stays near the length budget."""
        kind = answer_type(question)
        q_stems = content_stems(question, kind)
        budget = self.settings.max_chars
        share = max(120, budget // len(chosen))
        texts = [(c, _clause(c.text, q_stems, kind, question, share if i else max(share, 150)))
                 for i, c in enumerate(chosen)]
        kept, total = [], 0
        for c, text in texts:
            if kept and total + len(text) > budget * 1.2:
                continue
            kept.append((c, text))
            total += len(text) + 5
        parts = [f"{text} [{n}]" for n, (_, text) in enumerate(kept, start=1)]
        citations = [self._cite(n, c) for n, (c, _) in enumerate(kept, start=1)]
        return Answer(" ".join(parts), False, citations, question, passages, True, [], self.name)

    def _cite(self, n: int, c: Candidate) -> Citation:
        meta = self.retriever.articles.get(c.passage.article_id)
        return make_citation(n, c.passage.article_id, meta.title if meta else c.passage.title,
                             c.text, c.start, c.end, c.score, meta.published if meta else None)


def _entity_stems(said: str) -> set[str]:
    from rag.conversation import named_in

    return set(stems(" ".join(named_in(said)))) if said else set()


def _already_said(sentence: str, said: str) -> bool:
    """Did the previous answer quote this sentence (whole, or its leading/trailing clause)?"""
    return sentence in said or sentence[:60] in said or sentence[-60:] in said


def content_stems(question: str, kind: str | None) -> set[str]:
    return set(stems(question)) - TYPE_WORDS.get(kind, set())


def _leads_with_pronoun(text: str) -> bool:
    return bool(re.match(r"(?:He|She|They|It|This|That|These|Those|His|Her|Their)\b", text))


def _overlaps(c: Candidate, chosen: list[Candidate]) -> bool:
    return any(c.passage.article_id == o.passage.article_id and c.start < o.end and o.start < c.end for o in chosen)


_CLAUSE_CUT = re.compile(r",\s+(?:but|and|while|which|who|although|though|as|after|before|because)\b|;\s+|:\s+|\s+—\s+|,\s+(?=“|\")")


def _clause(sentence: str, q_stems: set, kind: str | None, question: str, limit: int) -> str:
    """The sentence, or when longer than ``limit`` its best run of clauses."""
    if len(sentence) <= limit:
        return sentence
    cuts = [0] + [m.start() for m in _CLAUSE_CUT.finditer(sentence)] + [len(sentence)]
    pieces = [sentence[a:b].lstrip(",;: —") for a, b in zip(cuts, cuts[1:])]
    best, best_key = sentence, (-1.0, 0)
    for i in range(len(pieces)):
        for j in range(i + 1, len(pieces) + 1):
            text = " ".join(p.strip() for p in pieces[i:j]) if j - i == 1 else sentence[cuts[i]:cuts[j]].lstrip(",;: —")
            if len(text) > limit and j - i > 1:
                break
            hits = len(q_stems & set(stems(text))) + (1 if has_cue(kind, text, question) else 0)
            key = (hits, -len(text))
            if key > best_key:
                best, best_key = text, key
    best = re.sub(r"^(?:but|and|while|although|though|so)\s+", "", best.strip(), flags=re.I)
    return best[0].upper() + best[1:] if best else sentence
