"""`rag serve` overhead: the same questions through the OpenAI-compatible server (a real
`rag serve` process, the official `openai` client) and through `ArticleQA.ask` in this process,
each on its own copy of the same store, in the same run. Reports medians and the p50
overhead (target: ≤ 10 ms per question). Appends a "serve" section to benchmarks/RESULTS.md.

    python benchmarks/serve.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
QUESTIONS = ["What did Iran offer?", "Who is the U.S. ambassador?", "How long did the meeting last?",
             "What did the Americans accuse Iran of?", "Where did the talks take place?",
             "When will the two sides meet again?", "What is the capital of France?", "Who is Hassan Kazemi Qomi?"]


def start_server(db: Path, port: int) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--db", str(db), "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("rag serve did not start")


def timed(fn, rounds: int) -> list[float]:
    for q in QUESTIONS:  # warm-up: caches, indexes, connections
        fn(q)
    out = []
    for _ in range(rounds):
        for q in QUESTIONS:
            t = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from openai import OpenAI

    from ingest import ingest
    from rag import ArticleQA
    from tests.server import free_port

    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    ingest([str(ROOT / "examples" / "articles")], db=tmp / "a")
    shutil.copytree(tmp / "a", tmp / "b")
    port = free_port()
    proc = start_server(tmp / "b", port)
    try:
        client = OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="none")
        qa = ArticleQA(db=tmp / "a")
        direct = timed(lambda q: qa.ask(q), args.rounds)
        served = timed(lambda q: client.chat.completions.create(
            model="news-rag", messages=[{"role": "user", "content": q}]), args.rounds)
    finally:
        proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    d, s = statistics.median(direct), statistics.median(served)
    report = (f"\n## rag serve overhead ({date.today()}, sample article, {len(direct)} questions each)\n\n"
              f"| path | p50 ms | p95 ms |\n| --- | --- | --- |\n"
              f"| `ArticleQA.ask` in-process | {d:.1f} | {_p95(direct):.1f} |\n"
              f"| `rag serve` via the `openai` client | {s:.1f} | {_p95(served):.1f} |\n\n"
              f"p50 overhead: **{s - d:.1f} ms** per question (target ≤ 10 ms). "
              f"Command: `python benchmarks/serve.py --rounds {args.rounds}`.\n")
    print(report)
    with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as f:
        f.write(report)


def _p95(xs: list[float]) -> float:
    return sorted(xs)[int(0.95 * (len(xs) - 1))]


if __name__ == "__main__":
    main()
