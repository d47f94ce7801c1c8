"""Calibrate the extractive answerer's refusal threshold (``RAG_ANSWER__MIN_SCORE``).

Builds a store from the SQuAD 2.0 dev half (every other article left out), then records the
refusal test's ``evidence`` for answerable questions about stored articles and for
questions about the left-out ones. Prints the threshold that wrongly refuses a given share
of the answerable ones and how many left-out questions it refuses, on a second, disjoint
sample (so the figure is not measured on the data it was fitted to).

    python benchmarks/calibrate.py [--data ../shared/data/squad2-dev-half.json] [--n 500]
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from ingest import ingest
from rag import ArticleQA
from rag.answerers.extractive import evidence
from rag.eval import load_squad, write_articles
from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def evidences(qa, questions) -> np.ndarray:
    out = []
    for q in questions:
        cands = qa.answerer.rank(q.text, qa.retriever.search(q.text, qa.settings.answer.passages))
        out.append(evidence(cands) if cands else 0.0)
    return np.array(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "squad2-dev-half.json"))
    ap.add_argument("--n", type=int, default=500, help="questions per sample")
    ap.add_argument("--wrong", type=float, default=0.03, help="share of answerable questions refused")
    args = ap.parse_args()
    data = load_squad(args.data)
    kept = set(range(0, len(data.articles), 2))
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_articles(data.articles, Path(tmp) / "articles")
        settings = Settings(db=Path(tmp) / "db")
        ingest([paths[i] for i in sorted(kept)], settings=settings)
        qa = ArticleQA(settings=settings)
        inside = data.answerable(kept)
        outside = data.answerable(set(range(len(data.articles))) - kept)
        rng = np.random.default_rng(0)
        fit_in, test_in = np.split(rng.permutation(len(inside))[: 2 * args.n], 2)
        fit_out, test_out = np.split(rng.permutation(len(outside))[: 2 * args.n], 2)
        e_fit = evidences(qa, [inside[i] for i in fit_in])
        threshold = float(np.percentile(e_fit, 100 * args.wrong))
        e_in = evidences(qa, [inside[i] for i in test_in])
        e_out = evidences(qa, [outside[i] for i in test_out])
    print(f"threshold {threshold:.3f} (refuses {args.wrong:.0%} of the fitting sample)")
    print(f"held-out: answerable wrongly refused {np.mean(e_in < threshold):.3f}, "
          f"not-in-store refused {np.mean(e_out < threshold):.3f}")
    for t in np.arange(0.36, 0.52, 0.02):
        print(f"  at {t:.2f}: wrongly refused {np.mean(e_in < t):.3f}, not-in-store refused {np.mean(e_out < t):.3f}")


if __name__ == "__main__":
    main()
