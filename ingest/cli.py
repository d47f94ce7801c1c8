"""`rag-ingest` / `python -m ingest`: add, update and prune articles in the store; follow feeds
and sitemaps (once, or every N minutes with --every)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from rag.cli.common import FriendlyCommand, store_options


@click.command(cls=FriendlyCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("sources", nargs=-1)
@store_options
@click.option("--feed", "feeds", multiple=True, metavar="URL",
              help="An RSS or Atom feed: each entry's page is fetched and stored (repeatable).")
@click.option("--sitemap", "sitemaps", multiple=True, metavar="URL",
              help="An XML sitemap or sitemap index (news sitemaps included): each page is stored (repeatable).")
@click.option("--every", default=None, metavar="INTERVAL",
              help="Keep following the feeds/sitemaps: a round every INTERVAL (30m, 1h, 90s), one summary "
              "line per round, Ctrl-C stops.")
@click.option("--rounds", type=click.IntRange(min=1), default=None,
              help="With --every: stop after this many rounds.")
@click.option("--prune", is_flag=True, help="Remove articles whose file, inside the files and folders given, no longer exists "
              "(URLs, feed entries, pasted text and uploads are never pruned).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Ingest processes feeding one Chroma server at once (needs --chroma-url).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def ingest_command(sources, db, chroma_url, collection, feeds, sitemaps, every, rounds, prune, workers, as_json):
    """Ingest SOURCES (.txt/.md/.html/.pdf files, folders of them, http(s) URLs), --feed and --sitemap URLs."""
    from rag.settings import Settings

    _check_usage(sources, feeds, sitemaps, every, rounds, workers)
    settings = Settings().override(db=Path(db) if db else None, chroma_url=chroma_url, collection=collection)
    if every:
        from ingest.follow import follow, parse_every

        interval = parse_every(every)  # a bad interval fails before any model loads
        follow(settings, list(sources), list(feeds), list(sitemaps), interval, rounds, click.echo)
        return 0
    report = _one_run(settings, list(sources), list(feeds), list(sitemaps), prune, workers)
    _print(report, as_json)
    return 1 if report.failed else 0


def _check_usage(sources, feeds, sitemaps, every, rounds, workers) -> None:
    if not (sources or feeds or sitemaps):
        raise click.UsageError("nothing to ingest: give files, folders or URLs, or --feed URL / --sitemap URL")
    if every and not (feeds or sitemaps):
        raise click.UsageError("--every follows feeds and sitemaps: add --feed URL or --sitemap URL")
    if rounds and not every:
        raise click.UsageError("--rounds counts the rounds of --every: add --every INTERVAL")
    if workers > 1 and (feeds or sitemaps):
        raise click.UsageError("--workers ingests files and URLs; run feeds and sitemaps without it")


def _one_run(settings, sources, feeds, sitemaps, prune, workers):
    from tqdm import tqdm

    from ingest.load import expand

    with tqdm(total=len(expand(sources)) + len(feeds) + len(sitemaps), unit="source", disable=None,
              leave=False) as bar:
        step = lambda _source: bar.update(1)  # noqa: E731
        if workers > 1:
            from ingest.workers import ingest_parallel

            return ingest_parallel(sources, settings, workers, prune=prune, progress=step)
        from ingest.follow import one_round

        return one_round(settings, sources, feeds, sitemaps, progress=step, prune=prune)


def _print(report, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    for source, reason in report.failed:
        click.echo(f"failed: {source}: {reason}", err=True)
    for source, holder in report.duplicates:
        click.echo(f"skipped: {source}: same text as article {holder}", err=True)
    click.echo(report.summary())


def main() -> None:
    ingest_command(prog_name="rag-ingest")
