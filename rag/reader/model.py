"""The trained reader at run time: ONNX Runtime and tokenizers only (no torch import).

``Reader.read(question, sentences, contexts)`` gives, for each candidate sentence, the
probability that it answers the question and the best short answer inside it (character
offsets into that sentence). The model file is checked against the sha256 recorded in
``reader.json`` before it is used; a missing or altered file is a ``ReaderModelError``
that names the training command.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.errors import ReaderModelError
from rag.reader.encode import best_span, encode, load_tokenizer, shorter_end, whole_words
from rag.runtime import InFlight, session_options

MODEL_DIR = Path(__file__).resolve().parent / "model"  # where `python training/train_reader.py` writes
TRAIN_COMMAND = "python training/train_reader.py"


@dataclass(frozen=True)
class Reading:
    prob: float  # probability that the sentence answers the question
    span: tuple[int, int] | None  # the short answer's char offsets inside the sentence (a prefix of ``region``)
    logit: float = 0.0  # the answer head's logit
    diff: float = 0.0  # best span's score minus the "no answer" score
    region: tuple[int, int] | None = None  # the model's own best span (the short answer is its head)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fail(model_dir: Path, what: str) -> ReaderModelError:
    return ReaderModelError(
        f"the trained reader in {model_dir} {what}: rebuild it with `{TRAIN_COMMAND}` "
        "(or reinstall news-rag); meanwhile answers use the heuristic reader")


def _checked(model_dir: Path) -> dict:
    """reader.json, after checking that the files it names are there and unaltered."""
    meta_file, onnx, tok = model_dir / "reader.json", model_dir / "reader.onnx", model_dir / "tokenizer.json"
    for f in (meta_file, onnx, tok):
        if not f.is_file():
            raise _fail(model_dir, f"is missing {f.name}")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except ValueError:
        raise _fail(model_dir, "has an unreadable reader.json") from None
    if _sha256(onnx) != meta.get("sha256"):
        raise _fail(model_dir, "has a corrupt reader.onnx (sha256 mismatch)")
    if _sha256(tok) != meta.get("tokenizer_sha256"):
        raise _fail(model_dir, "has a corrupt tokenizer.json (sha256 mismatch)")
    return meta


class Reader:
    def __init__(self, model_dir: Path = MODEL_DIR):
        import onnxruntime as ort
        model_dir = Path(model_dir)
        self.meta = _checked(model_dir)
        self.runs = InFlight(name="reader")  # one-thread runs, one per core (rag.runtime)
        try:
            self.session = ort.InferenceSession(str(model_dir / "reader.onnx"), session_options(),
                                                providers=["CPUExecutionProvider"])
        except Exception as e:  # a file that matches its checksum but onnxruntime refuses
            raise _fail(model_dir, f"cannot be loaded ({type(e).__name__})") from None
        self.tokenizer = load_tokenizer(model_dir / "tokenizer.json")
        self.threshold = float(self.meta.get("threshold", 0.5))

    def read(self, question: str, sentences: list[str], contexts: list[str]) -> list[Reading]:
        """One Reading per candidate sentence: P(answers) and the short answer inside it."""
        if not sentences:
            return []
        logit, diff, spans, regions = self.raw(question, sentences, contexts)
        w_cls, w_span, bias = self.meta.get("combine", (1.0, 0.0, 0.0))
        probs = 1.0 / (1.0 + np.exp(-np.clip(w_cls * logit + w_span * diff + bias, -50.0, 50.0)))  # no overflow warning
        return [Reading(float(p), s, float(lg), float(df), rg) for p, s, lg, df, rg in zip(probs, spans, logit, diff, regions)]

    def combine(self, reading: Reading, heuristic: float) -> float:
        """P(answers) with the heuristic ranker's score blended in, when calibration found that
        better (``blend`` in reader.json: weights of logit, span diff, heuristic, and a bias)."""
        blend = self.meta.get("blend")
        if not blend:
            return reading.prob
        w_logit, w_diff, w_heur, bias = blend["weights"]
        z = w_logit * reading.logit + w_diff * max(reading.diff, -50.0) + w_heur * heuristic + bias
        return float(1.0 / (1.0 + np.exp(-z)))

    def raw(self, question: str, sentences: list[str], contexts: list[str]):
        """The model's two answerability signals per sentence — the answer head's logit and
        best-span-minus-no-answer score — with the short answer (char offsets: the best span,
        ended where its answer ends) and that best span itself (the region a quote keeps, and
        which says whether the answer is a clause)."""
        enc = encode(self.tokenizer, question, sentences, contexts)
        logit, start, end = self._run(enc)
        diffs, spans, regions = [], [], []
        for i, text in enumerate(sentences):
            first, last = enc.span_tokens[i]
            if last <= first:  # no sentence tokens left: nothing to point at
                spans.append(None)
                regions.append(None)
                diffs.append(-1e4)
                continue
            offs = enc.offsets[i]
            chars = lambda a, b: whole_words(text, offs[a - first][0], offs[b - first][1])  # noqa: E731
            a, b, score = best_span(start[i], end[i], first, last)
            spans.append(chars(a, shorter_end(end[i], a, b)))
            regions.append(chars(a, b))
            diffs.append(score - float(start[i, 0] + end[i, 0]))
        return logit.astype(np.float64), np.array(diffs), spans, regions

    def _run(self, enc):
        """One model run per pair, each without padding. The int8 model quantises its
        activations with one scale per run, so in a batch a sentence's score would depend on
        the other candidates beside it (and on their padding); alone it is the same whatever
        else was retrieved. The runs go one per core at a time, on one thread each."""
        width = enc.ids.shape[1]
        logit = np.zeros(len(enc.ids), dtype=np.float32)
        start = np.full((len(enc.ids), width), -1e4, dtype=np.float32)
        end = start.copy()

        def one(i: int) -> None:
            n = int(enc.mask[i].sum())
            feed = {"input_ids": enc.ids[i:i + 1, :n], "attention_mask": enc.mask[i:i + 1, :n],
                    "token_type_ids": enc.type_ids[i:i + 1, :n]}
            lg, st, en = self.session.run(None, feed)
            logit[i], start[i, :n], end[i, :n] = lg[0], st[0], en[0]

        self.runs.each(one, range(len(enc.ids)))
        return logit, start, end


_LOCK = threading.Lock()
_CACHE: dict[Path, Reader] = {}


def load_reader(model_dir: Path | None = None) -> Reader:
    """The reader in ``model_dir`` (the shipped one by default), loaded once per process."""
    key = Path(model_dir or MODEL_DIR).resolve()
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = Reader(key)
        return _CACHE[key]
