"""The Gradio chat app: `python ui.py [--db DIR] [--host H] [--port P]`.

Chat (streamed, follow-ups kept), the cited sentences highlighted inside their passages,
an article library (upload, URL, pasted text, delete, limit the chat to some articles) and
a status line. API endpoints for gradio_client: ``/ask``, ``/ingest_file``, ``/ingest_text``
and ``/ingest_url``.
A first start with an empty store ingests the bundled sample article.
"""
from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import click  # noqa: E402

SAMPLE_DIR = Path(__file__).resolve().parent / "examples" / "articles"
EXAMPLES = ["What did Iran offer?", "Who is the U.S. ambassador?", "How long did the meeting last?"]
CSS = """
.source {border-left: 3px solid #888; padding: 4px 10px; margin: 8px 0;}
.source mark {background: #ffe58a; padding: 0 2px;}
.refused {color: #a33; font-style: italic;}
"""


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


# -- rendering (all article text escaped) ------------------------------------------------
def sources_html(qa, ans) -> str:
    if ans.refused or not ans.citations:
        return '<p class="refused">No sources: the articles don\'t answer this.</p>'
    return "".join(_source(qa, c) for c in ans.citations)


def _source(qa, c) -> str:
    text = qa.article(c.article_id).text
    before = text[max(0, c.start - 200):c.start]
    after = text[c.end:c.end + 200]
    date = f" · {html.escape(c.published)}" if c.published else ""
    return (f'<div class="source" id="source-{c.n}"><b>[{c.n}] {html.escape(c.title)}</b>{date}'
            f'<p>…{html.escape(before)}<mark>{html.escape(c.quote)}</mark>{html.escape(after)}…</p></div>')


def answer_markdown(ans) -> str:
    if ans.refused:
        return f"*{ans.text}*"
    text, lead = ans.text, ""
    bold = f"**{ans.short.text}** — " if ans.short else None
    if bold and text.startswith(bold):  # the short answer leads in bold; its words are escaped too
        text, lead = text[len(bold):], f"**{_escape(ans.short.text)}** — "
    body = lead + re.sub(r"\\\[(\d+)\\\]", r"[\[\1\]](#source-\1)", _escape(text))
    notes = "".join(f"\n\n> note: {html.escape(f)}" for f in ans.flagged)
    return body + notes


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)  # article words are not markup


# -- app ----------------------------------------------------------------------------------
def build_app(qa):
    """The app over ``qa``; articles added in the app go into qa's own store."""
    import gradio as gr

    from rag.errors import LLMUnavailableError, RagError
    from rag.types import Answer

    settings = qa.settings

    def status() -> str:
        n = len(qa.retriever.articles)
        if qa.answerer.name == "extractive":
            return f"**{n} article(s)** · answering with **offline extractive answerer** ({qa.answerer.describe()})"
        return f"**{n} article(s)** · answering with **LLM: {qa.answerer.name}**"

    def respond(message, history, selected):
        history = list(history or [])
        if not (message or "").strip():
            yield history, gr.update(), ""
            return
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        ids = [_id_of(s) for s in selected or []] or None
        try:
            yield from _stream(qa, message, history, ids)
        except LLMUnavailableError as e:  # fall back to the offline answerer and say so
            offline = qa.offline()
            history[-1]["content"] = ""
            gr.Warning(f"{e} — answering offline instead.")
            shown = gr.update()
            for _, shown, _ in _stream(offline, message, history, ids):
                yield history, shown, ""
            # The toast fades; the answer itself keeps saying where it came from.
            history[-1]["content"] += "\n\n*(The LLM endpoint is unreachable: answered offline.)*"
            yield history, shown, ""
        except RagError as e:
            history[-1]["content"] = f"error: {e}"
            yield history, "", ""

    def _stream(engine, message, history, ids):
        prior = history[:-2]
        text = ""
        for item in engine.stream(message, history=prior, article_ids=ids):
            if isinstance(item, Answer):
                history[-1]["content"] = answer_markdown(item)
                yield history, sources_html(engine, item), ""
            else:
                text += item
                history[-1]["content"] = text
                yield history, gr.update(), ""

    def ask_api(question: str) -> dict:
        ans = qa.ask(question)
        return ans.to_dict()

    def library():
        rows = [[a.title, a.source, a.published or "", a.chunks, a.id] for a in _articles(qa)]
        choices = [f"{r[0]} ⟨{r[4]}⟩" for r in rows]
        return rows, gr.update(choices=choices), gr.update(choices=choices, value=None), status()

    def add(files, url, pasted, paste_title):
        sources = [_upload_path(f) for f in files or []]
        if url and url.strip():
            sources.append(url.strip())
        if pasted and pasted.strip():
            sources.append(_paste_file(pasted, paste_title))
        if not sources:
            return "Nothing to add: upload a file, give a URL or paste text.", *library()
        return _ingest_report(settings, sources), *library()

    def delete(choice):
        if choice:
            qa.delete(_id_of(choice))
        return *library(), f"Deleted {choice}." if choice else "Choose an article to delete."

    with gr.Blocks(title="News Q&A") as app:
        gr.Markdown("## News Q&A — every answer cited")
        status_md = gr.Markdown(status())
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="chat")
                    question = gr.Textbox(label="Question", placeholder="Ask about the articles…", elem_id="question")
                    gr.Examples(EXAMPLES, inputs=question)
                    scope = gr.CheckboxGroup(label="Limit to articles (none = all)", choices=[], elem_id="scope")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(elem_id="sources")
            question.submit(respond, [question, chatbot, scope], [chatbot, sources, question], api_name=False)
        with gr.Tab("Library"):
            table = gr.Dataframe(headers=["title", "source", "published", "chunks", "id"], interactive=False)
            with gr.Row():
                files = gr.File(label="Upload .txt / .md / .html", file_count="multiple",
                                file_types=[".txt", ".md", ".html", ".htm"])
                with gr.Column():
                    url = gr.Textbox(label="Article URL")
                    paste_title = gr.Textbox(label="Title of pasted text")
                    pasted = gr.Textbox(label="Or paste article text", lines=5)
            add_btn = gr.Button("Add articles", variant="primary")
            result = gr.Markdown(elem_id="ingest-result")
            with gr.Row():
                victim = gr.Dropdown(label="Delete an article", choices=[])
                del_btn = gr.Button("Delete", variant="stop")
            add_btn.click(add, [files, url, pasted, paste_title], [result, table, scope, victim, status_md], api_name=False)
            del_btn.click(delete, [victim], [table, scope, victim, status_md, result], api_name=False)
        api_in, api_out = gr.Textbox(visible=False), gr.JSON(visible=False)
        api_in.submit(ask_api, api_in, api_out, api_name="ask")
        api_text = gr.Textbox(visible=False)
        api_text.submit(lambda t: _ingest_report(settings, [_paste_file(t, "")]), api_text,
                        gr.Markdown(visible=False), api_name="ingest_text")
        api_file = gr.File(visible=False, file_types=[".txt", ".md", ".html", ".htm"])
        api_file.upload(lambda f: _ingest_report(settings, [_upload_path(f)]), api_file,
                        gr.Markdown(visible=False), api_name="ingest_file")
        api_url = gr.Textbox(visible=False)
        api_url.submit(lambda u: _ingest_report(settings, [u]), api_url, gr.Markdown(visible=False), api_name="ingest_url")
        app.load(library, None, [table, scope, victim, status_md], api_name=False)
    return app


def _articles(qa):
    qa.retriever.refresh()
    return sorted(qa.retriever.articles.values(), key=lambda a: a.title.lower())


def _upload_path(f) -> str:
    """Gradio hands uploads over as a temp path (str) or a file-like with ``.name``."""
    return f if isinstance(f, str) else f.name


def _id_of(choice: str) -> str:
    m = re.search(r"⟨([0-9a-f]+)⟩$", choice)
    return m.group(1) if m else choice


_PASTE_DIR = Path(tempfile.gettempdir()) / "news-rag-pasted"


def _paste_file(text: str, title: str) -> str:
    """Pasted text becomes a file so it has a source identity like any other article."""
    import hashlib

    _PASTE_DIR.mkdir(exist_ok=True)
    body = f"# {title.strip()}\n\n{text}" if title and title.strip() else text
    path = _PASTE_DIR / f"pasted-{hashlib.sha1(body.encode()).hexdigest()[:12]}.md"
    path.write_text(body, encoding="utf-8")
    return str(path)


def _ingest_report(settings, sources) -> str:
    from ingest import ingest

    r = ingest(sources, settings=settings)
    lines = [f"**{r.summary()}**"]
    lines += [f"- failed: `{html.escape(Path(s).name)}`: {html.escape(why)}" for s, why in r.failed]
    lines += [f"- duplicate of {a}: `{html.escape(Path(s).name)}`" for s, a in r.duplicates]
    return "\n".join(lines)


@click.command()
@click.option("--db", default=None, help="Store directory (env RAG_DB).")
@click.option("--chroma-url", default=None, help="Chroma server URL (env RAG_CHROMA_URL).")
@click.option("--llm", default=None, help="Answerer SPEC (env RAG_LLM); default extractive.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, type=int, show_default=True)
def main(db, chroma_url, llm, host, port):
    """Serve the chat app."""
    from rag.api import ArticleQA
    from rag.settings import Settings

    settings = Settings().override(db=Path(db) if db else None, chroma_url=chroma_url, llm=llm)
    ensure_articles(settings)
    app = build_app(ArticleQA(settings=settings))
    app.queue().launch(server_name=host, server_port=port, css=CSS)


if __name__ == "__main__":
    main()
