"""Ask latency, peak memory and one-shot `rag ask` wall time on a store that already exists.

For stores too slow to rebuild per run (10,000 articles with the real model take ~25 min to
ingest here): build one once with ``python benchmarks/scale.py --sizes 10000 --modes embedded
--no-peer --no-cold --work DIR`` (it keeps ``DIR/db-embedded-10000`` and ``DIR/questions.json``),
then measure it as often as needed. Each figure comes from its own process (scale.py's).

    python benchmarks/existing_store.py --db DIR/db-embedded-10000 --questions DIR/questions.json [--runs 7]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import scale  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--questions", required=True, help="JSON list of {question, answers}")
    ap.add_argument("--runs", type=int, default=7, help="one-shot `rag ask` runs for the median")
    args = ap.parse_args()
    ask = scale.run_child(scale.ASK, args.db, "", args.questions)
    question = json.loads(Path(args.questions).read_text(encoding="utf-8"))[0]["question"]
    cmd = [sys.executable, "-m", "rag", "ask", question, "--db", args.db]
    walls = [scale._wall(cmd) for _ in range(args.runs)]
    print(json.dumps({**ask, "one_shot_s": [round(w, 2) for w in walls],
                      "one_shot_median_s": round(statistics.median(walls), 2)}))


if __name__ == "__main__":
    main()
