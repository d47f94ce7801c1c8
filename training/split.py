"""Which shared SQuAD articles the reader is fitted on, and which it never sees.

Whole articles are held out. Half of them calibrate the refusal threshold, the other half
only measure (benchmarks/quality.py, RESULTS.md): nothing learned touches the test half.
"""
from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FILES = ("squad2-dev-half.json", "squad11-dev-extra.json")

#: Held out from training; the refusal threshold is fitted on these…
CALIBRATE = ("Imperialism", "Warsaw", "Doctor_Who")
#: …and these are used for nothing but measuring.
TEST = ("French_and_Indian_War", "Force", "Kenya")
HELD_OUT = CALIBRATE + TEST


def load_articles(data_dir: Path = DATA) -> list[dict]:
    """Every SQuAD article of both shared files, as the JSON has it."""
    out = []
    for name in FILES:
        out += json.loads((Path(data_dir) / name).read_text(encoding="utf-8"))["data"]
    return out


def training_articles(data_dir: Path = DATA) -> list[dict]:
    return [a for a in load_articles(data_dir) if a["title"] not in HELD_OUT]


def held_out(titles, data_dir: Path = DATA) -> dict:
    """A SQuAD-format dict of the named articles (for `rag eval` and benchmarks)."""
    return {"version": "held-out", "data": [a for a in load_articles(data_dir) if a["title"] in titles]}
