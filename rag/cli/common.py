"""What every command shares: one-line errors instead of tracebacks, and common options.

Exceptions become user messages here, at the edge, and nowhere deeper.
"""
from __future__ import annotations

import sys

import click

from rag.errors import RagError


def _fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class FriendlyMixin:
    """Run the command with click's own error printing off, then print one line per error."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                              standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as e:
            click.echo(e.ctx.get_help() if e.ctx else str(e))
            sys.exit(2)
        except click.UsageError as e:
            hint = f" (see '{e.ctx.command_path} --help')" if e.ctx else ""
            _fail(f"{e.format_message()}{hint}", 2)
        except click.ClickException as e:
            _fail(e.format_message(), e.exit_code)
        except click.Abort:
            _fail("aborted", 130)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except RagError as e:
            _fail(str(e), e.exit_code)
        sys.exit(rv if isinstance(rv, int) else 0)


class FriendlyGroup(FriendlyMixin, click.Group):
    pass


class FriendlyCommand(FriendlyMixin, click.Command):
    pass


def store_options(f):
    f = click.option("--collection", default=None, metavar="NAME",
                     help="The library to use, one of several in one store (env RAG_COLLECTION; default news).")(f)
    f = click.option("--chroma-url", default=None, metavar="URL",
                     help="Use a Chroma server instead of --db (env RAG_CHROMA_URL).")(f)
    f = click.option("--db", default=None, type=click.Path(file_okay=False),
                     help="Store directory (env RAG_DB).")(f)
    return f


def date_options(f):
    f = click.option("--as-of", "as_of", default=None, metavar="DATE",
                     help="Reference date for 'last week', 'yesterday' in the question (default today; "
                     "env RAG_DATES__AS_OF).")(f)
    f = click.option("--until", default=None, metavar="DATE",
                     help="Only articles published on or before DATE (YYYY-MM-DD).")(f)
    f = click.option("--since", default=None, metavar="DATE",
                     help="Only articles published on or after DATE (YYYY-MM-DD).")(f)
    return f


def parse_dates(since, until, as_of) -> dict:
    """The date flags as dates (a bad one fails before any model loads)."""
    from rag.dates import parse_day

    got = {"since": parse_day(since, "--since"), "until": parse_day(until, "--until"), "as_of": parse_day(as_of, "--as-of")}
    if got["since"] and got["until"] and got["since"] > got["until"]:
        raise click.UsageError(f"--since {got['since']} is after --until {got['until']}; swap them")
    return got


def llm_options(f):
    f = click.option("--llm-api-key", "api_key", default=None,
                     help="The LLM endpoint's API key (env RAG_LLM_API_KEY, then OPENAI_API_KEY).")(f)
    f = click.option("--base-url", default=None, help="OpenAI-compatible endpoint URL (env RAG_LLM_BASE_URL).")(f)
    f = click.option("--model", default=None, help="Model name for the --llm backend (e.g. with --llm openai).")(f)
    f = click.option("--llm", default=None, metavar="SPEC",
                     help="extractive (default) | openai:MODEL | ollama:MODEL | local:PATH (env RAG_LLM).")(f)
    return f


def with_model(spec: str, model: str) -> str:
    """``--model`` names the model of the chosen (or configured) LLM backend."""
    backend = spec.split(":", 1)[0]
    if backend == "extractive":
        raise click.UsageError(f"--model {model} needs an LLM backend: add --llm openai (or ollama, local), "
                               "or set RAG_LLM")
    return f"{backend}:{model}"


def make_qa(db=None, chroma_url=None, llm=None, model=None, base_url=None, api_key=None, collection=None):
    from rag.api import ArticleQA
    from rag.settings import Settings

    settings = Settings().override(llm_base_url=base_url, llm_api_key=api_key)
    if model:
        llm = with_model(llm or settings.llm, model)
    return ArticleQA(db=db, chroma_url=chroma_url, llm=llm, settings=settings, collection=collection)
