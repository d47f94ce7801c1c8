"""Dates in questions, measured on the dated-news set (benchmarks/dated_news.py): does the
answer cite the article from the asked period (or, for "latest", the newest one)?

    python benchmarks/dates.py            # with and without reading dates from questions

Scoring is strict: the *first* citation must be the target article (the update the question
asks about); a refusal counts as a miss.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dated_news import questions, write  # noqa: E402


def evaluate(qa) -> dict:
    """Per-kind hit rates of one ArticleQA over the dated-news store."""
    ids = {(a.title): a.id for a in qa.retriever.articles.values()}
    from benchmarks.dated_news import STORIES

    target_id = {(k, i): ids[u[1]] for k, _, updates in STORIES for i, u in enumerate(updates)}
    hits: dict[str, list[bool]] = {}
    misses, times = [], []
    for q in questions():
        t = time.perf_counter()
        ans = qa.ask(q["question"], as_of=q["as_of"])
        times.append(time.perf_counter() - t)
        ok = bool(ans.citations) and ans.citations[0].article_id == target_id[(q["story"], q["target"])]
        hits.setdefault(q["kind"], []).append(ok)
        if not ok:
            misses.append({"question": q["question"], "answer": ans.text[:160]})
    dated = hits["period"] + hits["relative"]
    times.sort()
    return {"asked_period": round(sum(dated) / len(dated), 3), "latest": round(sum(hits["latest"]) / len(hits["latest"]), 3),
            "n_period": len(dated), "n_latest": len(hits["latest"]),
            "p50_ms": round(1000 * times[len(times) // 2], 1), "misses": misses}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from ingest import ingest
    from rag.api import ArticleQA
    from rag.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        paths = write(Path(tmp) / "articles")
        report = ingest([str(p) for p in paths], db=Path(tmp) / "db")
        assert len(report.added) == len(paths), report.failed
        out = {}
        for name, on in (("dates read", True), ("dates ignored (before)", False)):
            base = Settings(db=Path(tmp) / "db")
            settings = base.model_copy(update={"dates": base.dates.model_copy(update={"from_questions": on})})
            out[name] = evaluate(ArticleQA(settings=settings))
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for name, r in out.items():
        print(f"{name:>24}: asked period {r['asked_period']:.3f} (n={r['n_period']}), latest {r['latest']:.3f} "
              f"(n={r['n_latest']}), p50 {r['p50_ms']} ms")
    for m in out["dates read"]["misses"]:
        print("  miss:", m["question"], "→", m["answer"])


if __name__ == "__main__":
    main()
