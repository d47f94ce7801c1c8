"""Does searching the sentence vectors in our persisted index (rag.dense) find what Chroma's
own HNSW index finds? Recall@10 of each against the exact nearest sentences (a full scan of
the stored vectors; a hit is a sentence scoring at least the exact 10th best, so ties count),
how often the two top-10 lists share ids, and how often their best cosine is the same.

    python benchmarks/local_vectors.py --db DIR --questions Q [--n 200] [--embedder fake]

The store's persisted index must hold the vectors (any `rag ask` on it with the default
settings builds them once). Answer hit and speed with each: ``benchmarks/existing_store.py``
with and without ``--chroma-vectors``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--questions", required=True, help="JSON list of {question, answers}")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--embedder", default="onnx", choices=["onnx", "fake"])
    args = ap.parse_args()
    if args.embedder == "fake":
        os.environ["RAG_EMBEDDING__BACKEND"] = "fake"
        import tests.fakes  # noqa: F401  (registers the hash embedder)
    from rag import ArticleQA, dense
    from rag.settings import Settings

    qa = ArticleQA(settings=Settings(db=args.db))
    snap = qa.retriever.refresh()
    if snap.dense is None:
        sys.exit("this store's index holds no vectors (RAG_RETRIEVAL__LOCAL_VECTORS is off?)")
    exact = dense.DenseIndex(np.asarray(snap.dense.base), None, snap.dense.delta)  # read into memory once
    questions = json.loads(Path(args.questions).read_text(encoding="utf-8"))[:args.n]
    sid = lambda r, k: f"{snap.table.locator(r).id}:{k}"  # noqa: E731
    rec_local, rec_chroma, agree, best = [], [], [], []
    for q in questions:
        qv = qa.embedder.embed_query(q["question"])
        floor = exact.search(snap.table, qv, 10)[-1][2] - 1e-5  # the exact 10th best cosine
        local = snap.dense.search(snap.table, qv, 10)
        chroma = qa.store.query(qv.tolist(), 10)
        # Recall counts scores, not ids: the hash embedder ties a lot, and any of a tie is right.
        rec_local.append(sum(c >= floor for *_, c in local) / 10)
        rec_chroma.append(sum(c >= floor for _, c in chroma) / 10)
        agree.append(len({sid(r, k) for r, k, _ in local} & {i for i, _ in chroma}) / 10)
        best.append(abs(local[0][2] - chroma[0][1]) < 1e-5)
    print(json.dumps({"questions": len(questions), "sentences": len(snap.dense.base),
                      "graph": snap.dense.graph is not None,
                      "recall10_local": round(float(np.mean(rec_local)), 4),
                      "recall10_chroma": round(float(np.mean(rec_chroma)), 4),
                      "top10_agreement": round(float(np.mean(agree)), 4),
                      "same_best_cosine": round(float(np.mean(best)), 4)}))


if __name__ == "__main__":
    main()
