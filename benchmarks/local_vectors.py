"""Does searching the sentence vectors in our persisted index (rag.dense) find what Chroma's
own HNSW index finds? Recall@10 of each against the exact nearest sentences (a full scan of
the stored vectors), and how often the two top-10 lists agree, on an existing embedded store.

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
    rec_local, rec_chroma, agree, top1 = [], [], [], []
    for q in questions:
        qv = qa.embedder.embed_query(q["question"])
        truth = {sid(r, k) for r, k, _ in exact.search(snap.table, qv, 10)}
        local = [sid(r, k) for r, k, _ in snap.dense.search(snap.table, qv, 10)]
        chroma = [i for i, _ in qa.store.query(qv.tolist(), 10)]
        rec_local.append(len(truth & set(local)) / 10)
        rec_chroma.append(len(truth & set(chroma)) / 10)
        agree.append(len(set(local) & set(chroma)) / 10)
        top1.append(local[:1] == chroma[:1])
    print(json.dumps({"questions": len(questions), "sentences": len(snap.dense.base),
                      "graph": snap.dense.graph is not None,
                      "recall10_local": round(float(np.mean(rec_local)), 4),
                      "recall10_chroma": round(float(np.mean(rec_chroma)), 4),
                      "top10_agreement": round(float(np.mean(agree)), 4),
                      "top1_agreement": round(float(np.mean(top1)), 4)}))


if __name__ == "__main__":
    main()
