"""Fit the trained reader's refusal threshold on held-out calibration articles.

    python training/calibrate_reader.py        # ~5 min; updates rag/reader/model/reader.json

The store holds the calibration articles (training/split.py: CALIBRATE) among all the
training articles as distractors, minus one calibration article whose questions then ask
about something the store does not hold. Every question is answered with the threshold at
0, so the best sentence's probability is seen for: answerable questions, SQuAD 2.0
unanswerable ones, and off-store ones. The threshold is the highest one that wrongly refuses
at most ``--max-wrong`` of the answerable questions; the whole trade-off curve is stored
beside it (and printed) for RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from rag.eval import Question, contains, squad_dataset, write_articles  # noqa: E402
from training import split  # noqa: E402

OFF_STORE = "Doctor_Who"  # a calibration article left out of the store


def best_probs(qa, questions: list[Question]) -> tuple[np.ndarray, np.ndarray]:
    """Best sentence probability per question, and whether that answer held a gold answer."""
    probs, hits = [], []
    for q in questions:
        ans = qa.ask(q.text)
        probs.append(ans.citations[0].score if ans.citations else 0.0)
        hits.append(bool(q.answers) and contains(ans.text, q.answers))
    return np.array(probs), np.array(hits)


def curve(ans: np.ndarray, unans: np.ndarray, off: np.ndarray) -> list[dict]:
    return [{"threshold": round(float(t), 3), "answerable_refused": round(float((ans < t).mean()), 4),
             "unanswerable_refused": round(float((unans < t).mean()), 4),
             "off_store_refused": round(float((off < t).mean()), 4)}
            for t in np.arange(0.05, 0.96, 0.05)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "rag" / "reader" / "model")
    ap.add_argument("--max-wrong", type=float, default=0.04, help="answerable questions refused, at most")
    args = ap.parse_args(argv)
    from ingest import ingest
    from rag.api import ArticleQA
    from rag.settings import Settings

    chosen = [a for a in split.load_articles() if a["title"] not in split.TEST]
    data = squad_dataset(chosen)
    off_idx = next(i for i, a in enumerate(chosen) if a["title"] == OFF_STORE)
    stored = [a for i, a in enumerate(data.articles) if i != off_idx]
    cal = {i for i, a in enumerate(chosen) if a["title"] in split.CALIBRATE and i != off_idx}
    with tempfile.TemporaryDirectory() as tmp:
        s = Settings().override(db=Path(tmp) / "db")
        s = s.override(answer=s.answer.model_copy(update={"reader_model": args.model, "min_answer_prob": 0.0}))
        ingest(write_articles(stored, Path(tmp) / "articles"), settings=s)
        qa = ArticleQA(settings=s)
        ans, hits = best_probs(qa, [q for q in data.questions if q.article in cal and q.answers])
        unans, _ = best_probs(qa, [q for q in data.questions if q.article in cal and not q.answers])
        off, _ = best_probs(qa, [q for q in data.questions if q.article == off_idx])
    grid = np.arange(0.01, 0.99, 0.005)
    ok = [t for t in grid if (ans < t).mean() <= args.max_wrong]
    threshold = round(float(max(ok)) if ok else 0.05, 3)
    meta_file = args.model / "reader.json"
    meta = json.loads(meta_file.read_text())
    meta["threshold"] = threshold
    meta["calibration"] = {"articles": [a for a in split.CALIBRATE], "off_store_article": OFF_STORE,
                           "distractors": "all training articles", "answerable": len(ans),
                           "unanswerable": len(unans), "off_store": len(off),
                           "answer_hit_at_threshold_0": round(float(hits.mean()), 4),
                           "at_threshold": curve(ans, unans, off)[0] | {
                               "threshold": threshold, "answerable_refused": round(float((ans < threshold).mean()), 4),
                               "unanswerable_refused": round(float((unans < threshold).mean()), 4),
                               "off_store_refused": round(float((off < threshold).mean()), 4)},
                           "curve": curve(ans, unans, off)}
    meta_file.write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta["calibration"]["at_threshold"], indent=1))
    for row in meta["calibration"]["curve"]:
        print(row)


if __name__ == "__main__":
    main()
