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
import dataclasses
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from rag.eval import Question, contains, squad_dataset, write_articles  # noqa: E402
from training import split  # noqa: E402

OFF_STORE = "Doctor_Who"  # a calibration article left out of the store


@dataclass
class Read:
    """One question's candidates as the reader saw them."""

    article: int
    answerable: bool
    feats: np.ndarray  # per candidate: answer logit, span diff, heuristic score
    probs: np.ndarray  # per candidate: the reader's own probability
    gold: np.ndarray  # per candidate: holds a gold answer


def read_all(qa, questions: list[Question]) -> list[Read]:
    from rag.reader.model import load_reader

    reader = load_reader(qa.settings.answer.reader_model)
    out = []
    for q in questions:
        turn, passages = qa.plan(q.text)
        cands = qa.answerer.read_candidates(reader, turn.question, passages)
        feats = np.array([[c.reading.logit, max(c.reading.diff, -50.0), c.heuristic] for c in cands]).reshape(-1, 3)
        gold = np.array([bool(q.answers) and contains(c.text, q.answers) for c in cands], dtype=bool)
        out.append(Read(q.article, bool(q.answers), feats, np.array([c.reading.prob for c in cands]), gold))
    return out


def fit_blend(reads: list[Read]):
    """Logistic regression over candidates: does this sentence hold the answer?"""
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([r.feats for r in reads if len(r.feats)])
    y = np.concatenate([r.gold for r in reads if len(r.feats)])
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    return [*map(float, lr.coef_[0]), float(lr.intercept_[0])]


def blended(weights, feats: np.ndarray) -> np.ndarray:
    z = feats @ np.array(weights[:3]) + weights[3]
    return 1.0 / (1.0 + np.exp(-z))


def scored(reads: list[Read], weights=None) -> tuple[np.ndarray, np.ndarray]:
    """Per question: the best candidate's probability and whether that candidate holds the answer."""
    best, hit = [], []
    for r in reads:
        p = (blended(weights, r.feats) if weights else r.probs) if len(r.feats) else np.array([0.0])
        i = int(np.argmax(p))
        best.append(float(p[i]))
        hit.append(bool(len(r.gold)) and bool(r.gold[i]))
    return np.array(best), np.array(hit)


def summary(reads: list[Read], weights=None, max_wrong: float = 0.04) -> dict:
    """hit@1 on answerable questions, and refusals at the threshold that refuses ≤ max_wrong of them."""
    best, hit = scored(reads, weights)
    ans = np.array([r.answerable and r.article >= 0 for r in reads])
    neg = ~ans
    t = threshold_for(best[ans], max_wrong)
    return {"hit_at_1": round(float(hit[ans].mean()), 4), "threshold": t,
            "negatives_refused": round(float((best[neg] < t).mean()), 4)}


def threshold_for(answerable_best: np.ndarray, max_wrong: float) -> float:
    grid = np.arange(0.01, 0.99, 0.005)
    ok = [t for t in grid if (answerable_best < t).mean() <= max_wrong]
    return round(float(max(ok)) if ok else 0.05, 3)


def choose_blend(reads: list[Read], cal_articles: list[int], max_wrong: float) -> tuple[list | None, dict]:
    """Blend in the heuristic score only if it measures better on articles it was not fitted
    on: fitted on one calibration article, scored on the other(s), both ways round."""
    plain = {a: summary([r for r in reads if r.article in (a, -1)], None, max_wrong) for a in cal_articles}
    cross = {}
    for a in cal_articles:
        w = fit_blend([r for r in reads if r.article not in (a, -1)])
        cross[a] = summary([r for r in reads if r.article in (a, -1)], w, max_wrong)
    gain = np.mean([cross[a]["hit_at_1"] - plain[a]["hit_at_1"] for a in cal_articles])
    refuse = np.mean([cross[a]["negatives_refused"] - plain[a]["negatives_refused"] for a in cal_articles])
    report = {"reader_only": plain, "blend_cross_fitted": cross, "hit_gain": round(float(gain), 4),
              "negatives_refused_gain": round(float(refuse), 4)}
    use = gain >= 0.01 and refuse >= -0.01
    report["blend_used"] = bool(use)
    return (fit_blend(reads) if use else None), report


def curve(ans: np.ndarray, unans: np.ndarray, off: np.ndarray) -> list[dict]:
    return [{"threshold": round(float(t), 3), "answerable_refused": round(float((ans < t).mean()), 4),
             "unanswerable_refused": round(float((unans < t).mean()), 4),
             "off_store_refused": round(float((off < t).mean()), 4)}
            for t in np.arange(0.05, 0.96, 0.05)]


def _first(items: list, n: int) -> list:
    return items[:n] if n else items


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "rag" / "reader" / "model")
    ap.add_argument("--max-wrong", type=float, default=0.04, help="answerable questions refused, at most")
    ap.add_argument("--limit", type=int, default=0, help="first N questions of each article only (smoke test)")
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
        s = s.override(answer=s.answer.model_copy(update={"reader": "trained", "reader_model": args.model, "min_answer_prob": 0.0}))
        ingest(write_articles(stored, Path(tmp) / "articles"), settings=s)
        qa = ArticleQA(settings=s)
        cal_qs = [q for a in sorted(cal) for q in _first([q for q in data.questions if q.article == a], args.limit)]
        off_qs = [dataclasses.replace(q, article=-1)
                  for q in _first([q for q in data.questions if q.article == off_idx], args.limit)]
        reads = read_all(qa, cal_qs + off_qs)
    weights, blend_report = choose_blend(reads, sorted(cal), args.max_wrong)
    best, hits = scored(reads, weights)
    is_ans = np.array([r.answerable and r.article >= 0 for r in reads])
    is_off = np.array([r.article == -1 for r in reads])
    ans, unans, off = best[is_ans], best[~is_ans & ~is_off], best[is_off]
    threshold = threshold_for(ans, args.max_wrong)
    meta_file = args.model / "reader.json"
    meta = json.loads(meta_file.read_text())
    meta["threshold"] = threshold
    meta.pop("blend", None)
    if weights:
        meta["blend"] = {"weights": weights, "features": ["answer logit", "span diff", "heuristic score"]}
    meta["calibration"] = {"articles": [a for a in split.CALIBRATE], "off_store_article": OFF_STORE,
                           "distractors": "all training articles", "answerable": len(ans),
                           "unanswerable": len(unans), "off_store": len(off),
                           "best_sentence_hit": round(float(hits[is_ans].mean()), 4),
                           "blend": blend_report,
                           "at_threshold": curve(ans, unans, off)[0] | {
                               "threshold": threshold, "answerable_refused": round(float((ans < threshold).mean()), 4),
                               "unanswerable_refused": round(float((unans < threshold).mean()), 4),
                               "off_store_refused": round(float((off < threshold).mean()), 4)},
                           "curve": curve(ans, unans, off)}
    meta_file.write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(blend_report, indent=1))
    print(json.dumps(meta["calibration"]["at_threshold"], indent=1))
    for row in meta["calibration"]["curve"]:
        print(row)


if __name__ == "__main__":
    main()
