"""`rag eval DATA.json`: retrieval, answer and refusal quality on a SQuAD 2.0-format file."""
from __future__ import annotations

import json

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
@click.argument("data", type=click.Path(dir_okay=False))
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
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(data, n, seed, budget, chroma_url, conversation, reader, as_json):
    """Measure quality on DATA (SQuAD 2.0 JSON) in a fresh temporary store."""
    from tqdm import tqdm

    from rag.eval import Evaluation, load_conversations, load_squad
    from rag.settings import Settings

    dataset = load_squad(data)
    pairs, sources = load_conversations(conversation) if conversation else ([], [])
    settings = Settings().override(chroma_url=chroma_url)
    if reader:
        settings = settings.override(answer=settings.answer.model_copy(update={"reader": reader}))
    with tqdm(desc="questions", unit="q", disable=None, leave=False) as bar:
        run = Evaluation(dataset, settings, budget, bar.update, pairs, sources)
        bar.total = run.planned(n)
        report = run.run(n, seed).to_dict()
    click.echo(json.dumps(report, indent=2) if as_json else table(report))
    if report["reader"].startswith("heuristic ("):
        click.echo(f"note: {report['reader']}", err=True)
