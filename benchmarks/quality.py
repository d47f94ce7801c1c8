"""Head-to-head quality benchmark: this project vs the standard LangChain recipe (the peer).

Both run in this one process, on the same SQuAD 2.0 articles and the same seeded questions:

- ours: ``rag eval`` (hybrid sentence retrieval + the offline extractive answerer);
- the peer: RecursiveCharacterTextSplitter(1000, 200) → Chroma (cosine) with
  HuggingFaceEmbeddings(all-MiniLM-L6-v2) → ``similarity_search`` top-k. It has no
  answerer, so its "answer" is its best chunk, and it never refuses.

Writes the side-by-side table to benchmarks/RESULTS.md (the "quality" section).

    python benchmarks/quality.py [--data ../shared/data/squad2-dev-half.json] [--n 500] [--seed 0]
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from rag.eval import BUDGET_CHARS, Evaluation, contains, load_squad, mean, percentile, sample, within_budget  # noqa: E402
from rag.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def peer(data, questions, budget: int) -> dict:
    """The standard recipe, measured like ours."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.embedders import bundled_model_path

    emb = HuggingFaceEmbeddings(model_name=bundled_model_path(), encode_kwargs={"normalize_embeddings": True})
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        docs = splitter.split_documents([Document(text, metadata={"title": t}) for t, text in data.articles])
        store = Chroma("peer", embedding_function=emb, persist_directory=tmp,
                       collection_metadata={"hnsw:space": "cosine"})
        store.add_documents(docs)
        ingest_s = time.perf_counter() - t0
        hits, answer_hits, lengths, times = [], [], [], []
        for q in questions:
            t0 = time.perf_counter()
            found = store.similarity_search(q.text, k=4)
            times.append((time.perf_counter() - t0) * 1000)
            hits.append(contains(within_budget([d.page_content for d in found], budget), q.answers))
            answer_hits.append(contains(found[0].page_content, q.answers))
            lengths.append(len(found[0].page_content))
    return {"retrieval_hit": mean(hits), "answer_hit": mean(answer_hits), "mean_answer_chars": mean(lengths),
            "wrongly_refused": 0.0, "out_of_store_refused": 0.0, "unanswerable_refused": 0.0,
            "ask_p50_ms": percentile(times, 50), "ask_p95_ms": percentile(times, 95),
            "ingest_chars_per_s": sum(len(t) for _, t in data.articles) / ingest_s}


ROWS = [  # key, label, format, target
    ("retrieval_hit", f"retrieval hit within {BUDGET_CHARS:,} chars", "{:.3f}", "≥ 0.95"),
    ("answer_hit", "answer hit (gold answer in the answer)", "{:.3f}", "≥ 0.85"),
    ("mean_answer_chars", "mean answer length (chars)", "{:.0f}", "≤ 300"),
    ("citation_correct", "citations quoting the gold answer", "{:.3f}", ""),
    ("f1", "SQuAD F1 of the answer", "{:.3f}", ""),
    ("wrongly_refused", "answerable questions refused", "{:.3f}", "≤ 0.05"),
    ("out_of_store_refused", "questions on articles not in the store refused", "{:.3f}", "≥ 0.95"),
    ("unanswerable_refused", "SQuAD unanswerable questions refused", "{:.3f}", ""),
    ("ask_p50_ms", "ask p50 (ms)", "{:.1f}", "≤ 1.5× peer"),
    ("ask_p95_ms", "ask p95 (ms)", "{:.1f}", ""),
    ("ingest_chars_per_s", "ingest throughput (chars/s)", "{:,.0f}", ""),
]


def table(ours: dict, theirs: dict, args) -> str:
    lines = [f"## Quality: SQuAD 2.0 dev half ({ours['articles']} articles, {ours['answerable']} answerable, "
             f"{ours['unanswerable']} unanswerable, {ours['out_of_store']} not-in-store questions; seed {args.seed})",
             "",
             f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores: "
             f"`python benchmarks/quality.py --n {args.n} --seed {args.seed}`.",
             "The peer: RecursiveCharacterTextSplitter(1000, 200) + Chroma + HuggingFaceEmbeddings(all-MiniLM-L6-v2), "
             "top-4 similarity search; its answer is its best chunk and it never refuses.",
             "", "| measure | ours | peer | ours / peer | target |", "|---|---:|---:|---:|---|"]
    for key, label, fmt, target in ROWS:
        a, b = ours.get(key), theirs.get(key)
        ratio = f"{a / b:.2f}×" if isinstance(b, float) and b else "–"
        lines.append(f"| {label} | {fmt.format(a)} | {fmt.format(b) if b is not None else '–'} | {ratio} | {target} |")
    return "\n".join(lines) + "\n"


def write_section(text: str, name: str = "quality") -> None:
    """Replace this benchmark's section of RESULTS.md, keeping the others."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = f"{begin}\n{text}{end}"
    if begin in old:
        new = old[: old.index(begin)] + block + old[old.index(end) + len(end):]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(new, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "squad2-dev-half.json"))
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    data = load_squad(args.data)
    ours = Evaluation(data, Settings()).run(args.n, args.seed).to_dict()
    theirs = peer(data, sample(data.answerable(), args.n, args.seed), BUDGET_CHARS)
    text = table(ours, theirs, args)
    write_section(text)
    print(text)


if __name__ == "__main__":
    main()
