"""`rag eval DATA.json`: retrieval, answer and refusal quality on a SQuAD 2.0-format file;
`rag eval --chat FILE`: article-chat quality (overviews, lists, reasons, conversations) on a
store that holds the file's articles (rag.chat_eval)."""
from __future__ import annotations

import json
from pathlib import Path

import click

ROWS = [  # (field, label, format)
    ("articles", "articles ingested", "{:d}"),
    ("answerable", "answerable questions asked", "{:d}"),
    ("retrieval_hit", "retrieval hit within {budget} chars", "{:.3f}"),
    ("answer_hit", "answer hit (gold answer in the answer)", "{:.3f}"),
    ("mean_answer_chars", "mean answer length (chars)", "{:.0f}"),
    ("exact_match", "SQuAD exact match", "{:.3f}"),
    ("f1", "SQuAD F1", "{:.3f}"),
    ("citation_correct", "citations quoting the gold answer", "{:.3f}"),
    ("wrongly_refused", "answerable but refused", "{:.3f}"),
    ("unanswerable_refused", "SQuAD unanswerable refused", "{:.3f}"),
    ("out_of_store_refused", "questions on articles not in the store refused", "{:.3f}"),
    ("follow_ups", "follow-up pairs asked", "{:d}"),
    ("follow_up_hit", "follow-up hit (gold answer in the answer)", "{:.3f}"),
    ("ask_p50_ms", "ask p50 (ms)", "{:.1f}"),
    ("ask_p95_ms", "ask p95 (ms)", "{:.1f}"),
    ("ingest_chars_per_s", "ingest throughput (chars/s)", "{:,.0f}"),
]


def table(report: dict) -> str:
    width = max(len(label.format(budget=report["budget_chars"])) for _, label, _ in ROWS)
    return "\n".join(f"{label.format(budget=report['budget_chars']):<{width}}  {fmt.format(report[key])}"
                     for key, label, fmt in ROWS)


@click.command("eval")
@click.argument("data", required=False, type=click.Path(dir_okay=False))
@click.option("--chat", "chat", default=None, type=click.Path(dir_okay=False),
              help="A chat-question file (e.g. benchmarks/chat_questions.json): ask it against the store "
              "(--db/--chroma-url) instead of measuring DATA; per kind, refusals, length, p50/p95.")
@click.option("--db", default=None, type=click.Path(file_okay=False),
              help="With --chat: the store holding the articles (env RAG_DB).")
@click.option("--collection", default=None, metavar="NAME", help="With --chat: the library (env RAG_COLLECTION).")
@click.option("--n", default=500, show_default=True, type=click.IntRange(min=1),
              help="Questions sampled per measurement (answerable, unanswerable, out-of-store).")
@click.option("--seed", default=0, show_default=True, type=int, help="Sampling seed.")
@click.option("--budget", default=1500, show_default=True, type=click.IntRange(min=100),
              help="Context budget (chars) for the retrieval hit rate.")
@click.option("--chroma-url", "chroma_url", default=None, metavar="URL",
              help="Run on a Chroma server (a throw-away collection) instead of a temp dir.")
@click.option("--conversation", "conversation", default=None, type=click.Path(dir_okay=False),
              help="A follow-up set (e.g. benchmarks/conversations.json) to measure follow-up hit.")
@click.option("--reader", type=click.Choice(["trained", "heuristic"]), default=None,
              help="Which offline reader answers (default: the setting, RAG_ANSWER__READER).")
@click.option("--reader-model", "reader_model", default=None,
              type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="With the trained reader: the folder of another trained reader (reader.onnx, tokenizer.json, "
              "reader.json), e.g. to compare a new model with the shipped one (env RAG_ANSWER__READER_MODEL).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(data, chat, db, collection, n, seed, budget, chroma_url, conversation, reader, reader_model, as_json):
    """Measure quality on DATA (SQuAD 2.0 JSON) in a fresh temporary store, or with --chat on
    the chat questions of FILE against an existing store."""
    if chat:
        return _chat(chat, db, chroma_url, collection, reader, reader_model, as_json)
    if not data:
        raise click.UsageError("give DATA (a SQuAD 2.0 JSON file) or --chat FILE")
    from tqdm import tqdm

    from rag.eval import Evaluation, load_conversations, load_squad
    from rag.settings import Settings

    dataset = load_squad(data)
    pairs, sources = load_conversations(conversation) if conversation else ([], [])
    settings = Settings().override(chroma_url=chroma_url).with_reader(reader, reader_model)
    with tqdm(desc="questions", unit="q", disable=None, leave=False) as bar:
        run = Evaluation(dataset, settings, budget, bar.update, pairs, sources)
        bar.total = run.planned(n)
        report = run.run(n, seed).to_dict()
    click.echo(json.dumps(report, indent=2) if as_json else table(report))
    if report["reader"].startswith("heuristic ("):
        click.echo(f"note: {report['reader']}", err=True)


def _chat(path, db, chroma_url, collection, reader, reader_model, as_json) -> None:
    from tqdm import tqdm

    from rag.api import ArticleQA
    from rag.chat_eval import load_chat, ours, run_chat, table
    from rag.settings import Settings

    items = load_chat(path)  # a bad file fails before any model loads
    settings = Settings().with_reader(reader, reader_model)
    qa = ArticleQA(db=db, chroma_url=chroma_url, settings=settings, collection=collection)
    resolve = qa.find_article
    for item in items:
        resolve(item.article)  # every article is in the store, or one clear message now
    with tqdm(desc="questions", unit="q", total=sum(len(i.asks) for i in items), disable=None, leave=False) as bar:
        report = run_chat(items, ours(qa), resolve, bar.update).to_dict()
    click.echo(json.dumps(report, indent=2) if as_json else table(report))
