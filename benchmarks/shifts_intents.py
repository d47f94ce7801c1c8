"""Intent answers on questions nothing here was fitted on: SQuADShifts (``../shared/data/squadshifts``).

Neither the shipped reader (SQuAD only) nor any rule or constant of the composers was fitted on
these sets, so they check that a change to how a kind of question is answered carries over.

- ``why``: every "Why …?" question of ``new_wiki`` (whole articles) and ``reddit`` (each post its
  own article), asked in one store of their articles (310 questions).
- ``scoped``: 400 ``new_wiki`` questions our rules route to a composer (list, reason, next,
  reaction, definition; seed 1), each asked in a chat about its own article: hit and refused.
- ``stand_for``: the ``new_wiki`` questions "What does X stand for?" (32).

A hit is a crowd answer inside our answer's text (``rag.eval.contains``).

    python benchmarks/shifts_intents.py [--store DIR] [--only why,scoped,stand_for]

``--store DIR`` keeps the two built stores there (reused when present).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.eval import contains  # noqa: E402
from rag.intents import intent_of  # noqa: E402

SHIFTS = ROOT.parent / "shared" / "data" / "squadshifts"
COMPOSED = ("list", "reason", "next", "reaction", "definition")


def _load(name: str) -> list[dict]:
    return json.loads((SHIFTS / name).read_text(encoding="utf-8"))["data"]


def _qas(paragraphs):
    for p in paragraphs:
        for q in p["qas"]:
            yield q["question"], tuple(a["text"] for a in q["answers"])


def _store(folder: Path, articles: list[tuple[str, str]]):
    """An ArticleQA over ``articles`` (title, text), built once in ``folder``; title → article id."""
    from ingest import ingest
    from rag import ArticleQA

    if not (folder / "db").exists():
        (folder / "src").mkdir(parents=True, exist_ok=True)
        paths = []
        for i, (title, text) in enumerate(articles):
            path = folder / "src" / f"{i:04d}.txt"
            path.write_text(f"{title}\n\n{text}\n", encoding="utf-8")
            paths.append(str(path))
        failed = ingest(paths, db=folder / "db").failed
        if failed:
            raise SystemExit(f"{len(failed)} articles failed to ingest: {failed[:3]}")
    qa = ArticleQA(db=folder / "db")
    return qa, {a.title: a.id for a in qa.articles()}


def why(work: Path) -> dict:
    articles, questions = [], []
    for name, per_post in (("new_wiki_v1.0.json", False), ("reddit_v1.0.json", True)):
        for art in _load(name):
            units = [[p] for p in art["paragraphs"]] if per_post else [art["paragraphs"]]
            for k, paragraphs in enumerate(units):
                asked = [(q, g) for q, g in _qas(paragraphs) if q.lower().startswith("why")]
                if asked:
                    articles.append((f"{art['title']} {k}" if per_post else art["title"],
                                     "\n\n".join(p["context"] for p in paragraphs)))
                    questions += asked
    qa, _ = _store(work / "why", articles)
    hits = sum(contains(qa.ask(q).text, golds) for q, golds in questions)
    return {"questions": len(questions), "hit": round(hits / len(questions), 3)}


def _new_wiki(work: Path):
    data = _load("new_wiki_v1.0.json")
    qa, ids = _store(work / "new_wiki", [(a["title"], "\n\n".join(p["context"] for p in a["paragraphs"])) for a in data])
    return data, qa, ids


def scoped(work: Path, n: int = 400) -> dict:
    data, qa, ids = _new_wiki(work)
    asked = [(q, g, a["title"]) for a in data for q, g in _qas(a["paragraphs"]) if intent_of(q) in COMPOSED]
    asked = random.Random(1).sample(asked, min(n, len(asked)))
    hits = refused = 0
    for q, golds, title in asked:
        ans = qa.ask(q, [], [ids[title]])
        hits += contains(ans.text, golds)
        refused += ans.refused
    return {"questions": len(asked), "hit": round(hits / len(asked), 3), "refused": round(refused / len(asked), 3)}


def stand_for(work: Path) -> dict:
    data, qa, _ = _new_wiki(work)
    asked = [(q, g) for a in data for q, g in _qas(a["paragraphs"]) if re.search(r"\bstand for\b", q, re.I)]
    hits = sum(contains(qa.ask(q).text, golds) for q, golds in asked)
    return {"questions": len(asked), "hit": round(hits / len(asked), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", default="", help="keep the built stores in this folder (reused when there)")
    ap.add_argument("--only", default="why,scoped,stand_for", help="which measures, comma-separated")
    args = ap.parse_args()
    if not SHIFTS.is_dir():
        raise SystemExit(f"no SQuADShifts data in {SHIFTS}: this benchmark reads ../shared/data/squadshifts")
    with tempfile.TemporaryDirectory(prefix="shifts-") as tmp:
        work = Path(args.store) if args.store else Path(tmp)
        measures = {"why": why, "scoped": scoped, "stand_for": stand_for}
        print(json.dumps({name: measures[name](work) for name in args.only.split(",")}, indent=1))


if __name__ == "__main__":
    main()
