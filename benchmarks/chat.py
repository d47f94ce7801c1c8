"""Article-chat benchmark: ours against the LangChain recipe's top chunk, in one run.

The store holds all 295 Wikinews articles of ``../shared/data/wikinews/`` and the bundled
sample article, each written as ``<slug>.txt`` with its headline as the first line (as news
archives store them) and ingested with ``rag-ingest``. ``--pad N`` adds SQuAD paragraphs, each
as its own article, until the store holds N articles (the issue's 2,000-article latency).

The questions are ``benchmarks/chat_questions.json`` (``make_chat_questions.py``), asked the
way ``rag eval --chat`` asks them (``rag.chat_eval``). The peer: RecursiveCharacterTextSplitter
(1000, 200) + Chroma + HuggingFaceEmbeddings(all-MiniLM-L6-v2); its answer is its best chunk
(for ``store: "article"`` among that article's chunks), it never refuses and reads no history.

    python benchmarks/chat.py [--pad 2000] [--store DIR] [--write]

``--store DIR`` keeps the built store (reused when it is there); ``--write`` puts the table
into benchmarks/RESULTS.md (section "chat").
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_chat_questions import OUT as QUESTIONS, SAMPLE, SAMPLE_ID, slug, wikinews  # noqa: E402

from rag.chat_eval import load_chat, ours, run_chat  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
#: Paragraphs that fill the store up to --pad articles, each its own article.
PADDING = [DATA / "squad2-dev-half.json", DATA / "squad11-dev-extra.json", DATA / "squadshifts" / "new_wiki_v1.0.json"]


def write_corpus(folder: Path, pad: int) -> int:
    """Every Wikinews article and the sample as ``<slug>.txt`` (headline, blank line, body);
    SQuAD paragraphs as further articles until there are ``pad``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{SAMPLE_ID}.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    n = 1
    for row in wikinews():
        (folder / f"{slug(row['title'])}.txt").write_text(f"{row['title']}\n\n{row['text'].strip()}\n", encoding="utf-8")
        n += 1
    if pad > n:
        paras = [(a["title"].replace("_", " "), p["context"])
                 for path in PADDING for a in json.loads(path.read_text(encoding="utf-8"))["data"]
                 for p in a["paragraphs"]]
        for i, (title, text) in enumerate(paras[: pad - n]):
            (folder / f"squad-{i:05d}.txt").write_text(f"{title} ({i})\n\n{text}\n", encoding="utf-8")
            n += 1
    return n


def build(store: Path, pad: int) -> tuple[Path, Path]:
    docs, db = store / "articles", store / "db"
    if not db.exists():
        count = write_corpus(docs, pad)
        t = time.perf_counter()
        from ingest.pipeline import ingest

        ingest([str(docs)], db)
        print(f"ingested {count} articles in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return docs, db


def recipe(docs: Path, tmp: Path):
    """The LangChain recipe over the same files; answer = the best chunk."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.embedders import bundled_model_path

    emb = HuggingFaceEmbeddings(model_name=bundled_model_path(), encode_kwargs={"normalize_embeddings": True})
    files = sorted(docs.glob("*.txt"))
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = splitter.split_documents([Document(f.read_text(encoding="utf-8"), metadata={"article": f.stem})
                                       for f in files])
    store = Chroma("peer", embedding_function=emb, persist_directory=str(tmp), collection_metadata={"hnsw:space": "cosine"})
    for i in range(0, len(chunks), 256):
        store.add_documents(chunks[i:i + 256])

    def answer(question, history, scope):
        found = store.similarity_search(question, k=1, filter={"article": scope[0]} if scope else None)
        return (found[0].page_content if found else ""), False

    return answer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pad", type=int, default=0, help="Fill the store with SQuAD paragraphs up to this many articles.")
    ap.add_argument("--store", type=Path, default=None, help="Keep (and reuse) the built store here.")
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--no-peer", action="store_true", help="Measure ours only.")
    ap.add_argument("--write", action="store_true", help="Write the table to benchmarks/RESULTS.md.")
    ap.add_argument("--show", action="store_true", help="Print every question, our answer and whether it hit.")
    args = ap.parse_args()
    items = load_chat(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        docs, db = build(store, args.pad)
        from rag.api import ArticleQA

        qa = ArticleQA(db=db)
        resolve = qa.find_article
        for item in items[:3]:  # warm: first-question costs are not what a chat feels
            qa.ask(item.asks[0].question, None, [resolve(item.article)])
        cols = {"ours": run_chat(items, ours(qa), resolve)}
        if not args.no_peer:
            cols["recipe top chunk"] = run_chat(items, recipe(docs, Path(tmp) / "peer"), lambda a: a)
        if args.show:
            for o in cols["ours"].outcomes:
                print(f"[{'HIT ' if o.hit else 'miss'}] {o.item} {o.kind} t{o.turn} {o.answer[:300]!r}")
        text = table({k: v.to_dict() for k, v in cols.items()}, len(qa.retriever.articles), len(items))
        print(text)
        if args.write:
            from quality import write_section

            write_section(text, "chat")


ROWS = [("hit", "hit over all items and turns", "≥ 0.75"),
        ("later_turns_hit", "second and third conversation turns", "≥ 0.70"),
        ("offtopic_refused", "off-topic questions refused", "≥ 0.80"),
        ("answerable_refused", "answerable questions refused", "≤ 0.05"),
        ("mean_answer_chars", "mean answer length (chars)", "≤ 450"),
        ("ask_p50_ms", "ask p50 (ms)", ""),
        ("ask_p95_ms", "ask p95 (ms)", "≤ 150 at 2,000 articles")]


def table(cols: dict[str, dict], articles: int, items: int) -> str:
    names = list(cols)
    out = [f"Article chat, {items} items over a store of {articles} articles "
           f"(`python benchmarks/chat.py`, benchmarks/chat_questions.json)\n",
           "| measure | " + " | ".join(names) + " | target |", "|---|" + "---:|" * len(names) + "---|"]
    for key, label, target in ROWS:
        vals = [cols[n][key] for n in names]
        fmt = "{:.1f}" if key.endswith("_ms") else "{:.0f}" if key.endswith("chars") else "{:.3f}"
        out.append(f"| {label} | " + " | ".join(fmt.format(v) for v in vals) + f" | {target} |")
    kinds = sorted(cols[names[0]]["per_kind"])
    for k in kinds:
        v = [cols[n]["per_kind"][k] for n in names]
        out.append(f"| {k} (n={v[0]['n']}) | " + " | ".join(f"{x['hit']:.3f}" for x in v) + " | |")
    return "\n".join(out) + "\n"



if __name__ == "__main__":
    main()
