"""An OpenAI-compatible HTTP API over one store (`rag serve`), on FastAPI.

Chat clients that speak the OpenAI API (the ``openai`` SDK, LangChain's ``ChatOpenAI``, Open
WebUI, LibreChat) get cited answers:

- ``GET /v1/models``: ``news-rag`` (the configured answerer), ``news-rag-extractive`` (offline),
  and the configured LLM's own name when there is one;
- ``POST /v1/chat/completions`` (``stream`` or not): the ``messages`` history drives follow-ups;
  the text carries ``[n]`` markers and ends with a "Sources:" footer for plain clients, and the
  response has ``citations`` (and ``refused``, ``short``) for programs;
- ``GET/POST /v1/articles``, ``DELETE /v1/articles/{id}``: the library (URLs under the web
  app's rules: public http(s) only).

For Open WebUI (``rag serve --for-open-webui``): source events its citation chips read, no
footer, and its background task prompts (title, tags, follow-ups) answered in kind
(``rag.webui``). "Continue Response" gets an empty completion; ``usage`` counts tokens and is
streamed last when ``stream_options.include_usage`` asks for it.

Errors are OpenAI-shaped: ``{"error": {"message", "type", "param", "code"}}``.
"""
from __future__ import annotations

import json
from datetime import date
import re
import secrets
import time
import uuid
from typing import Any, Iterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.access import LOOPBACK_HOSTS, BodyLimit
from rag.conversation import text_of
from rag.errors import ArticleNotFoundError, BadInputError, LLMUnavailableError, RagError
from rag.types import Answer
from rag.webui import source_items

DEFAULT_MODEL = "news-rag"
OFFLINE_MODEL = "news-rag-extractive"
SOURCES = "\n\nSources:\n"


class APIError(Exception):
    def __init__(self, status: int, message: str, type_: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type_, param, code

    def response(self) -> JSONResponse:
        return error_response(self.status, self.message, self.type, self.param, self.code)


def error_response(status: int, message: str, type_: str = "invalid_request_error",
                   param: str | None = None, code: str | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": type_, "param": param, "code": code}}, status)


# -- request bodies -------------------------------------------------------------------------
class ChatMessage(BaseModel):
    role: str
    content: Any = None


class ChatRequest(BaseModel):
    model: str = DEFAULT_MODEL
    messages: list[ChatMessage]
    stream: bool = False
    article_ids: list[str] | None = Field(None, description="Limit the answer to these articles.")
    since: date | None = Field(None, description="Only articles published on or after this date (YYYY-MM-DD).")
    until: date | None = Field(None, description="Only articles published on or before this date (YYYY-MM-DD).")
    as_of: date | None = Field(None, description="Reference date for 'last week' in the question (default today).")
    stream_options: dict | None = Field(None, description="{'include_usage': true}: a last chunk with the usage.")

    def scope(self) -> dict:
        return {"article_ids": self.article_ids, "since": self.since, "until": self.until, "as_of": self.as_of}


class ArticleRequest(BaseModel):
    text: str | None = None
    title: str | None = None
    url: str | None = None


# -- answers as OpenAI responses ---------------------------------------------------------------
def sources_footer(ans: Answer) -> str:
    """What plain chat clients show under the answer."""
    if ans.refused or not ans.citations:
        return ""
    lines = [f'[{c.n}] {c.title}{f" ({c.published})" if c.published else ""}{f", p. {c.page}" if c.page else ""}: '
             f'"{c.quote}"' for c in ans.citations]
    return SOURCES + "\n".join(lines)


def citations_of(qa, ans: Answer) -> list[dict]:
    out = []
    for c in ans.citations:
        meta = qa.retriever.articles.get(c.article_id)
        source = meta.source if meta else None
        url = source if source and source.startswith(("http://", "https://")) else None
        out.append({**c.to_dict(), "url": url, "source": _shown_source(source)})
    return out


def _shown_source(source: str | None) -> str | None:
    from ingest.web import display_source

    return display_source(source) if source else None


def without_footer(content: str) -> str:
    """An earlier answer as the conversation logic wants it: the footer removed."""
    return content.split(SOURCES, 1)[0]


def history_of(messages: list[ChatMessage]) -> tuple[str, list[dict]]:
    """(the question, the earlier turns) from an OpenAI ``messages`` list."""
    turns = [m for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise APIError(400, "the last message must come from the user and hold the question", param="messages")
    question = text_of(turns[-1].content).strip()
    if not question:
        raise APIError(400, "the question is empty: put it in the last user message", param="messages")
    history = [{"role": m.role, "content": without_footer(text_of(m.content))} for m in turns[:-1]]
    return question, history


def tokens(text: str) -> int:
    """A token count for ``usage``: words and punctuation marks (no model tokenizer is at hand
    for an extractive answer; close to a BPE count for English prose)."""
    return len(_TOKEN.findall(text or ""))


_TOKEN = re.compile(r"\w+|[^\w\s]")


def usage(prompt: int, text: str) -> dict:
    done = tokens(text)
    return {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}


def completion(model: str, text: str, extra: dict, prompt_tokens: int = 0) -> dict:
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                         "finish_reason": "stop", "logprobs": None}],
            "usage": usage(prompt_tokens, text), **extra}


def chunk(cid: str, model: str, delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
    """One streamed piece of the answer (``extra``: fields beside it, e.g. the citations)."""
    return envelope(cid, model, [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], extra)


def envelope(cid: str, model: str, choices: list, extra: dict | None = None) -> str:
    """An SSE ``chat.completion.chunk``; with no choices it carries only ``extra`` (the usage,
    a source event), as OpenAI's own usage chunk does."""
    body = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": choices, **(extra or {})}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


# -- the app ------------------------------------------------------------------------------------
class Service:
    """The answering and library logic behind the routes (kept apart from FastAPI's wiring)."""

    def __init__(self, qa):
        from concurrent.futures import ThreadPoolExecutor

        self.qa = qa
        self.offline = qa.offline() if qa.answerer.name != "extractive" else qa
        self.footer = qa.settings.sources_footer  # off for front-ends that show source events (Open WebUI)
        self.events = qa.settings.source_events
        # URL fetches run here, never on request threads: 45 slow-drip URLs held every request
        # thread and GET /v1/models waited 17.7 s (the web app's bounded pool, the same size).
        self.fetches = ThreadPoolExecutor(qa.settings.fetch.workers, thread_name_prefix="fetch")

    def models(self) -> list[str]:
        names = [DEFAULT_MODEL, OFFLINE_MODEL]
        if self.qa.answerer.name != "extractive":
            names.append(self.qa.answerer.name)
        return names

    def engine(self, model: str):
        if model in (DEFAULT_MODEL, self.qa.answerer.name):
            return self.qa
        if model == OFFLINE_MODEL:
            return self.offline
        raise APIError(404, f"no model '{model}': use one of {', '.join(self.models())} (GET /v1/models)",
                       param="model", code="model_not_found")

    def stream(self, engine, question, history, scope: dict) -> Iterator[str | Answer]:
        """The engine's stream; an unreachable LLM falls back to the offline answerer, saying so.
        ``scope``: article_ids, since, until, as_of."""
        try:
            yield from engine.stream(question, history=history, **scope)
        except LLMUnavailableError as e:
            yield _fallback_note(e)
            yield from self.offline.stream(question, history=history, **scope)

    def answer(self, engine, question, history, scope: dict) -> tuple[Answer, str]:
        """(the answer, a note to put before it: why it was answered offline, if it was)."""
        try:
            return engine.ask(question, history=history, **scope), ""
        except LLMUnavailableError as e:
            return self.offline.ask(question, history=history, **scope), _fallback_note(e)

    def extra(self, ans: Answer) -> dict:
        return {"citations": citations_of(self.qa, ans), "refused": ans.refused, "question": ans.question,
                "short": ans.short.to_dict() if ans.short else None}


def _fallback_note(e: Exception) -> str:
    return f"(The LLM endpoint is unreachable, answered offline: {e}.)\n\n"


#: Largest request body outside /v1/articles: a chat's history of cited answers is a few KB.
MAX_CHAT_BODY = 1 << 20


def create_app(qa, api_key: str = "", loopback_only: bool = False, allowed_hosts=(),
               read_only: bool = False) -> FastAPI:
    """The API over ``qa``; with ``api_key`` every request needs ``Authorization: Bearer KEY``;
    ``loopback_only`` (a keyless server bound to loopback) answers only loopback Host headers
    and ``allowed_hosts``; ``read_only`` answers questions but adds and deletes nothing."""
    app = FastAPI(title="news-rag", description=__doc__.split("\n\n")[0])
    svc = Service(qa)
    _errors(app)
    article_cap = int(qa.settings.ui.max_upload_mb * 1e6) + 65536  # pasted text up to the upload cap, JSON-quoted
    app.add_middleware(BodyLimit, limit=lambda path: article_cap if path.startswith("/v1/articles") else MAX_CHAT_BODY)
    _auth(app, api_key)  # added last: outermost, so a request without the key is refused before its body is read
    if loopback_only and not api_key:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK_HOSTS, *allowed_hosts])
    _chat_routes(app, svc)
    _article_routes(app, svc, read_only)
    return app


def _errors(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def api_error(_request, e: APIError):
        return e.response()

    @app.exception_handler(RequestValidationError)
    async def invalid(_request, e: RequestValidationError):
        first = e.errors()[0] if e.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        return error_response(400, f"invalid request: {where or 'body'}: {first.get('msg', 'bad value')}", param=where)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request, e: StarletteHTTPException):
        return error_response(e.status_code, str(e.detail), "invalid_request_error" if e.status_code < 500 else "server_error")

    @app.exception_handler(RagError)
    async def rag_error(_request, e: RagError):
        status = 404 if isinstance(e, ArticleNotFoundError) else 400 if isinstance(e, BadInputError) else 503
        return error_response(status, str(e), "invalid_request_error" if status < 500 else "server_error")


def _auth(app: FastAPI, api_key: str) -> None:
    if not api_key:
        return

    @app.middleware("http")
    async def bearer(request: Request, call_next):
        given = request.headers.get("authorization", "")
        token = given[7:].strip() if given.lower().startswith("bearer ") else ""
        if not secrets.compare_digest(token.encode(), api_key.encode()):
            return error_response(401, "invalid or missing API key: send 'Authorization: Bearer KEY' "
                                       "(the key given to rag serve --api-key / RAG_API_KEY)",
                                  "invalid_request_error", code="invalid_api_key")
        return await call_next(request)


def _chat_routes(app: FastAPI, svc: Service) -> None:
    @app.get("/v1/models")
    def models():
        return {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "news-rag"}
                                           for m in svc.models()]}

    @app.post("/v1/chat/completions")
    def chat(req: ChatRequest):
        from rag.webui import answer_task, task_kind

        engine = svc.engine(req.model)
        prompt = sum(tokens(text_of(m.content)) for m in req.messages)
        with_usage = bool((req.stream_options or {}).get("include_usage"))
        turns = [m for m in req.messages if m.role in ("user", "assistant")]
        if turns and turns[-1].role == "assistant":  # "Continue Response": the answer was whole
            return _plain(req, "", prompt, with_usage)
        question, history = history_of(req.messages)
        kind = task_kind(question)
        if kind:  # a front-end's background task (title, tags, follow-ups): JSON, no search
            return _plain(req, answer_task(kind, question, svc.qa), prompt, with_usage)
        if req.stream:
            items = svc.stream(engine, question, history, req.scope())
            return StreamingResponse(_sse(svc, req.model, items, prompt, with_usage), media_type="text/event-stream")
        ans, note = svc.answer(engine, question, history, req.scope())
        text = note + ans.text + (sources_footer(ans) if svc.footer else "")
        return completion(req.model, text, {**svc.extra(ans), "sources": source_items(ans)}, prompt)


def _plain(req: ChatRequest, text: str, prompt: int, with_usage: bool):
    """A reply that is only text (a task's JSON, an empty continuation), streamed or not."""
    if not req.stream:
        return completion(req.model, text, {}, prompt)
    cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"

    def events():
        yield chunk(cid, req.model, {"role": "assistant", "content": text})
        yield chunk(cid, req.model, {}, "stop")
        if with_usage:
            yield envelope(cid, req.model, [], {"usage": usage(prompt, text)})
        yield "data: [DONE]\n\n"
    return StreamingResponse(events(), media_type="text/event-stream")


def _sse(svc: Service, model: str, items, prompt: int = 0, with_usage: bool = False) -> Iterator[str]:
    """The answer's pieces, then its source events (one per citation, Open WebUI's shape), the
    last chunk with the citations (and the footer for plain clients), the usage when asked."""
    cid, text = f"chatcmpl-{uuid.uuid4().hex[:24]}", ""
    yield chunk(cid, model, {"role": "assistant", "content": ""})
    try:
        for item in items:
            if isinstance(item, Answer):
                for source in source_items(item) if svc.events else ():
                    yield envelope(cid, model, [], {"event": {"type": "source", "data": source}})
                tail = sources_footer(item) if svc.footer else ""
                text += tail
                yield chunk(cid, model, {"content": tail}, "stop", svc.extra(item))
            else:
                text += item
                yield chunk(cid, model, {"content": item})
    except RagError as e:  # mid-stream: the status line is gone, the error goes in the stream
        yield f"data: {json.dumps({'error': {'message': str(e), 'type': 'server_error'}})}\n\n"
    if with_usage:
        yield envelope(cid, model, [], {"usage": usage(prompt, text)})
    yield "data: [DONE]\n\n"


def _article_routes(app: FastAPI, svc: Service, read_only: bool = False) -> None:
    @app.get("/v1/articles")
    def articles():
        from ingest.web import display_source

        svc.qa.retriever.refresh()
        rows = sorted(svc.qa.retriever.articles.values(), key=lambda a: a.title.lower())
        return {"object": "list", "data": [{"id": a.id, "object": "article", "title": a.title,
                                            "source": display_source(a.source), "published": a.published,
                                            "chunks": a.chunks} for a in rows]}

    @app.post("/v1/articles", status_code=201)
    async def add(req: ArticleRequest):
        if read_only:
            raise APIError(403, "this server is read-only (rag serve --read-only): it answers, it adds nothing",
                           code="read_only")
        report = await _ingest(svc, req)
        if report.failed:
            raise APIError(400, f"not added: {report.failed[0][1]}", param="url" if req.url else "text")
        ids = report.added + report.updated + report.unchanged + [a for _, a in report.duplicates]
        return {"object": "ingest.report", "ids": ids, **report.to_dict()}

    @app.delete("/v1/articles/{article_id}")
    def delete(article_id: str):
        if read_only:
            raise APIError(403, "this server is read-only (rag serve --read-only): it deletes nothing", code="read_only")
        if not re.fullmatch(r"[0-9a-f]{16}", article_id):
            raise APIError(404, f"no article with id '{article_id}' (GET /v1/articles lists them)", code="not_found")
        svc.qa.delete(article_id)
        return {"id": article_id, "object": "article", "deleted": True}


async def _ingest(svc: Service, req: ArticleRequest):
    """Pasted text or a URL into the store: the fetch in the bounded fetch pool, the writing on a
    worker thread; the event loop (and every other request) never waits for either."""
    import asyncio

    from starlette.concurrency import run_in_threadpool

    from ingest.errors import SourceError
    from ingest.web import ingest_docs, pasted_doc, url_doc

    settings = svc.qa.settings
    if bool(req.url) == bool(req.text and req.text.strip()):
        raise APIError(400, "give either 'text' (with an optional 'title') or 'url'", param="text")
    if req.text:
        try:
            doc = pasted_doc(req.text, req.title or "", settings.ui.max_upload_mb)
        except SourceError as e:
            raise APIError(413, str(e), param="text") from None
    else:
        try:
            doc = await asyncio.wrap_future(svc.fetches.submit(url_doc, req.url, settings))
        except SourceError as e:
            raise APIError(400, f"not added: {e}", param="url") from None
    return await run_in_threadpool(ingest_docs, [doc], settings, (), svc.qa.embedder)
