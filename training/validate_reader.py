"""Validate exported reader files on the calibration articles (never trained on).

    python training/validate_reader.py [ONNX ...]     # default: build/reader/reader-fp32.onnx and the shipped int8

Pairs are built exactly as for training (training/examples.py) but from the held-out
calibration articles. The model gives two answerability signals (answer-head logit; best
span minus no-answer score); ``combine`` is their logistic fit on these pairs, which the
runtime reader uses (reader.json). Reported per file:
- ``pair_auc``: how well the answer head separates answering from non-answering sentences;
- ``top1``: for answerable questions, the answering sentence gets the highest probability
  among its question's candidates (the gold one and its hard negatives);
- ``span_em`` / ``span_f1``: the short answer inside the gold sentence, SQuAD-scored;
- ``ms_per_pair``: inference time, one pair per call (as the runtime reader runs each pair alone).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from rag.eval import exact_match, f1  # noqa: E402
from training import examples, split  # noqa: E402


def calibration_pairs(seed: int = 13):
    from sentence_transformers import SentenceTransformer

    from rag.embedders import bundled_model_path

    st = SentenceTransformer(bundled_model_path(), device="cpu")
    embed = lambda texts: st.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    arts = [a for a in split.load_articles() if a["title"] in split.CALIBRATE]
    return examples.build(arts, embed, seed)


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels > 0.5
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / max(1, n_pos * n_neg))


def measure(onnx_file: Path, tokenizer_file: Path, pairs) -> dict:
    """Run one exported file over the pairs; fit how its two answerability signals combine."""
    import shutil
    import tempfile

    from rag.reader.model import Reader
    from training.train_reader import sha256

    with tempfile.TemporaryDirectory() as tmp:  # a Reader needs the checked layout
        d = Path(tmp)
        shutil.copy(onnx_file, d / "reader.onnx")
        shutil.copy(tokenizer_file, d / "tokenizer.json")
        (d / "reader.json").write_text(json.dumps({"sha256": sha256(d / "reader.onnx"),
                                                   "tokenizer_sha256": sha256(d / "tokenizer.json")}))
        reader = Reader(d)
        t0, logits, diffs, spans = time.perf_counter(), [], [], []
        for e in pairs:  # one question per call, as at run time
            lg, df, sp, _ = reader.raw(e.question, [e.sentence], [e.context])
            logits.append(lg[0])
            diffs.append(df[0])
            spans.append(sp[0])
        ms = (time.perf_counter() - t0) * 1000 / max(1, len(pairs))
    labels = np.array([e.label for e in pairs])
    x = np.stack([np.array(logits), np.clip(np.array(diffs), -30, 30)], 1)
    w = fit_logistic(x, labels)
    probs = 1 / (1 + np.exp(-(x @ w[:2] + w[2])))
    cls_only = summarise(pairs, 1 / (1 + np.exp(-x[:, 0])), spans, ms)
    span_only = summarise(pairs, 1 / (1 + np.exp(-x[:, 1])), spans, ms)
    return {"combine": [round(float(v), 5) for v in w], **summarise(pairs, probs, spans, ms),
            "pair_auc_answer_head_alone": cls_only["pair_auc"], "top1_answer_head_alone": cls_only["top1"],
            "pair_auc_span_alone": span_only["pair_auc"], "top1_span_alone": span_only["top1"]}


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 50) -> np.ndarray:
    """Weights (w1, w2, bias) of P(y=1) = sigmoid(x·w + b), by Newton's method (ridge 1e-3)."""
    X = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(X @ w)))
        grad = X.T @ (p - y) + 1e-3 * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + 1e-3 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def summarise(pairs, probs: np.ndarray, spans, ms: float) -> dict:
    labels = np.array([e.label for e in pairs])
    by_q: dict[str, list[int]] = {}
    for i, e in enumerate(pairs):
        by_q.setdefault(e.question, []).append(i)
    top1 = [labels[max(ix, key=lambda i: probs[i])] for ix in by_q.values() if labels[ix].max() > 0]
    pos = [i for i, e in enumerate(pairs) if e.label > 0 and e.answers and spans[i]]
    pred = [pairs[i].sentence[spans[i][0]:spans[i][1]] for i in pos]
    return {"pairs": len(pairs), "pair_auc": round(auc(probs, labels), 4), "top1": round(float(np.mean(top1)), 4),
            "span_em": round(float(np.mean([exact_match(p, pairs[i].answers) for p, i in zip(pred, pos)])), 4),
            "span_f1": round(float(np.mean([f1(p, pairs[i].answers) for p, i in zip(pred, pos)])), 4),
            "ms_per_pair": round(ms, 2)}


def main(argv=None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    model = ROOT / "rag" / "reader" / "model"
    files = [Path(a) for a in argv] or [ROOT / "build" / "reader" / "reader-fp32.onnx", model / "reader.onnx"]
    pairs = calibration_pairs()
    out = {f.name: measure(f, model / "tokenizer.json", pairs) for f in files if f.exists()}
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
