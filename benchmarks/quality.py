"""Head-to-head quality benchmark on articles nothing was fitted on: the trained reader, the
heuristic reader it replaces, and the standard LangChain recipe (the peer).

All run in this one process, on the held-out *test* articles of training/split.py (SQuAD
2.0 and 1.1 articles the reader never saw and its threshold was not calibrated on), with
the same seeded questions:

- ours, trained: ``rag eval`` with ``RAG_ANSWER__READER=trained`` (the default);
- ours, heuristic: the same with ``RAG_ANSWER__READER=heuristic`` (the answerer before it);
- the peer: RecursiveCharacterTextSplitter(1000, 200) → Chroma (cosine) with
  HuggingFaceEmbeddings(all-MiniLM-L6-v2) → ``similarity_search`` top-k. It has no
  answerer, so its "answer" is its best chunk, and it never refuses.

Also: follow-up hit on benchmarks/conversations.json, and "off-store" refusal in a big store:
every paragraph of every other shared SQuAD article stored as its own article (~1,400
similar articles), then the test articles' questions asked.

News (the "news" section): the same measures on benchmarks/news_set.json — 192 questions in a
reader's own words over 64 Wikinews articles in a store of all 295, 42 follow-up pairs
(news_followups.json), and the asked articles' questions after every other article is deleted
(off-store). ``--compare NAME=DIR`` adds a column for another trained reader (e.g. the one a
new model replaces), so the new reader, the one before it and the heuristic share one run.

Writes the side-by-side tables to benchmarks/RESULTS.md (the "quality" and "news" sections).

    python benchmarks/quality.py [--n 500] [--seed 0] [--no-big-store | --keep-big-store DIR]
                                 [--compare previous=build/reader/v1] [--no-news]
    python benchmarks/existing_store.py --db DIR/db --questions DIR/questions.json   # its ask latency
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

import json  # noqa: E402
import sys  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
CONVERSATIONS = ROOT / "benchmarks" / "conversations.json"
NEWS, NEWS_FOLLOW_UPS = ROOT / "benchmarks" / "news_set.json", ROOT / "benchmarks" / "news_followups.json"

from rag.eval import (BUDGET_CHARS, Evaluation, contains, load_conversations, load_squad, mean,  # noqa: E402
                      percentile, sample, squad_dataset, within_budget, write_articles)
from rag.settings import Settings  # noqa: E402
from training import split  # noqa: E402
from training.model_card import calibration_rows  # noqa: E402


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
    ("answer_hit", "answer hit (gold answer in the answer)", "{:.3f}", "≥ 0.92"),
    ("mean_answer_chars", "mean answer length (chars)", "{:.0f}", "≤ 300"),
    ("citation_correct", "citations quoting the gold answer", "{:.3f}", ""),
    ("exact_match", "short answer: SQuAD EM", "{:.3f}", "≥ 0.50"),
    ("f1", "short answer: SQuAD F1", "{:.3f}", "≥ 0.65"),
    ("wrongly_refused", "answerable questions refused", "{:.3f}", "≤ 0.05"),
    ("unanswerable_refused", "SQuAD unanswerable questions refused", "{:.3f}", "≥ 0.50"),
    ("out_of_store_refused", "off-store questions refused (store of the test articles)", "{:.3f}", "≥ 0.97"),
    ("big_store_refused", "off-store questions refused (store of {big} similar articles)", "{:.3f}", "≥ 0.97"),
    ("follow_up_hit", "follow-up hit ({follow_ups} pairs)", "{:.3f}", "≥ 0.80"),
    ("ask_p50_ms", "ask p50 (ms)", "{:.1f}", ""),
    ("ask_p95_ms", "ask p95 (ms)", "{:.1f}", "≤ 100"),
]


def header(cols: dict[str, dict]) -> list[str]:
    return [f"| measure | {' | '.join(cols)} | target |", "|---|" + "---:|" * len(cols) + "---|"]


def table(cols: dict[str, dict], args, info: dict) -> str:
    trained = cols["trained"]
    lines = [f"## Quality on held-out articles ({', '.join(split.TEST)}: {trained['answerable']} answerable, "
             f"{trained['unanswerable']} unanswerable, {trained['out_of_store']} not-in-store questions; seed {args.seed})",
             "",
             f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores: "
             f"`python benchmarks/quality.py --n {args.n} --seed {args.seed}`. None of these articles was trained or "
             "calibrated on (training/split.py). *trained*: the bundled reader model (default); *heuristic*: "
             "`RAG_ANSWER__READER=heuristic`, the answerer before it; *peer*: RecursiveCharacterTextSplitter(1000, 200) "
             "+ Chroma + HuggingFaceEmbeddings(all-MiniLM-L6-v2), top-4 similarity search, its answer is its best "
             "chunk and it never refuses." + compared(args),
             "", *header(cols)]
    return "\n".join(lines + body(cols, ROWS, info)) + "\n"


def body(cols: dict[str, dict], rows: list[tuple], info: dict) -> list[str]:
    """One table line per measure, a cell per column ("–" where a column has no figure)."""
    out = []
    for key, label, fmt, target in rows:
        cells = [fmt.format(c[key]) if c.get(key) is not None else "–" for c in cols.values()]
        out.append(f"| {label.format(**info)} | {' | '.join(cells)} | {target} |")
    return out


#: The news table: these measures of ``ROWS``, with issue 29's targets and a few labels of its own.
NEWS_TARGETS = {"retrieval_hit": "", "answer_hit": "≥ 0.80", "mean_answer_chars": "", "exact_match": "", "f1": "",
                "wrongly_refused": "≤ 0.05", "out_of_store_refused": "≥ 0.80", "follow_up_hit": "≥ 0.75",
                "ask_p50_ms": "", "ask_p95_ms": ""}
NEWS_LABELS = {"exact_match": "short answer: EM", "f1": "short answer: F1",
               "out_of_store_refused": "questions on articles not in the store refused ({out_of_store})"}
NEWS_ROWS = [(key, NEWS_LABELS.get(key, label), fmt, NEWS_TARGETS[key]) for key, label, fmt, _ in ROWS
             if key in NEWS_TARGETS]


def news(readers: dict, args) -> str:
    """The news set, every reader column in one run; the peer's answer is its best chunk."""
    data = load_squad(NEWS)
    pairs, _ = load_conversations(NEWS_FOLLOW_UPS)
    cols = {}
    for name, settings in readers.items():
        cols[name] = Evaluation(data, settings, conversations=pairs).run(None, args.seed).to_dict()
        print("news", name, json.dumps(cols[name]), flush=True)
    cols["peer"] = peer(data, data.answerable(), BUDGET_CHARS)
    any_col = next(iter(cols.values()))
    lines = [f"## News questions ({any_col['answerable']} in a reader's own words over 64 Wikinews articles, "
             f"store of {any_col['articles']})", "",
             f"Measured {date.today()}: `python benchmarks/quality.py` (benchmarks/news_set.json, "
             "news_followups.json; built by benchmarks/make_news_set.py). Off-store: every other article is deleted "
             "and its questions asked." + compared(args), "", *header(cols)]
    info = {"follow_ups": any_col["follow_ups"], "out_of_store": any_col["out_of_store"]}
    return "\n".join(lines + body(cols, NEWS_ROWS, info)) + "\n"


def name_and_dir(value: str) -> tuple[str, str]:
    """``--compare v2=build/reader/v2`` → ("v2", "build/reader/v2")."""
    name, _, path = value.partition("=")
    if not name or not path:
        raise argparse.ArgumentTypeError(f"{value!r}: give NAME=DIR, e.g. v2=build/reader/v2")
    return name, path


def compared(args) -> str:
    return "".join(f" *{name}*: the trained reader in `{path}`." for name, path in args.compare)


def reader_columns(args) -> dict:
    """Column name → settings: the shipped trained reader, any ``--compare`` ones, the heuristic."""
    return {"trained": Settings().with_reader("trained"),
            **{name: Settings().with_reader("trained", path) for name, path in args.compare},
            "heuristic": Settings().with_reader("heuristic")}


def big_store_refusal(readers: dict, data, n: int, seed: int, keep: Path | None = None) -> tuple[dict[str, float], int]:
    """Every paragraph of every non-test article as its own article (one store for all
    readers); ask the test articles' answerable questions, whose articles are not there.
    ``keep``: build the store there and leave it, with ``questions.json`` (200 calibration-
    article questions it does hold) for ``benchmarks/existing_store.py``'s latency figures."""
    from ingest import ingest
    from rag.api import ArticleQA

    paras = [(f"{a['title'].replace('_', ' ')} ({i + 1})", p["context"]) for a in split.load_articles()
             if a["title"] not in split.TEST for i, p in enumerate(a["paragraphs"])]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = keep or Path(tmp)
        base = Settings().override(db=root / "db")
        ingest(write_articles(paras, root / "articles"), settings=base)
        for reader, settings in readers.items():
            qa = ArticleQA(settings=settings.override(db=base.db))
            out[reader] = mean([qa.ask(q.text).refused for q in sample(data.answerable(), n, seed)])
    if keep:
        held = squad_dataset(split.held_out(split.CALIBRATE)["data"]).answerable()
        questions = [{"question": q.text, "answers": list(q.answers)} for q in sample(held, 200, 5)]
        (keep / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
    return out, len(paras)


def curve_text() -> str:
    """The shipped reader's threshold and its trade-off curve on the calibration articles."""
    meta = json.loads((ROOT / "rag" / "reader" / "model" / "reader.json").read_text())
    cal = meta.get("calibration", {})
    rows = calibration_rows(cal)
    return (f"\nRefusal threshold of the trained reader: **{meta.get('threshold')}** (`RAG_ANSWER__MIN_ANSWER_PROB` "
            f"overrides it), the highest that refuses ≤ 4 % of answerable questions on the calibration articles "
            f"({', '.join(cal.get('articles', []))}; {cal.get('off_store_article')} left out of the store for the "
            "off-store column). The trade-off there:\n\n" + "\n".join(rows) + "\n")


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
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-big-store", action="store_true", help="skip the ~1,400-article off-store run")
    ap.add_argument("--keep-big-store", type=Path, default=None, metavar="DIR",
                    help="build the big store in DIR and keep it (DIR/db, DIR/questions.json) for existing_store.py")
    ap.add_argument("--compare", action="append", default=[], metavar="NAME=DIR", type=name_and_dir,
                    help="another trained reader's folder as its own column (repeatable)")
    ap.add_argument("--no-news", action="store_true", help="skip the news question set")
    args = ap.parse_args()
    pairs, sources = load_conversations(CONVERSATIONS)
    data = squad_dataset(split.held_out(split.TEST)["data"])
    # The follow-up set spans held-out articles beyond the test ones: their own store.
    conv = squad_dataset(split.held_out(split.HELD_OUT)["data"])
    cols, info = {}, {"big": "–", "follow_ups": len(pairs)}
    readers = reader_columns(args)
    for reader, s in readers.items():
        cols[reader] = Evaluation(data, s).run(args.n, args.seed).to_dict()
        follow = Evaluation(conv, s, conversations=pairs, extra_sources=sources).run_follow_ups()
        cols[reader].update(follow_up_hit=follow.follow_up_hit)
        info["follow_ups"] = follow.follow_ups
        print(reader, json.dumps(cols[reader]), flush=True)
    if not args.no_big_store:
        big, info["big"] = big_store_refusal(readers, data, args.n, args.seed, args.keep_big_store)
        for reader in readers:
            cols[reader]["big_store_refused"] = big[reader]
        print("big store", big, flush=True)
    cols["peer"] = peer(data, sample(data.answerable(), args.n, args.seed), BUDGET_CHARS)
    text = table(cols, args, {**info, "big": f"{info['big']:,}" if isinstance(info["big"], int) else "–"}) + curve_text()
    write_section(text)
    print(text)
    if not args.no_news:
        text = news(readers, args)
        write_section(text, "news")
        print(text)


if __name__ == "__main__":
    main()
