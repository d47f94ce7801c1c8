"""The Gradio chat app: `python ui.py [--db DIR] [--host H] [--port P] [--auth U:P] [--read-only]`.

Chat (streamed, follow-ups kept), the cited sentences highlighted inside their passages,
an article library (upload, URL, pasted text, delete, limit the chat to some articles) and
a status line. API endpoints for gradio_client: ``/ask``, ``/ingest_file``, ``/ingest_text``
and ``/ingest_url`` (the last three not in read-only mode).
A first start with an empty store ingests the bundled sample article.
Everything from the network is untrusted (SECURITY.md): URLs go through ``ingest.web``'s
rules, article words are escaped wherever they are shown.
"""
from __future__ import annotations

import html
import os
import re
import threading
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from concurrent.futures import TimeoutError as FutureTimeout  # noqa: E402

import click  # noqa: E402

from ingest.errors import SourceError  # noqa: E402
from ingest.web import display_source, ingest_docs, pasted_doc, upload_doc, url_doc  # noqa: E402
from rag.errors import ArticleNotFoundError  # noqa: E402

SAMPLE_DIR = Path(__file__).resolve().parent / "examples" / "articles"
UPLOAD_TYPES = (".txt", ".md", ".html", ".htm", ".pdf")
EXAMPLES = ["What is this article about?", "What did Iran offer?", "Who made that offer?", "What happens next?"]
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
        report = ingest([str(SAMPLE_DIR)], settings=settings)
        where = settings.chroma_url or settings.db
        click.echo(f"Empty store: added the bundled sample article ({report.summary()}) to {where}", err=True)


# -- rendering (all article text escaped) ------------------------------------------------
def sources_html(qa, ans, k: int | None = None, earlier: str = "") -> str:
    """The Sources panel: this answer's sources (answer ``k`` of the chat) on top, the earlier
    answers' below (the last ``KEEP_ANSWERS``), so an older answer's ``[n]`` still leads to its
    own source n."""
    if ans.refused or not ans.citations:
        body = '<p class="refused">No sources: the articles don\'t answer this.</p>'
    else:
        body = "".join(_source(qa, c, k) for c in ans.citations)
    if k is None:
        return body
    older = earlier.split(_SECTION)[1:KEEP_ANSWERS] if earlier and _SECTION in earlier else []
    return f'{_SECTION} id="answer-{k}"><h4>Answer {k}</h4>{body}</section>' + "".join(_SECTION + o for o in older)


_SECTION = '<section class="answer-sources"'
KEEP_ANSWERS = 10


def _source(qa, c, k: int | None = None) -> str:
    from rag.errors import ArticleNotFoundError

    try:
        text = qa.article(c.article_id).text
    except ArticleNotFoundError:  # deleted while the answer was made: the quote is all there is
        text = ""
    before = text[max(0, c.start - 200):c.start]
    after = text[c.end:c.end + 200]
    date = f" · {html.escape(c.published)}" if c.published else " · undated"
    date += f" · p. {c.page}" if c.page else ""
    anchor = f"source-{k}-{c.n}" if k is not None else f"source-{c.n}"
    return (f'<div class="source" id="{anchor}"><b>[{c.n}] {html.escape(c.title)}</b>{date}'
            f'<p>…{html.escape(before)}<mark>{html.escape(c.quote)}</mark>{html.escape(after)}…</p></div>')


_MARK = re.compile(r"\[(\d+)\]")


def answer_markdown(ans, k: int | None = None) -> str:
    """The answer as Markdown: its words escaped, the short answer in bold, and only the
    answerer's own ``[n]`` markers turned into links to their sources (answer ``k``'s own, in
    the panel of all answers' sources)."""
    if ans.refused:
        return f"*{_escape(ans.text)}*"
    text, lead, start = ans.text, "", 0
    bold = f"**{ans.short.text}** — " if ans.short else None
    at = text.find(bold) if bold else -1
    if 0 <= at <= 200:  # after a dated lead ("As of 2007-05-29: ") at most
        lead = f"{_escape(text[:at])}**{_escape(ans.short.text)}** — "
        start = at + len(bold)
    markers = ans.markers if ans.markers is not None else [m.start() for m in _MARK.finditer(text)]
    body = _linked(text, sorted(markers), start, f"source-{k}-" if k is not None else "source-")
    notes = "".join(f"\n\n> note: {_escape(f)}" for f in ans.flagged)
    return lead + body + notes


def _linked(text: str, markers: list[int], start: int, anchor: str = "source-") -> str:
    out, at = [], start
    for pos in markers:
        m = _MARK.match(text, pos)
        if not m or pos < at:
            continue
        out += [_escape(text[at:pos]), f"[\\[{m.group(1)}\\]](#{anchor}{m.group(1)})"]
        at = m.end()
    return "".join(out) + _escape(text[at:])


def partial_markdown(text: str) -> str:
    """Streamed text so far: escaped exactly like a final answer (no links until it is done)."""
    return _escape(text)


def _escape(text: str) -> str:
    # Article words are not markup: Markdown and HTML characters shown as themselves.
    return re.sub(r"([\\`*_{}\[\]<>#|!()~&])", r"\\\1", text)


# -- app ----------------------------------------------------------------------------------
def build_app(qa, read_only: bool | None = None):
    """The app over ``qa``; articles added in the app go into qa's own store. ``read_only``
    (default: settings.ui.read_only) leaves out everything that changes the library."""
    import gradio as gr

    settings = qa.settings
    read_only = settings.ui.read_only if read_only is None else read_only
    libraries = Libraries(qa)
    chat = _Chat(qa, libraries)
    with gr.Blocks(title="News Q&A") as app:
        gr.Markdown("## News Q&A — every answer cited")
        with gr.Row():
            status_md = gr.Markdown(chat.status())
            collection = gr.Dropdown(label="Collection", choices=libraries.names(), value=settings.collection,
                                     elem_id="collection", scale=0, min_width=200)
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="chat")
                    with gr.Row():
                        question = gr.Textbox(label="Question", placeholder="Ask about the articles…",
                                              elem_id="question", scale=4)
                        summarize = gr.Button("Summarize", elem_id="summarize", scale=1, min_width=120)
                    examples = gr.Examples(EXAMPLES, inputs=question)
                    scope = gr.CheckboxGroup(label="Limit to articles (none = all)", choices=[], elem_id="scope")
                    with gr.Row():
                        since = gr.Textbox(label="Published since (YYYY-MM-DD)", elem_id="since", max_lines=1)
                        until = gr.Textbox(label="Published until (YYYY-MM-DD)", elem_id="until", max_lines=1)
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(elem_id="sources")
            asking = [question, chatbot, scope, since, until, collection, sources]
            question.submit(chat.respond, asking, [chatbot, sources, question], api_name=False)
            summarize.click(chat.summarize, [chatbot, scope, since, until, collection, sources], [chatbot, sources],
                            api_name=False)
            # A click on an example asks it (it used to only fill the box).
            examples.load_input_event.then(chat.respond, asking, [chatbot, sources, question], api_name=False)
        lib = _Library(qa, libraries)
        with gr.Tab("Library"):
            table = gr.Dataframe(headers=["title", "source", "published", "chunks", "id"], interactive=False)
            victim = gr.Dropdown(label="Delete an article", choices=[], visible=not read_only)
            if not read_only:
                _library_editing(lib, table, scope, victim, status_md, collection)
        api_in, api_history, api_out = gr.Textbox(visible=False), gr.JSON(None, visible=False), gr.JSON(visible=False)
        api_in.submit(lambda q, h=None: api_ask(qa, q, h), [api_in, api_history], api_out, api_name="ask")
        if not read_only:
            _ingest_endpoints(lib)
        # Another library: its articles, an empty conversation (answers cite one library only).
        collection.change(lambda name: (*lib.refresh(name), [], ""), collection,
                          [table, scope, victim, status_md, chatbot, sources], api_name=False)
        app.load(lib.refresh, collection, [table, scope, victim, status_md], api_name=False)
    return app


def api_ask(qa, question, history=None) -> dict:
    """The ``/ask`` endpoint: a question and, optionally, the conversation so far
    (``[{"role", "content"}, …]``) → the answer as ``--json`` prints it. Bad input is one line
    for the caller (gr.Error), not a traceback in the server log."""
    import gradio as gr

    from rag.errors import RagError

    try:
        return qa.ask(question or "", history or None).to_dict()
    except RagError as e:
        raise gr.Error(str(e)) from None


class Libraries:
    """One ArticleQA per collection of the store, made on first use and sharing the first one's
    embedding model (a second model would cost ~1 s and ~100 MB per collection)."""

    def __init__(self, qa):
        self.default = qa
        self._qas = {qa.settings.collection: qa}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        from rag.store import list_collections

        return sorted(set(list_collections(self.default.store.client)) | set(self._qas))

    def get(self, name: str | None):
        from rag.api import ArticleQA
        from rag.store import check_collection

        name = name or self.default.settings.collection
        with self._lock:
            if name not in self._qas:
                check_collection(name)
                base = self.default
                self._qas[name] = ArticleQA(settings=base.settings.override(collection=name), embedder=base.embedder)
            return self._qas[name]


class _Chat:
    """The chat's handlers: streamed answers, the LLM fallback, the status line."""

    def __init__(self, qa, libraries: Libraries | None = None):
        self.qa = qa
        self.libraries = libraries or Libraries(qa)

    def status(self, collection: str | None = None) -> str:
        qa = self.libraries.get(collection)
        qa.retriever.refresh()  # the table is read lazily: count what the store holds now
        n = len(qa.retriever.articles)
        if qa.answerer.name == "extractive":
            return f"**{n} article(s)** · answering with **offline extractive answerer** ({qa.answerer.describe()})"
        return f"**{n} article(s)** · answering with **LLM: {_escape(qa.answerer.name)}**"

    def respond(self, message, history, selected, since=None, until=None, collection=None, shown=""):
        """One question: the answer streams into the chat, its sources into the side panel.
        ``since``/``until``: the date range (YYYY-MM-DD, empty = open); ``collection``: the library."""
        import gradio as gr

        from rag.errors import LLMUnavailableError, RagError

        history = list(history or [])
        if not (message or "").strip():
            yield history, gr.update(), ""
            return
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        ids = [_id_of(s) for s in selected or []] or None
        dates = {"since": (since or "").strip() or None, "until": (until or "").strip() or None}
        try:
            qa = self.libraries.get(collection)
            yield from self._stream(qa, message, history, ids, dates, shown)
        except LLMUnavailableError as e:  # fall back to the offline answerer and say so
            offline = qa.offline()
            history[-1]["content"] = ""
            gr.Warning(f"{e} — answering offline instead.")
            panel = gr.update()
            for _, panel, _ in self._stream(offline, message, history, ids, dates, shown):
                yield history, panel, ""
            # The toast fades; the answer itself keeps saying where it came from.
            history[-1]["content"] += "\n\n*(The LLM endpoint is unreachable: answered offline.)*"
            yield history, panel, ""
        except RagError as e:
            history[-1]["content"] = f"error: {_escape(str(e))}"
            yield history, "", ""

    def summarize(self, history, selected, since=None, until=None, collection=None, shown=""):
        """The "Summarize" button: a cited summary of the articles in scope (all: the newest)
        joins the conversation, its sources the side panel."""
        from rag.errors import RagError

        history = list(history or [])
        ids = [_id_of(s) for s in selected or []] or None
        asked = f"Summarize {'the selected articles' if ids and len(ids) > 1 else 'the selected article' if ids else 'the newest articles'}."
        history.append({"role": "user", "content": asked})
        try:
            qa = self.libraries.get(collection)
            ans = qa.summarize(ids, since=(since or "").strip() or None, until=(until or "").strip() or None)
        except RagError as e:
            history.append({"role": "assistant", "content": f"error: {_escape(str(e))}"})
            return history, ""
        k = _answers(history) + 1
        history.append({"role": "assistant", "content": answer_markdown(ans, k)})
        return history, sources_html(qa, ans, k, shown or "")

    @staticmethod
    def _stream(engine, message, history, ids, dates=None, shown=""):
        import gradio as gr

        from rag.types import Answer

        prior = history[:-2]
        text, k = "", _answers(history)
        for item in engine.stream(message, history=prior, article_ids=ids, **(dates or {})):
            if isinstance(item, Answer):
                history[-1]["content"] = answer_markdown(item, k)
                yield history, sources_html(engine, item, k, shown or ""), ""
            else:
                text += item
                history[-1]["content"] = partial_markdown(text)
                yield history, gr.update(), ""


def _answers(history) -> int:
    """How many answers the chat holds (the one being made included, once it is there)."""
    return sum(1 for m in history or [] if isinstance(m, dict) and m.get("role") == "assistant")


class _Library:
    """The library's handlers: list, add (files, a URL, pasted text), delete."""

    def __init__(self, qa, libraries: Libraries | None = None):
        self.qa, self.settings = qa, qa.settings
        self.libraries = libraries or Libraries(qa)
        # A bounded pool: a few fetches at once, none waiting on another's slow server.
        self.fetches = ThreadPoolExecutor(self.settings.fetch.workers, thread_name_prefix="fetch")

    def refresh(self, collection: str | None = None):
        import gradio as gr

        qa = self.libraries.get(collection)
        rows = [[a.title, display_source(a.source), a.published or "", a.chunks, a.id] for a in _articles(qa)]
        choices = [f"{r[0]} ⟨{r[4]}⟩" for r in rows]
        status = _Chat(qa, self.libraries).status(collection)
        return rows, gr.update(choices=choices, value=[]), gr.update(choices=choices, value=None), status

    def add(self, files, url, pasted, paste_title, collection=None):
        """Uploads and pasted text at once; a URL is fetched in a worker while the result box
        says it is still fetching."""
        docs, failed = self._local_docs(files, pasted, paste_title)
        if not (docs or failed or (url or "").strip()):
            yield "Nothing to add: upload a file, give a URL or paste text.", *self.refresh(collection)
            return
        if (url or "").strip():
            fetched = yield from self._fetch(url.strip())
            (failed if isinstance(fetched, tuple) else docs).append(fetched)
        qa = self.libraries.get(collection)
        yield ingest_report(ingest_docs(docs, qa.settings, failed, qa.embedder)), *self.refresh(collection)

    def _local_docs(self, files, pasted, paste_title):
        docs, failed = [], []
        for f in files or []:
            try:
                docs.append(upload_doc(_upload_path(f), self.settings.chunking.max_file_mb))
            except SourceError as e:
                failed.append((Path(_upload_path(f)).name, str(e)))
        if pasted and pasted.strip():
            try:
                docs.append(pasted_doc(pasted, paste_title, self.settings.ui.max_upload_mb))
            except SourceError as e:
                failed.append(("pasted text", str(e)))
        return docs, failed

    def _fetch(self, url):
        """Fetch in a worker; meanwhile tell the user, every 2 s, that it is still fetching."""
        import gradio as gr

        future = self.fetches.submit(url_doc, url, self.settings)
        waited = 0
        while True:
            try:
                return future.result(timeout=2)
            except FutureTimeout:
                waited += 2
                yield f"Still fetching {_escape(url)} ({waited} s)…", *(gr.update(),) * 4
            except SourceError as e:
                return (url, str(e))

    def delete(self, choice, collection=None):
        if choice:
            try:
                self.libraries.get(collection).delete(_id_of(choice))
            except ArticleNotFoundError:
                pass  # deleted meanwhile (another tab, the CLI): it is gone either way
        return *self.refresh(collection), f"Deleted {_escape(choice)}." if choice else "Choose an article to delete."

    # -- API endpoints (gradio_client) ------------------------------------------------
    def text_api(self, text: str) -> str:
        try:
            docs, failed = [pasted_doc(text or "", "", self.settings.ui.max_upload_mb)], []
        except SourceError as e:
            docs, failed = [], [("pasted text", str(e))]
        return ingest_report(ingest_docs(docs, self.settings, failed, self.libraries.default.embedder))

    def file_api(self, f) -> str:
        try:
            docs, failed = [upload_doc(_upload_path(f), self.settings.chunking.max_file_mb)], []
        except SourceError as e:
            docs, failed = [], [(Path(_upload_path(f)).name, str(e))]
        return ingest_report(ingest_docs(docs, self.settings, failed, self.libraries.default.embedder))

    def url_api(self, url: str) -> str:
        try:
            docs, failed = [self.fetches.submit(url_doc, url, self.settings).result()], []
        except SourceError as e:
            docs, failed = [], [(url, str(e))]
        return ingest_report(ingest_docs(docs, self.settings, failed, self.libraries.default.embedder))


def _library_editing(lib: _Library, table, scope, victim, status_md, collection) -> None:
    import gradio as gr

    with gr.Row():
        files = gr.File(label="Upload .txt / .md / .html / .pdf", file_count="multiple", file_types=list(UPLOAD_TYPES))
        with gr.Column():
            url = gr.Textbox(label="Article URL (http/https)")
            paste_title = gr.Textbox(label="Title of pasted text")
            pasted = gr.Textbox(label="Or paste article text", lines=5)
    add_btn = gr.Button("Add articles", variant="primary")
    result = gr.Markdown(elem_id="ingest-result")
    del_btn = gr.Button("Delete", variant="stop")
    workers = lib.settings.fetch.workers
    add_btn.click(lib.add, [files, url, pasted, paste_title, collection], [result, table, scope, victim, status_md],
                  api_name=False, concurrency_limit=workers)
    del_btn.click(lib.delete, [victim, collection], [table, scope, victim, status_md, result], api_name=False)


def _ingest_endpoints(lib: _Library) -> None:
    import gradio as gr

    hidden = lambda: gr.Markdown(visible=False)  # noqa: E731
    api_text = gr.Textbox(visible=False)
    api_text.submit(lib.text_api, api_text, hidden(), api_name="ingest_text")
    api_file = gr.File(visible=False, file_types=list(UPLOAD_TYPES))
    api_file.upload(lib.file_api, api_file, hidden(), api_name="ingest_file")
    api_url = gr.Textbox(visible=False)
    # Several fetches at once: a slow server must not hold up everyone else's URL.
    api_url.submit(lib.url_api, api_url, hidden(), api_name="ingest_url", concurrency_limit=lib.settings.fetch.workers)


def _articles(qa):
    qa.retriever.refresh()
    return sorted(qa.retriever.articles.values(), key=lambda a: a.title.lower())


def _upload_path(f) -> str:
    """Gradio hands uploads over as a temp path (str) or a file-like with ``.name``."""
    return f if isinstance(f, str) else f.name


def _id_of(choice: str) -> str:
    m = re.search(r"⟨([0-9a-f]+)⟩$", choice)
    return m.group(1) if m else choice


def ingest_report(r) -> str:
    """The run's outcome as Markdown; sources and reasons (a remote server's words) escaped."""
    lines = [f"**{r.summary()}**"]
    lines += [f"- failed: {_escape(display_source(s))}: {_escape(why)}" for s, why in r.failed]
    lines += [f"- duplicate of {a}: {_escape(display_source(s))}" for s, a in r.duplicates]
    return "\n".join(lines)


@click.command()
@click.option("--db", default=None, help="Store directory (env RAG_DB).")
@click.option("--chroma-url", default=None, help="Chroma server URL (env RAG_CHROMA_URL).")
@click.option("--collection", default=None, metavar="NAME",
              help="The library to open first (env RAG_COLLECTION); the app lists the others.")
@click.option("--llm", default=None, help="Answerer SPEC (env RAG_LLM); default extractive.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback needs --auth (or --insecure-no-auth).")
@click.option("--port", default=7860, type=int, show_default=True)
@click.option("--auth", default=None, metavar="USER:PASS[,USER:PASS]", help="Require a login (env RAG_UI_AUTH).")
@click.option("--read-only", is_flag=True, default=None, help="Chat only: no uploads, URLs, pasted text or deletes.")
@click.option("--allow-private-urls", is_flag=True, default=None,
              help="Let the Library fetch loopback/private addresses (an intranet); off by default.")
@click.option("--insecure-no-auth", is_flag=True, help="Bind to a non-loopback address without a login.")
def main(db, chroma_url, collection, llm, host, port, auth, read_only, allow_private_urls, insecure_no_auth):
    """Serve the chat app."""
    from rag.api import ArticleQA
    from rag.settings import Settings

    settings = app_settings(Settings(), db, chroma_url, llm, auth, read_only, allow_private_urls)
    settings = settings.override(collection=collection)
    logins = parse_auth(settings.ui_auth)
    refuse_open_bind(host, logins, insecure_no_auth)
    ensure_articles(settings)
    app = build_app(ArticleQA(settings=settings))
    app.queue().launch(server_name=host, server_port=port, css=CSS, auth=SlowedLogins(logins) if logins else None,
                       app_kwargs={"middleware": guards(settings, host, bool(logins))},
                       max_file_size=f"{settings.ui.max_upload_mb:g}mb")


def guards(settings, host: str, has_login: bool) -> list:
    """What stands in front of the app, before Gradio parses anything: a request-body limit
    (the upload cap and 1 MB for the form around it; a 30 MB paste is refused, not parsed) and,
    for a login-free app on loopback, loopback Host names only (DNS rebinding)."""
    from starlette.middleware import Middleware

    from rag.access import LOOPBACK_HOSTS, BodyLimit, is_loopback

    cap = int(settings.ui.max_upload_mb * 1e6) + (1 << 20)
    out = [Middleware(BodyLimit, limit=lambda _path: cap)]
    if is_loopback(host) and not has_login:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        out.append(Middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK_HOSTS, *settings.ui.allowed_hosts]))
    return out


def app_settings(base, db, chroma_url, llm, auth, read_only, allow_private_urls):
    """Settings with the command line's flags applied (flags win over RAG_* variables)."""
    ui_ = base.ui.model_copy(update={"read_only": True} if read_only else {})
    fetch = base.fetch.model_copy(update={"allow_private_urls": True} if allow_private_urls else {})
    return base.override(db=Path(db) if db else None, chroma_url=chroma_url, llm=llm, ui_auth=auth, ui=ui_, fetch=fetch)


def parse_auth(spec: str) -> list[tuple[str, str]]:
    """"user:pass,user2:pass2" → [(user, pass), …]; a malformed entry is a usage error."""
    logins = []
    for item in filter(None, (part.strip() for part in (spec or "").split(","))):
        user, sep, password = item.partition(":")
        if not (sep and user and password):
            raise click.UsageError("--auth takes USER:PASSWORD (several separated by commas), e.g. --auth ana:s3cret")
        logins.append((user, password))
    return logins


class SlowedLogins:
    """Gradio's login check, slowed down for a name that keeps failing: after ``FREE`` failures
    within ``WINDOW`` seconds each further wrong password waits ``STEP`` seconds more (up to
    ``MAX_WAIT``), so 300 guesses take many minutes, not 0.3 s. A right password resets it."""

    FREE, WINDOW, STEP, MAX_WAIT = 3, 300.0, 0.5, 5.0

    def __init__(self, logins: list[tuple[str, str]], sleep=time.sleep, clock=time.monotonic):
        self.logins, self.sleep, self.clock = dict(logins), sleep, clock
        self.failures: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def __call__(self, username: str, password: str) -> bool:
        import secrets

        want = self.logins.get(username or "", "")
        ok = bool(want) and secrets.compare_digest((password or "").encode(), want.encode())
        key = (username or "")[:100]
        with self.lock:
            now = self.clock()
            recent = [t for t in self.failures.get(key, []) if now - t < self.WINDOW]
            if ok:
                self.failures.pop(key, None)
                return True
            recent.append(now)
            self.failures[key] = recent[-50:]
            if len(self.failures) > 10_000:  # bounded: names that are not logins do not pile up
                self.failures = {key: recent[-50:]}
        extra = len(recent) - self.FREE
        if extra > 0:
            self.sleep(min(self.MAX_WAIT, self.STEP * extra))
        return False


def refuse_open_bind(host: str, logins, insecure: bool) -> None:
    from rag.access import open_bind_problem

    problem = open_bind_problem(host, bool(logins), insecure, "app", "--auth USER:PASSWORD (or RAG_UI_AUTH)")
    if problem:
        raise click.UsageError(problem)
    if insecure and not logins:
        click.echo(f"warning: serving on {host} without a login (--insecure-no-auth)", err=True)


if __name__ == "__main__":
    main()
