"""The `rag` command: one module per command group (ask, chat, collections, eval, ingest, serve,
summarize)."""
from __future__ import annotations

import logging

import click

from rag.cli.ask import ask
from rag.cli.chat import chat
from rag.cli.collections import collections
from rag.cli.eval import eval_command
from rag.cli.serve import serve
from rag.cli.summarize import summarize
from rag.cli.common import FriendlyGroup


@click.group(cls=FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """Conversational Q&A over news articles, every answer cited."""


# The commands print warnings themselves ("note: …"); keep the library's log quiet here.
logging.getLogger("rag").addHandler(logging.NullHandler())
logging.getLogger("rag").propagate = False

main.add_command(ask)
main.add_command(chat)
main.add_command(collections)
main.add_command(eval_command)
main.add_command(serve)
main.add_command(summarize)


def _add_ingest() -> None:
    from ingest.cli import ingest_command  # here, not at the top: ingest.cli imports rag.cli.common

    main.add_command(ingest_command, "ingest")


_add_ingest()
