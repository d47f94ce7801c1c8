"""The Gradio chat app: `python ui.py [--db DIR] [--host H] [--port P]`.

A first start with an empty store ingests the bundled sample article so the app is useful
at once.
"""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import click  # noqa: E402

SAMPLE_DIR = Path(__file__).resolve().parent / "examples" / "articles"


def ensure_articles(settings) -> None:
    """Ingest the bundled sample when the store is empty or missing."""
    from ingest import ingest
    from rag.errors import StoreNotFoundError
    from rag.store import ArticleStore

    try:
        empty = not ArticleStore.open(settings).table()
    except StoreNotFoundError:
        empty = True
    if empty and SAMPLE_DIR.exists():
        ingest([str(SAMPLE_DIR)], settings=settings)


def build_app(qa):
    import gradio as gr

    from rag.types import Answer

    def respond(message, history):
        hist = [{"role": m["role"], "content": m["content"]} for m in history or []]
        text = ""
        for item in qa.stream(message, history=hist):
            if isinstance(item, Answer):
                yield _with_sources(item)
            else:
                text += item
                yield text

    return gr.ChatInterface(respond, title="News Q&A", examples=["What did Iran offer?"],
                            description="Ask about the ingested articles; every answer cites its sentences.")


def _with_sources(ans) -> str:
    lines = [ans.text]
    for c in ans.citations:
        lines.append(f"\n[{c.n}] {c.title}: “{c.quote}”")
    return "\n".join(lines)


@click.command()
@click.option("--db", default=None, help="Store directory (env RAG_DB).")
@click.option("--chroma-url", default=None, help="Chroma server URL (env RAG_CHROMA_URL).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, type=int, show_default=True)
def main(db, chroma_url, host, port):
    from rag.api import ArticleQA
    from rag.settings import Settings

    settings = Settings().override(db=Path(db) if db else None, chroma_url=chroma_url)
    ensure_articles(settings)
    app = build_app(ArticleQA(settings=settings))
    app.launch(server_name=host, server_port=port)


if __name__ == "__main__":
    main()
