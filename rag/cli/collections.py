"""`rag collections`: the libraries in one store directory or Chroma server, with article counts."""
from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("collections")
@click.option("--db", default=None, type=click.Path(file_okay=False), help="Store directory (env RAG_DB).")
@click.option("--chroma-url", default=None, metavar="URL", help="Use a Chroma server instead of --db (env RAG_CHROMA_URL).")
@click.option("--json", "as_json", is_flag=True, help="Print {name: article count} as JSON.")
def collections(db, chroma_url, as_json):
    """List the collections (independent libraries) and how many articles each holds."""
    from rag.settings import Settings
    from rag.store import list_collections, open_client

    settings = Settings().override(db=Path(db) if db else None, chroma_url=chroma_url)
    found = list_collections(open_client(settings.db, settings.chroma_url))
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    if not found:
        click.echo("no collections yet; add one with: rag-ingest FILE --collection NAME")
    width = max((len(n) for n in found), default=0)
    for name, count in found.items():
        mark = " (default)" if name == settings.collection else ""
        click.echo(f"{name:<{width}}  {count} article{'s' if count != 1 else ''}{mark}")
