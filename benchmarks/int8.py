"""int8 embedding vectors against fp32: retrieval, answers, top-10 agreement and ingest speed.

The decision rule (issue "big stores"): int8 becomes the default only if, on articles not
fitted on, retrieval hit within 1,500 characters and answer hit each drop by ≤ 0.005 and
the top-10 sentence lists agree ≥ 0.95 with fp32. Measured here on the held-out *test*
articles of training/split.py (the same questions for both variants; ``rag eval``'s own
figures), plus ingest speed of both variants and of the LangChain recipe as its users write
it (batched ``add_documents``), each in its own process on the same generated articles.

    python benchmarks/int8.py [--n 500] [--articles 300]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import scale  # noqa: E402
from benchmarks.quality import write_section  # noqa: E402
from rag.eval import Evaluation, sample, squad_dataset, write_articles  # noqa: E402
from rag.settings import EmbeddingSettings, Settings  # noqa: E402
from training import split  # noqa: E402

VARIANTS = ("fp32", "int8")


def quality(data, n: int, seed: int) -> dict:
    return {v: Evaluation(data, Settings(embedding=EmbeddingSettings(variant=v))).run(n, seed).to_dict()
            for v in VARIANTS}


def agreement(data, n: int, seed: int, work: Path) -> float:
    """Mean share of fp32's top-10 sentences that int8 also returns (same questions)."""
    from ingest import ingest
    from rag import ArticleQA

    paths = write_articles(data.articles, work / "articles")
    tops = {}
    for v in VARIANTS:
        settings = Settings(db=work / f"db-{v}", embedding=EmbeddingSettings(variant=v))
        ingest(paths, settings=settings)
        qa = ArticleQA(settings=settings)
        tops[v] = [{(p.article_id, p.start, p.end) for p in qa.retrieve(q.text, k=10)}
                   for q in sample(data.answerable(), n, seed)]
    return sum(len(a & b) / max(1, len(a)) for a, b in zip(tops["fp32"], tops["int8"])) / len(tops["fp32"])


def ingest_speed(n_articles: int, work: Path) -> dict:
    corpus = work / "corpus"
    scale.make_corpus(n_articles, corpus)
    chars = scale.corpus_chars(corpus)
    out = {}
    for v in VARIANTS:
        scale.ENV["RAG_EMBEDDING__VARIANT"] = v
        out[v] = chars / scale.run_child(scale.INGEST, str(corpus), str(work / f"speed-{v}"), "")["seconds"]
    scale.ENV.pop("RAG_EMBEDDING__VARIANT")
    out["peer"] = chars / scale.run_child(scale.PEER_INGEST, str(corpus), str(work / "speed-peer"))["seconds"]
    return out


def report(q: dict, agree: float, speed: dict, args) -> str:
    f, i = q["fp32"], q["int8"]
    d_ret, d_ans = i["retrieval_hit"] - f["retrieval_hit"], i["answer_hit"] - f["answer_hit"]
    ok = d_ret >= -0.005 and d_ans >= -0.005 and agree >= 0.95
    rows = [("retrieval hit (1,500 chars)", "retrieval_hit"), ("answer hit", "answer_hit"), ("short F1", "f1"),
            ("answerable refused", "wrongly_refused"), ("unanswerable refused", "unanswerable_refused"),
            ("ask p50 ms", "ask_p50_ms")]
    lines = [f"## int8 embedding vectors vs fp32 ({', '.join(split.TEST)}, {f['answerable']} answerable questions)", "",
             f"Measured {date.today()}: `python benchmarks/int8.py --n {args.n} --articles {args.articles}`.", "",
             "| | fp32 | int8 | change |", "|---|---:|---:|---:|"]
    lines += [f"| {label} | {f[k]:.3f} | {i[k]:.3f} | {i[k] - f[k]:+.3f} |" for label, k in rows]
    lines += [f"| top-10 sentences shared with fp32 | 1.000 | {agree:.3f} | |",
              f"| ingest chars/s ({args.articles} generated articles) | {speed['fp32']:,.0f} | {speed['int8']:,.0f} "
              f"| {speed['int8'] / speed['fp32']:.2f}× |", "",
              f"Peer (batched `add_documents`, same articles, same run): {speed['peer']:,.0f} chars/s — fp32 "
              f"{speed['fp32'] / speed['peer']:.2f}×, int8 {speed['int8'] / speed['peer']:.2f}× the peer.", "",
              f"Rule (drops ≤ 0.005, agreement ≥ 0.95): **{'met: int8 can be the default' if ok else 'not met: fp32 stays the default'}**.", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--articles", type=int, default=300, help="generated articles for the ingest-speed runs")
    args = ap.parse_args()
    data = squad_dataset(split.held_out(split.TEST)["data"])
    with tempfile.TemporaryDirectory(prefix="rag-int8-") as tmp:
        q = quality(data, args.n, args.seed)
        agree = agreement(data, args.n, args.seed, Path(tmp))
        speed = ingest_speed(args.articles, Path(tmp))
    print(json.dumps({"quality": q, "agreement": agree, "speed": speed}))
    text = report(q, agree, speed, args)
    write_section(text, "int8")
    print(text)


if __name__ == "__main__":
    main()
