"""Ask latency, peak memory and one-shot `rag ask` wall time on a store that already exists.

For stores too slow to rebuild per run (10,000 articles with the real model take ~25 min to
ingest here; 100,000 with the hash embedder ~50 min): build one once with
``python benchmarks/scale.py --sizes 10000 --modes embedded --no-peer --no-cold --work DIR``
(it keeps ``DIR/db-embedded-10000`` and ``DIR/questions.json``), then measure it as often as
needed. Each figure comes from its own process (scale.py's).

    python benchmarks/existing_store.py --db DIR/db-embedded-10000 --questions DIR/questions.json [--runs 7]
    python benchmarks/existing_store.py --db DIR/db-embedded-100000 --questions Q --embedder fake
    chroma run --path DIR/db-embedded-100000 --port 8765 &     # the same files behind a server
    python benchmarks/existing_store.py --chroma-url http://localhost:8765 --questions Q --embedder fake

Against a server the first process builds its index cache (once; reported separately).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import scale  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="", help="an embedded store directory")
    ap.add_argument("--chroma-url", default="", help="or a Chroma server serving the store")
    ap.add_argument("--questions", required=True, help="JSON list of {question, answers}")
    ap.add_argument("--runs", type=int, default=7, help="one-shot `rag ask` runs for the median")
    ap.add_argument("--embedder", default="onnx", choices=["onnx", "fake"],
                    help="fake: the store was built with the test suite's hash embedder")
    ap.add_argument("--corpus", default="", help="the store's article folder: also time a one-shot right after "
                    "another process re-ingested 5 edited articles (3 rounds; the files are edited)")
    ap.add_argument("--chroma-vectors", action="store_true",
                    help="query Chroma's vector index, not the persisted index's (RAG_RETRIEVAL__LOCAL_VECTORS=false)")
    args = ap.parse_args()
    if args.chroma_vectors:
        scale.ENV["RAG_RETRIEVAL__LOCAL_VECTORS"] = "false"  # the children's environment
    if bool(args.db) == bool(args.chroma_url):
        ap.error("give --db DIR or --chroma-url URL")
    if args.embedder == "fake":
        scale.ENV["RAG_EMBEDDING__BACKEND"] = "fake"  # the children's prelude registers it
    question = json.loads(Path(args.questions).read_text(encoding="utf-8"))[0]["question"]
    where = ["--chroma-url", args.chroma_url] if args.chroma_url else ["--db", args.db]
    cmd = [sys.executable, "-c", textwrap.dedent(scale.ONE_SHOT), "ask", question, *where]
    t0 = time.perf_counter()
    scale._wall(cmd)  # a server's first reader builds its index cache; an embedded one finds it
    first = time.perf_counter() - t0
    walls = [scale._wall(cmd) for _ in range(args.runs)]
    ask = scale.run_child(scale.ASK, args.db, args.chroma_url, args.questions)
    if args.corpus:
        changed = scale.first_asks(Path(args.db), args.chroma_url, Path(args.corpus), question)
        ask["one_shot_after_5_changed_s"] = round(changed["first_ask_changed_s"], 2)
    print(json.dumps({**ask, "first_process_s": round(first, 2), "one_shot_s": [round(w, 2) for w in walls],
                      "one_shot_median_s": round(statistics.median(walls), 2)}))


if __name__ == "__main__":
    main()
