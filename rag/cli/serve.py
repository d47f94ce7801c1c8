"""`rag serve`: the OpenAI-compatible API (rag.openai_api) on uvicorn."""
from __future__ import annotations

import click

from rag.access import is_loopback, open_bind_problem
from rag.cli.common import llm_options, make_qa, store_options


@click.command("serve")
@store_options
@llm_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback needs --api-key (or --insecure-no-auth).")
@click.option("--port", default=8080, type=int, show_default=True)
@click.option("--api-key", "serve_key", default=None, metavar="KEY",
              help="Require 'Authorization: Bearer KEY' on every request (env RAG_API_KEY).")
@click.option("--insecure-no-auth", is_flag=True, help="Bind to a non-loopback address without a key.")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A Host header a keyless loopback server also answers (besides localhost, 127.0.0.1, [::1]); "
              "repeatable. Others are refused (DNS rebinding).")
@click.option("--read-only", is_flag=True, help="Answer questions only: adding and deleting articles is refused (403).")
@click.option("--for-open-webui", "open_webui", is_flag=True,
              help="Sources as Open WebUI's citation events instead of a text footer "
              "(env RAG_SOURCE_EVENTS=true RAG_SOURCES_FOOTER=false).")
def serve(db, chroma_url, collection, llm, model, base_url, api_key, host, port, serve_key, insecure_no_auth,
          allowed_hosts, read_only, open_webui):
    """Serve an OpenAI-compatible API: /v1/chat/completions answers with citations."""
    import uvicorn

    from rag.openai_api import create_app
    from rag.settings import Settings

    key = serve_key if serve_key is not None else Settings().api_key
    problem = open_bind_problem(host, bool(key), insecure_no_auth, "API", "--api-key KEY (or RAG_API_KEY)")
    if problem:
        raise click.UsageError(problem)
    qa = make_qa(db, chroma_url, llm, model, base_url, api_key, collection)
    if open_webui:
        qa.settings = qa.settings.override(source_events=True, sources_footer=False)
    app = create_app(qa, api_key=key, loopback_only=is_loopback(host), allowed_hosts=allowed_hosts, read_only=read_only)
    click.echo(f"news-rag API on http://{host}:{port}/v1 · {len(qa.retriever.articles)} article(s) · "
               f"models: news-rag ({qa.answerer.name}), news-rag-extractive"
               + (" · bearer key required" if key else ""), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")

