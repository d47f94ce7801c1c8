"""`rag-ingest` / `python -m ingest`: add, update and prune articles in the store."""
from __future__ import annotations

import json
from pathlib import Path

import click

from rag.cli.common import FriendlyCommand, store_options


@click.command(cls=FriendlyCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("sources", nargs=-1, required=True)
@store_options
@click.option("--prune", is_flag=True, help="Remove articles whose file, inside the files and folders given, no longer exists "
              "(URLs, pasted text and uploads are never pruned).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Ingest processes feeding one Chroma server at once (needs --chroma-url).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def ingest_command(sources, db, chroma_url, collection, prune, workers, as_json):
    """Ingest SOURCES: .txt/.md/.html files, folders of them, http(s) URLs."""
    from tqdm import tqdm

    from ingest.load import expand
    from ingest.pipeline import ingest

    with tqdm(total=len(expand(list(sources))), unit="article", disable=None, leave=False) as bar:
        step = lambda _source: bar.update(1)  # noqa: E731
        if workers > 1:
            from ingest.workers import ingest_parallel
            from rag.settings import Settings

            settings = Settings().override(db=Path(db) if db else None, chroma_url=chroma_url, collection=collection)
            report = ingest_parallel(list(sources), settings, workers, prune=prune, progress=step)
        else:
            report = ingest(list(sources), db=db, prune=prune, chroma_url=chroma_url, collection=collection, progress=step)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for source, reason in report.failed:
            click.echo(f"failed: {source}: {reason}", err=True)
        for source, holder in report.duplicates:
            click.echo(f"skipped: {source}: same text as article {holder}", err=True)
        click.echo(report.summary())
    return 1 if report.failed else 0


def main() -> None:
    ingest_command(prog_name="rag-ingest")
