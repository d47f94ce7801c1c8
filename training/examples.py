"""Training pairs for the reader: (question, sentence, context) → answers?, and where.

For each answerable question: the sentence holding the answer (with the answer's character
span inside it) and three hard negatives the retriever would also surface: the most
similar other sentence of the same paragraph, of the same article, and of another article
(the last teaches "this store does not cover it"). For each SQuAD 2.0 unanswerable
question: the sentence holding its *plausible* answer and the most similar sentences of its
paragraph and article, all negatives ("on topic, but does not say"). Similarity is the
bundled MiniLM's cosine; ties are broken by a seeded random choice among the top three.
Sentences that contain a gold answer are never used as negatives. Sentence-selection
questions (``"sentences"``: where each answering sentence starts; SelQA, NQG) give every
answering sentence as a positive without a span (they train the answer head only), and
the same hard negatives as an answerable question.

``sample(sources, caps, seed)`` draws a seeded, capped share of each extra question set
(training/sources.py), keeping only the articles those questions come from.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from rag.reader.encode import context_of
from rag.text import sentence_spans


@dataclass
class Example:
    question: str
    sentence: str
    context: str
    label: float
    span: tuple[int, int] | None = None  # answer's char offsets inside the sentence
    answers: tuple[str, ...] = ()


@dataclass
class Sent:
    article: int
    para: int
    start: int
    end: int
    text: str
    context: str


def sentences_of(articles: list[dict]) -> list[Sent]:
    out = []
    for a, art in enumerate(articles):
        for p, para in enumerate(art["paragraphs"]):
            ctx, prev = para["context"], ""
            for s, e in sentence_spans(ctx):
                out.append(Sent(a, p, s, e, ctx[s:e], context_of(art["title"], prev)))
                prev = ctx[s:e]
    return out


def build(articles: list[dict], embed, seed: int = 13) -> list[Example]:
    """All training pairs; ``embed(texts) -> unit vectors``."""
    rng = random.Random(seed)
    sents = sentences_of(articles)
    vecs = embed([s.text for s in sents])
    by_para: dict[tuple[int, int], list[int]] = {}
    for i, s in enumerate(sents):
        by_para.setdefault((s.article, s.para), []).append(i)
    arts = np.array([s.article for s in sents])
    paras = np.array([s.para for s in sents])
    qs = [(a, p, q) for a, art in enumerate(articles) for p, para in enumerate(art["paragraphs"]) for q in para["qas"]]
    qvecs = embed([q["question"] for *_, q in qs])
    by_article = [np.flatnonzero(arts == a) for a in range(len(articles))]
    out = []
    for (a, p, q), qv in zip(qs, qvecs):
        out += _pairs(q, a, p, sents, by_para[(a, p)], vecs @ qv, arts, paras, rng, by_article[a])
    rng.shuffle(out)
    return out


def _pairs(q, a, p, sents, para_ids, sims, arts, paras, rng, same_article) -> list[Example]:
    answers = tuple(x["text"] for x in q.get("answers", []) if x["text"].strip())
    banned = {int(i) for i in same_article if _holds(sents[i].text, answers)}
    ex = lambda i, label, span=None: Example(q["question"], sents[i].text, sents[i].context, label, span, answers)
    out = []
    if q.get("sentences"):
        pos = [i for c in q["sentences"] if (i := _sentence_at(sents, para_ids, c)) is not None]
        for i in dict.fromkeys(pos):
            out.append(ex(i, 1.0))
            banned.add(i)
        if not out:
            return []
        groups = [(arts == a) & (paras == p), (arts == a) & (paras != p), arts != a]
    elif answers and not q.get("is_impossible"):
        first = q["answers"][0]
        pos = _sentence_at(sents, para_ids, first["answer_start"])
        if pos is None:
            return []
        s = sents[pos]
        lo = first["answer_start"] - s.start
        hi = lo + len(first["text"])
        out.append(ex(pos, 1.0, (lo, hi) if hi <= s.end - s.start else None))
        banned.add(pos)
        groups = [(arts == a) & (paras == p), (arts == a) & (paras != p), arts != a]
    else:
        plaus = q.get("plausible_answers") or []
        hold = _sentence_at(sents, para_ids, plaus[0]["answer_start"]) if plaus else None
        if hold is not None:
            out.append(ex(hold, 0.0))
            banned.add(hold)
        groups = [(arts == a) & (paras == p), (arts == a) & (paras != p)]
    for g in groups:
        i = _hard(sims, g, banned, rng)
        if i is not None:
            out.append(ex(i, 0.0))
            banned.add(i)
    return out


def _hard(sims: np.ndarray, group: np.ndarray, banned: set, rng) -> int | None:
    idx = np.flatnonzero(group)
    idx = idx[np.argsort(-sims[idx])][:6]
    top = [int(i) for i in idx if int(i) not in banned][:3]
    return rng.choice(top) if top else None


def _sentence_at(sents, para_ids, char: int) -> int | None:
    return next((i for i in para_ids if sents[i].start <= char < sents[i].end), None)


def _holds(text: str, answers: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(a.lower().strip() in low for a in answers if len(a.strip()) >= 2)


def sample(articles: list[dict], cap: int, seed: int) -> list[dict]:
    """At most ``cap`` questions of a set, drawn with a seed, in the articles they come from
    (paragraphs without a drawn question stay: they are the drawn questions' negatives)."""
    qs = [(a, p, k) for a, art in enumerate(articles) for p, para in enumerate(art["paragraphs"])
          for k in range(len(para["qas"]))]
    keep = set(random.Random(seed).sample(qs, min(cap, len(qs))))
    out = []
    for a, art in enumerate(articles):
        paras = [{**para, "qas": [q for k, q in enumerate(para["qas"]) if (a, p, k) in keep]}
                 for p, para in enumerate(art["paragraphs"])]
        if any(para["qas"] for para in paras):
            out.append({**art, "paragraphs": _near(paras)})
    return out


def _near(paras: list[dict], keep: int = 40) -> list[dict]:
    """The paragraphs with drawn questions and up to ``keep`` others (a one-"article" set such as
    reddit posts or tweets would otherwise embed all of it for a few thousand questions)."""
    asked = [p for p in paras if p["qas"]]
    return asked + [p for p in paras if not p["qas"]][:keep] if len(paras) > len(asked) + keep else paras
