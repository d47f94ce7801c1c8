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
    n = len(qa.retriever.articles)
    click.echo(f"{n} article{'' if n == 1 else 's'} loaded; answering with {how}. Ctrl-D to quit.")
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
    final, bold = None, BoldStream()
    for item in qa.stream(question, history=history, **dates):
        if isinstance(item, Answer):
            final = item
        else:
            click.echo(bold.feed(item), nl=False)
    click.echo(bold.flush())
    sources = render(final).split("\n", 1)
    if len(sources) > 1:
        click.echo(sources[1])
    return final



class BoldStream:
    """Streamed Markdown bold ("**Ryan Crocker** — …") as terminal bold, piece by piece: a
    trailing "*" waits for the next piece (a model may stream "**" in two). click.echo drops
    the escape codes when the output is piped."""

    def __init__(self):
        self.bold, self.held = False, ""

    def feed(self, piece: str) -> str:
        text, self.held = self.held + piece, ""
        if text.endswith("*") and not text.endswith("**"):
            text, self.held = text[:-1], "*"
        out = []
        for i, part in enumerate(text.split("**")):
            if i:
                self.bold = not self.bold
            out.append(click.style(part, bold=True) if self.bold and part else part)
        return "".join(out)

    def flush(self) -> str:
        held, self.held = self.held, ""
        return held
