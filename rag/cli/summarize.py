"""`rag summarize [ID …] [--topic TEXT]`: a cited extractive summary of articles or a topic."""
from __future__ import annotations

import json

import click

from rag.cli.ask import _exit_now, render
from rag.cli.common import date_options, make_qa, parse_dates, store_options


@click.command("summarize")
@click.argument("article_ids", nargs=-1, metavar="[ID]...")
@click.option("--topic", default=None, metavar="TEXT",
              help="Summarise the best story on TEXT and list the other articles on it (newest first).")
@store_options
@date_options
@click.option("--json", "as_json", is_flag=True, help="Print {answer, refused, short, citations} as JSON.")
def summarize(article_ids, topic, db, chroma_url, collection, since, until, as_of, as_json):
    """Summarise the articles ID… (an article id, its file name without extension, or its
    title), the best story on --topic, or with neither the newest articles: the lede and the
    most central sentences, every one quoted and cited."""
    if topic is not None and not topic.strip():
        raise click.UsageError("--topic is empty; give a topic, e.g. --topic \"Iran talks\"")
    dates = parse_dates(since, until, as_of)
    qa = make_qa(db, chroma_url, collection=collection)
    ids = [qa.find_article(a) for a in article_ids] or None
    ans = qa.summarize(ids, topic=topic, **dates)
    click.echo(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2) if as_json else render(ans))
    _exit_now()

