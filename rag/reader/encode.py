"""How a (question, candidate sentence) pair becomes model input: one function, used by
training and by the runtime reader alike, so the two can never drift apart.

Layout: ``[CLS] question [SEP] sentence [SEP] context [SEP]`` where the context is the
article title and the sentence before the candidate (who "he" is, what "the offer" was).
The sentence comes before the context so truncation only ever eats context, and the span
head may only point at sentence tokens (``Encoded.span_tokens``), whose character offsets
map straight back into the sentence.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_QUESTION = 32  # tokens; longer questions keep their head
MAX_SENTENCE = 64  # tokens; longer sentences are cut (rare: ~2 % of news sentences)
MAX_CONTEXT = 24  # tokens of title + preceding sentence: enough for who "he" is
MAX_LENGTH = 112  # whole pair, special tokens included
CLS, SEP, PAD = "[CLS]", "[SEP]", "[PAD]"


@dataclass
class Encoded:
    ids: np.ndarray  # (batch, seq) int64
    type_ids: np.ndarray
    mask: np.ndarray
    span_tokens: list[tuple[int, int]]  # per row: [first, last) token positions of the sentence
    offsets: list[list[tuple[int, int]]]  # per row: char offsets in the sentence of those tokens


def load_tokenizer(path):
    """The tokenizer from a tokenizer.json, with its own padding and truncation turned off
    (MiniLM's file pads every text to 128 tokens): ``encode`` lays out pairs itself."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.no_truncation()
    return tok


def context_of(title: str, before: str) -> str:
    """The context segment: headline, then the preceding sentence."""
    title = title.replace("_", " ").strip()
    return f"{title}. {before}".strip() if title else before.strip()


def encode(tokenizer, question: str, sentences: list[str], contexts: list[str],
           max_length: int = MAX_LENGTH) -> Encoded:
    """Encode one question against many candidate sentences (a ``tokenizers.Tokenizer``)."""
    special = {t: tokenizer.token_to_id(t) for t in (CLS, SEP, PAD)}
    q = tokenizer.encode(question, add_special_tokens=False).ids[:MAX_QUESTION]
    sents = tokenizer.encode_batch(sentences, add_special_tokens=False)
    ctxs = tokenizer.encode_batch(contexts, add_special_tokens=False)
    rows, types, spans, offsets = [], [], [], []
    for s, c in zip(sents, ctxs):
        s_ids, s_off = s.ids[:MAX_SENTENCE], s.offsets[:MAX_SENTENCE]
        head = [special[CLS], *q, special[SEP]]
        room = max(0, min(MAX_CONTEXT, max_length - len(head) - len(s_ids) - 2))
        tail = [*s_ids, special[SEP], *c.ids[:room], special[SEP]]
        rows.append(head + tail)
        types.append([0] * len(head) + [1] * len(tail))
        spans.append((len(head), len(head) + len(s_ids)))
        offsets.append(list(s_off))
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), special[PAD], dtype=np.int64)
    type_ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, (r, t) in enumerate(zip(rows, types)):
        ids[i, :len(r)], type_ids[i, :len(t)], mask[i, :len(r)] = r, t, 1
    return Encoded(ids, type_ids, mask, spans, offsets)


def best_span(start_logits: np.ndarray, end_logits: np.ndarray, first: int, last: int,
              max_tokens: int = 24) -> tuple[int, int, float]:
    """The (start, end) token pair inside [first, last) with the highest start+end logit,
    end ≥ start and at most ``max_tokens`` long; returns positions and the summed logit."""
    if last <= first:
        return first, first, float("-inf")
    s = start_logits[first:last]
    e = end_logits[first:last]
    n = last - first
    grid = s[:, None] + e[None, :]
    i, j = np.indices((n, n))
    grid = np.where((j >= i) & (j - i < max_tokens), grid, -np.inf)
    a, b = np.unravel_index(int(np.argmax(grid)), grid.shape)
    return first + int(a), first + int(b), float(grid[a, b])


#: Logit taken off per token a short answer runs past its start. The span head likes to run
#: on past the answer ("27-year diplomatic freeze yesterday with a four-hour" for "27-year");
#: only the end moves — cutting the start can turn the meaning ("free of foreign forces").
#: Chosen on the calibration articles (benchmarks/RESULTS.md, session 11).
END_PENALTY = 0.1


def shorter_end(end_logits: np.ndarray, start: int, end: int, penalty: float = END_PENALTY) -> int:
    """The end in [start, end] with the highest end logit less ``penalty`` per token past
    ``start``: the best span, ended where its answer ends."""
    scores = end_logits[start:end + 1] - penalty * np.arange(end + 1 - start)
    return start + int(np.argmax(scores))


def _inside_word(text: str, i: int, step: int) -> bool:
    """Is ``text[i]`` part of the word that the span's edge is in: a letter or digit, or a
    hyphen with one on its far side ("27-year", "al-Maliki")?"""
    if not 0 <= i < len(text):
        return False
    far = i + step
    return text[i].isalnum() or (text[i] in "-–" and 0 <= far < len(text) and text[far].isalnum())


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to whole words: word pieces can end a span mid-word ("27" of
    "27-year", "Warsz" of "Warszawa"), which no reader would write as an answer."""
    while end > start and not text[end - 1].isspace() and _inside_word(text, end, 1):
        end += 1
    while start < end and not text[start].isspace() and _inside_word(text, start - 1, -1):
        start -= 1
    return start, end
