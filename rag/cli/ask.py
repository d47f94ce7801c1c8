"""`rag ask QUESTION`: one question, the answer and its numbered quotes (or --json)."""
from __future__ import annotations

import json
import re
import textwrap

import click

from rag.cli.common import date_options, llm_options, make_qa, parse_dates, store_options
from rag.types import Answer


def terminal_text(text: str) -> str:
    """The answer's Markdown bold ("**Ryan Crocker** — …") as terminal bold: click.echo shows it
    on a terminal and drops the escape codes when the output is piped (plain text)."""
    return _BOLD.sub(lambda m: click.style(m.group(1), bold=True), text)


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def render(ans: Answer) -> str:
    lines = [terminal_text(ans.text)]
    if ans.citations:
        lines.append("")
    for c in ans.citations:
        lines.append(f"[{c.n}] {source_label(c)}")
        # straight quotes around the quote: it may open or end with its own “ ” (no "invaders.””")
        lines.append(textwrap.indent(textwrap.fill(f'"{c.quote}"', 88), "    "))
    for flag in ans.flagged:
        lines.append(f"note: {flag}")
    return "\n".join(lines)


def source_label(c) -> str:
    """"Title, 2007-05-29, p. 3": every cited source with its date (and page, for a PDF)."""
    date = f", {c.published}" if c.published else ", undated"
    page = f", p. {c.page}" if c.page else ""
    return f"{c.title}{date}{page}"


@click.command("ask")
@click.argument("question")
@store_options
@llm_options
@date_options
@click.option("--json", "as_json", is_flag=True, help="Print {answer, refused, short, citations} as JSON.")
def ask(question, db, chroma_url, collection, llm, model, base_url, api_key, since, until, as_of, as_json):
    """Answer QUESTION from the ingested articles, with cited quotes."""
    from rag.api import clean_question

    clean_question(question)  # an empty question (or a bad date) fails before any model loads
    dates = parse_dates(since, until, as_of)
    qa = make_qa(db, chroma_url, llm, model, base_url, api_key, collection)
    ans = qa.ask(question, **dates)
    click.echo(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2) if as_json else render(ans))
    if getattr(qa.answerer, "notice", ""):
        click.echo(f"note: {qa.answerer.notice}", err=True)
    _exit_now()


def _exit_now() -> None:
    """A one-shot ask has written nothing to the store: skip the ~0.5 s of interpreter and
    Chroma teardown. Only when run as the `rag` program, never inside a caller's process."""
    import os
    import sys

    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if (spec and spec.name == "rag.__main__") or os.path.basename(sys.argv[0]) == "rag":
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
