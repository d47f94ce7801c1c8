"""`rag chat`: a terminal conversation; follow-up questions see the history. Ctrl-D exits."""
from __future__ import annotations

import click

from rag.cli.ask import render
from rag.cli.common import date_options, llm_options, make_qa, parse_dates, store_options
from rag.errors import BadInputError
from rag.types import Answer


@click.command("chat")
@store_options
@llm_options
@date_options
def chat(db, chroma_url, collection, llm, model, base_url, api_key, since, until, as_of):
    """Talk with the articles; each answer streams in with its sources."""
    dates = parse_dates(since, until, as_of)
    qa = make_qa(db, chroma_url, llm, model, base_url, api_key, collection)
    qa.retriever.refresh()  # the article table is read lazily: count what the store holds now
    how = f"{qa.answerer.name} ({qa.answerer.describe()})" if hasattr(qa.answerer, "describe") else qa.answerer.name
    click.echo(f"{len(qa.retriever.articles)} articles loaded; answering with {how}. Ctrl-D to quit.")
    if getattr(qa.answerer, "notice", ""):
        click.echo(f"note: {qa.answerer.notice}", err=True)
    history: list[dict] = []
    while True:
        try:
            question = input("\n> ")
        except EOFError:
            click.echo()
            return 0
        if not question.strip():
            continue
        try:
            ans = _stream(qa, question, history, dates)
        except BadInputError as e:
            click.echo(f"error: {e}", err=True)
            continue
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": ans.text}]


def _stream(qa, question: str, history, dates: dict) -> Answer:
    final = None
    for item in qa.stream(question, history=history, **dates):
        if isinstance(item, Answer):
            final = item
        else:
            click.echo(item, nl=False)
    click.echo()
    sources = render(final).split("\n", 1)
    if len(sources) > 1:
        click.echo(sources[1])
    return final

