"""How fast the embedding model runs, by how it is fed: sentences a second on real news.

The sentences of the first 300 Wikinews articles of ../shared/data/wikinews/, embedded with the
bundled model's ONNX export in each way below, one after another in this process, after a
warm-up; plus sentence-transformers (torch, what the LangChain recipe runs) for reference.

- "one run at a time, N intra-op threads": how the embedder ran before 2026-12-03;
- "N runs in flight, one thread each": how it runs now (rag.runtime.InFlight), by batch size.

    python benchmarks/embed_speed.py [--articles 300]
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.quality import write_section  # noqa: E402
from rag.embedders.onnx import cache_root, export_path, OnnxEmbedder, onnx_embedder  # noqa: E402
from rag.embedders.sentence_transformers import model_path  # noqa: E402
from rag.runtime import InFlight  # noqa: E402
from rag.settings import EmbeddingSettings  # noqa: E402
from rag.text import sentence_spans  # noqa: E402

WIKINEWS = ROOT.parent / "shared" / "data" / "wikinews"


def news_sentences(n_articles: int) -> list[str]:
    csv.field_size_limit(1 << 24)
    texts = []
    for f in sorted(WIKINEWS.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            texts += [row["text"] for row in csv.DictReader(fh)]
    return [t[s:e] for t in texts[:n_articles] for s, e in sentence_spans(t)]


def rate(embed, sentences: list[str]) -> float:
    embed(sentences[:200])  # warm-up
    t = time.perf_counter()
    embed(sentences)
    return len(sentences) / (time.perf_counter() - t)


def intra_op(threads: int, batch: int) -> OnnxEmbedder:
    """The embedder as it ran before: one run at a time, ``threads`` intra-op threads."""
    import onnxruntime as ort

    settings = EmbeddingSettings()
    e = onnx_embedder(settings)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads, opts.log_severity_level = threads, 3
    e.session = ort.InferenceSession(str(export_path(model_path(settings), cache_root(settings))), opts,
                                     providers=["CPUExecutionProvider"])
    e.batch_size, e.runs = batch, InFlight(1)
    return e


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=300)
    args = ap.parse_args()
    sents = news_sentences(args.articles)
    cores = os.cpu_count() or 1
    rows = []
    for batch in (4, 16, 64):
        rows.append((f"one run at a time, {min(4, cores)} intra-op threads, batch {batch}",
                     rate(intra_op(min(4, cores), batch).embed_documents, sents)))
    for batch in (1, 4, 8, 16):
        e = onnx_embedder(EmbeddingSettings(batch_size=batch))
        rows.append((f"{e.runs.callers} runs in flight, one thread each, batch {batch}", rate(e.embed_documents, sents)))
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(model_path(EmbeddingSettings()), device="cpu")
    for batch in (16, 32):
        rows.append((f"sentence-transformers (torch), batch {batch}",
                     rate(lambda t, b=batch: st.encode(t, batch_size=b, show_progress_bar=False), sents)))
    text = "\n".join([f"## Embedding speed by how the model is fed ({len(sents):,} Wikinews sentences)", "",
                      f"Measured {date.today()} on {cores} cores: `python benchmarks/embed_speed.py --articles "
                      f"{args.articles}`. The bundled model's fp32 ONNX export unless said; one configuration after "
                      "another in one process, each after a warm-up.", "",
                      "| how | sentences/s |", "|---|---:|", *[f"| {name} | {r:,.0f} |" for name, r in rows]]) + "\n"
    write_section(text, "embed-speed")
    print(text)


if __name__ == "__main__":
    main()
