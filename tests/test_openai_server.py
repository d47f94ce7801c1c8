"""`rag serve` for real: a server process on a free port, called with the official `openai`
client (sync, async, streaming), LangChain's ChatOpenAI and plain HTTP."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT
from tests.server import free_port

pytestmark = [pytest.mark.slow]
KEY = "sk-news-rag-test"
QUESTIONS = [("What did Iran offer?", "train and equip"),
             ("Who is the U.S. ambassador?", "Ryan Crocker"),
             ("How long did the meeting last?", "four-hour")]


def _serve(sample_db, tmp_path_factory, name: str, args: list[str], env: dict | None = None):
    """`rag serve` on a free port over its own copy of the sample store (one persist dir is never
    opened by two processes); yields its /v1 URL until the module is done."""
    db = tmp_path_factory.mktemp(name) / "db"
    shutil.copytree(sample_db, db)
    port = free_port()
    log = open(db.parent / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--db", str(db), "--port", str(port), *args],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 180
    while time.time() < deadline:
        assert proc.poll() is None, (db.parent / "serve.log").read_text()
        try:
            httpx.get(f"{url}/models", timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(15)
    log.close()


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    yield from _serve(sample_db, tmp_path_factory, "serve", ["--api-key", KEY])


@pytest.fixture(scope="module")
def client(server):
    from openai import OpenAI

    return OpenAI(base_url=server, api_key=KEY)


def test_models_list_the_answerers(client):
    ids = [m.id for m in client.models.list()]
    assert ids[:2] == ["news-rag", "news-rag-extractive"]


@pytest.mark.parametrize("question, words", QUESTIONS)
def test_answers_carry_markers_footer_and_citations(client, question, words):
    r = client.chat.completions.create(model="news-rag", messages=[{"role": "user", "content": question}])
    text = r.choices[0].message.content
    assert words in text and "[1]" in text and "\n\nSources:\n[1] " in text
    cites = r.model_extra["citations"]
    assert cites and cites[0]["n"] == 1 and cites[0]["source"] == "us-iran-talks-baghdad-2007.txt"
    assert {"article_id", "title", "quote", "start", "end", "url", "published"} <= set(cites[0])
    assert r.model_extra["refused"] is False


@pytest.mark.parametrize("question, words", QUESTIONS)
def test_streamed_answers_come_in_pieces_and_end_with_citations(client, question, words):
    chunks = list(client.chat.completions.create(model="news-rag", stream=True,
                                                 messages=[{"role": "user", "content": question}]))
    pieces = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    assert len(pieces) >= 3 and words in "".join(pieces) and "Sources:" in pieces[-1]
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].model_extra["citations"]


def test_the_history_drives_follow_ups(client, sample_qa):
    first = client.chat.completions.create(model="news-rag", messages=[{"role": "user", "content": "What did Iran offer?"}])
    said = first.choices[0].message.content  # with its Sources footer, as a chat client sends it back
    follow_up = "and what did the Americans want?"
    r = client.chat.completions.create(model="news-rag", messages=[
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "What did Iran offer?"},
        {"role": "assistant", "content": said},
        {"role": "user", "content": [{"type": "text", "text": follow_up}]}])
    text = r.choices[0].message.content
    assert not r.model_extra["refused"] and "Sources:" in text
    assert r.model_extra["question"] == "what did the Americans want?"  # what was searched for
    # the same answer as the Python API with that history, not the answer without one
    history = [{"role": "user", "content": "What did Iran offer?"},
               {"role": "assistant", "content": said.split("\n\nSources:")[0]}]
    with_history = sample_qa.ask(follow_up, history=history)
    assert text.split("\n\nSources:")[0] == with_history.text


def test_async_client(server):
    import asyncio

    from openai import AsyncOpenAI

    async def ask():
        c = AsyncOpenAI(base_url=server, api_key=KEY)
        stream = await c.chat.completions.create(model="news-rag-extractive", stream=True,
                                                 messages=[{"role": "user", "content": "Who is the U.S. ambassador?"}])
        return "".join([ch.choices[0].delta.content or "" async for ch in stream])

    assert "Ryan Crocker" in asyncio.run(ask())


def test_bad_key_empty_question_and_unknown_model_are_openai_errors(server, client):
    import openai

    with pytest.raises(openai.AuthenticationError) as e:
        openai.OpenAI(base_url=server, api_key="wrong").models.list()
    assert e.value.status_code == 401 and "API key" in str(e.value)
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="news-rag", messages=[{"role": "user", "content": "  "}])
    assert "empty" in str(e.value)
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "hi"}])
    assert "news-rag" in str(e.value)
    r = httpx.post(f"{server}/chat/completions", headers={"Authorization": f"Bearer {KEY}"}, json={"messages": "x"})
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"


def test_refusal_has_no_sources(client):
    r = client.chat.completions.create(model="news-rag", messages=[
        {"role": "user", "content": "What is the boiling point of mercury on Mars?"}])
    assert r.model_extra["refused"] is True and "Sources:" not in r.choices[0].message.content
    assert r.model_extra["citations"] == []


def test_langchain_chat_openai_pointed_at_it(server):
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=server, api_key=KEY, model="news-rag", temperature=0)
    assert "train and equip" in llm.invoke("What did Iran offer?").content
    assert len([c for c in llm.stream("Who is the U.S. ambassador?") if c.content]) >= 2


def test_library_routes(server):
    h = {"Authorization": f"Bearer {KEY}"}
    r = httpx.post(f"{server}/articles", headers=h, timeout=60,
                   json={"title": "Ferry resumes", "text": "The ferry between Tyre and Sidon resumed on Friday."})
    assert r.status_code == 201 and len(r.json()["added"]) == 1
    new_id = r.json()["ids"][0]
    listed = httpx.get(f"{server}/articles", headers=h).json()["data"]
    assert {a["title"] for a in listed} >= {"Ferry resumes"} and all("/" not in a["source"] for a in listed)
    bad = httpx.post(f"{server}/articles", headers=h, json={"url": "file:///etc/passwd"})
    assert bad.status_code == 400 and "http" in bad.json()["error"]["message"]
    assert httpx.delete(f"{server}/articles/{new_id}", headers=h).json()["deleted"] is True
    assert httpx.delete(f"{server}/articles/{new_id}", headers=h).status_code == 404
    assert new_id not in {a["id"] for a in httpx.get(f"{server}/articles", headers=h).json()["data"]}


def test_serve_refuses_an_open_bind_without_a_key():
    from click.testing import CliRunner

    from rag.cli.main import main

    r = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2 and "--api-key" in r.output


def test_date_filters_in_the_request(server, client):
    ask = lambda **dates: client.chat.completions.create(  # noqa: E731
        model="news-rag", messages=[{"role": "user", "content": "What did Iran offer?"}], extra_body=dates)
    r = ask(since="2007-05-01", until="2007-05-31")
    assert not r.model_extra["refused"] and {c["published"] for c in r.model_extra["citations"]} == {"2007-05-29"}
    assert "(2007-05-29)" in r.choices[0].message.content  # the Sources footer shows each date
    r = ask(since="2008-01-01")
    assert r.model_extra["refused"] and "no article is dated since 2008-01-01" in r.choices[0].message.content
    bad = httpx.post(f"{server}/chat/completions", headers={"Authorization": f"Bearer {KEY}"},
                     json={"messages": [{"role": "user", "content": "What did Iran offer?"}], "since": "soon"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "since"


# -- bounded input: every refusal is one OpenAI-shaped 4xx and the server keeps serving -------
def _auth():
    return {"Authorization": f"Bearer {KEY}"}


def test_oversized_bodies_are_refused_before_parsing(server):
    big = b'{"messages": [{"role": "user", "content": "' + b"word " * 400_000 + b'"}]}'  # 2 MB
    r = httpx.post(f"{server}/chat/completions", content=big, headers={**_auth(), "Content-Type": "application/json"},
                   timeout=60)
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"

    def chunked():  # no Content-Length: counted as it arrives
        yield b'{"messages": [{"role": "user", "content": "'
        for _ in range(40):
            yield b"word " * 10_000
        yield b'"}]}'
    r = httpx.post(f"{server}/chat/completions", content=chunked(), headers={**_auth(), "Content-Type": "application/json"},
                   timeout=60)
    assert r.status_code == 413
    r = httpx.post(f"{server}/chat/completions", json={"messages": [{"role": "user", "content": "What did Iran offer?"}]},
                   headers=_auth(), timeout=60)
    assert r.status_code == 200 and "train and equip" in r.json()["choices"][0]["message"]["content"]


@pytest.mark.parametrize("url", ["http://[::1", "http://a\x00b/", "http://a..b/", "http://\u2603.com/",
                                 "http://example.com/\r\nX: y", "http://example.com/" + "a" * 70_000])
def test_broken_urls_are_400s_not_500s(server, url):
    r = httpx.post(f"{server}/articles", json={"url": url}, headers=_auth(), timeout=60)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["message"].startswith("not added:")


def test_deeply_nested_content_is_read_to_a_bound(server):
    content = "What did Iran offer?"
    for _ in range(600):
        content = [content]
    r = httpx.post(f"{server}/chat/completions", json={"messages": [{"role": "user", "content": content}]},
                   headers=_auth(), timeout=60)
    assert r.status_code == 400 and "empty" in r.json()["error"]["message"]


@pytest.fixture(scope="module")
def keyless_server(sample_db, tmp_path_factory):
    """`rag serve` on loopback without a key, allowed to fetch loopback pages (for the drip server)."""
    yield from _serve(sample_db, tmp_path_factory, "serve-keyless", [],
                      {"RAG_FETCH__ALLOW_PRIVATE_URLS": "true", "RAG_FETCH__TIMEOUT": "15"})


def test_a_keyless_loopback_server_answers_only_loopback_host_names(keyless_server):
    assert httpx.get(f"{keyless_server}/models", timeout=10).status_code == 200
    r = httpx.post(f"{keyless_server}/articles", json={"text": "A planted article."},
                   headers={"Host": "attacker.example"}, timeout=10)
    assert r.status_code == 400  # DNS rebinding: the page's own name, not ours
    titles = [a["title"] for a in httpx.get(f"{keyless_server}/articles", timeout=10).json()["data"]]
    assert "Pasted text" not in titles


def test_slow_url_fetches_never_hold_the_other_requests(keyless_server):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    stop = threading.Event()

    class Drip(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(30):
                if stop.is_set():
                    return
                try:
                    self.wfile.write(b"<p>x</p>")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1)

        def log_message(self, *a):
            pass

    drip = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    threading.Thread(target=drip.serve_forever, daemon=True).start()
    def add(i):
        try:
            httpx.post(f"{keyless_server}/articles", json={"url": f"http://127.0.0.1:{drip.server_port}/{i}"}, timeout=60)
        except httpx.HTTPError:
            pass  # queued behind the drips: what is measured is the other requests' wait

    posts = [threading.Thread(target=add, args=(i,)) for i in range(48)]
    for t in posts:
        t.start()
    time.sleep(2)
    t0 = time.perf_counter()
    assert httpx.get(f"{keyless_server}/models", timeout=30).status_code == 200
    assert time.perf_counter() - t0 < 2.0
    stop.set()  # the drips end; the fetches still queued are answered at once
    for t in posts:
        t.join(70)
    drip.shutdown()


def test_read_only_and_allowed_hosts(sample_qa):
    from fastapi.testclient import TestClient

    from rag.openai_api import create_app

    app = create_app(sample_qa, read_only=True, loopback_only=True, allowed_hosts=["news.lan"])
    c = TestClient(app, base_url="http://127.0.0.1")
    for r in (c.post("/v1/articles", json={"text": "A planted article."}), c.delete("/v1/articles/0123456789abcdef")):
        assert r.status_code == 403 and r.json()["error"]["code"] == "read_only"
    assert c.get("/v1/models", headers={"Host": "news.lan"}).status_code == 200
    assert c.get("/v1/models", headers={"Host": "attacker.example"}).status_code == 400
    ask = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "What did Iran offer?"}]})
    assert ask.status_code == 200 and "train and equip" in ask.json()["choices"][0]["message"]["content"]


# -- Open WebUI: source events, its background tasks, Continue Response, usage ----------------
@pytest.fixture(scope="module")
def webui_server(sample_db, tmp_path_factory):
    yield from _serve(sample_db, tmp_path_factory, "serve-webui", ["--api-key", KEY, "--for-open-webui"])


def _webui_requests():
    import json

    return json.loads((ROOT / "tests" / "data" / "openwebui_requests.json").read_text(encoding="utf-8"))


def _events(server, body):
    import json

    with httpx.stream("POST", f"{server}/chat/completions", json=body, headers=_auth(), timeout=120) as r:
        assert r.status_code == 200
        lines = [line[6:] for line in r.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    return [json.loads(x) for x in lines[:-1]]


def test_open_webui_gets_source_events_usage_and_unique_names(webui_server, server):
    plain_stream = _events(server, _webui_requests()["chat"])  # a plain client: no events, the footer
    assert all(c["choices"] for c in plain_stream[:-1]) and "Sources:" in "".join(
        c["choices"][0]["delta"].get("content", "") for c in plain_stream if c["choices"])
    server = webui_server
    chunks = _events(server, _webui_requests()["chat"])
    sources = [c["event"]["data"] for c in chunks if c.get("event", {}).get("type") == "source"]
    final = next(c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"] == "stop")
    assert len(sources) == len(final["citations"]) >= 1
    names = [s["source"]["name"] for s in sources]
    assert len(set(names)) == len(names) and names[0].startswith("[1] ")
    first = sources[0]
    assert first["document"] == [final["citations"][0]["quote"]] and first["metadata"][0]["name"] == names[0]
    assert first["source"]["id"] == f"{final['citations'][0]['article_id']}#1"
    assert all(c["choices"] == [] for c in chunks if "event" in c)
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert "[1]" in text and "Sources:" not in text  # the chips show the sources: no footer twice
    usage = chunks[-1]["usage"]
    assert chunks[-1]["choices"] == [] and usage["completion_tokens"] > 10
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    plain = httpx.post(f"{server}/chat/completions", json={**_webui_requests()["chat"], "stream": False},
                       headers=_auth(), timeout=120).json()
    assert plain["sources"] and plain["sources"][0]["source"]["name"].startswith("[1] ")
    assert plain["usage"]["completion_tokens"] > 10


def test_open_webui_tasks_get_json_from_the_cited_articles(webui_server):
    server = webui_server
    import json

    req = _webui_requests()
    first = httpx.post(f"{server}/chat/completions", json={**req["chat"], "stream": False}, headers=_auth(),
                       timeout=120).json()["choices"][0]["message"]["content"]
    history = f"USER: What did Iran offer?\nASSISTANT: {first}"
    got = {}
    for kind, template in req["tasks"].items():
        body = {"model": "news-rag", "stream": False,
                "messages": [{"role": "user", "content": template.replace("{history}", history)}]}
        got[kind] = json.loads(httpx.post(f"{server}/chat/completions", json=body, headers=_auth(),
                                          timeout=60).json()["choices"][0]["message"]["content"])
    assert got["title"]["title"] and "don't say" not in got["title"]["title"]
    assert "News" in got["tags"]["tags"] and len(got["tags"]["tags"]) >= 2
    ups = got["follow_ups"]["follow_ups"]
    assert 3 <= len(ups) <= 5 and all(q.endswith("?") for q in ups)
    assert "What did Iran offer?" not in ups and any("Kazemi" in q or "Crocker" in q or "Mottaki" in q for q in ups)


def test_requests_captured_from_a_live_open_webui_get_what_it_reads(webui_server):
    """Replayed verbatim (tests/data/openwebui_captured.json: a live Open WebUI 0.12.4 run):
    each chat turn streams source events before [DONE] and no footer, the follow-up names
    Mr. Kazemi, and each background task gets the raw JSON Open WebUI parses."""
    import json

    captured = json.loads((ROOT / "tests" / "data" / "openwebui_captured.json").read_text(encoding="utf-8"))
    kinds = [r["kind"] for r in captured["requests"]]
    assert {"chat", "follow_up", "title", "tags", "follow_ups"} <= set(kinds)
    for r in captured["requests"]:
        body = r["body"]
        if r["kind"] in ("chat", "follow_up"):
            chunks = _events(webui_server, body)
            sources = [c["event"]["data"] for c in chunks if c.get("event", {}).get("type") == "source"]
            text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
            assert sources and "[1]" in text and "Sources:" not in text
            if r["kind"] == "follow_up":
                assert "Kazemi" in text.split("—")[0]
            continue
        reply = httpx.post(f"{webui_server}/chat/completions", json=body, headers=_auth(), timeout=60)
        got = json.loads(reply.json()["choices"][0]["message"]["content"])  # raw JSON, no fences
        if r["kind"] == "title":
            assert got["title"] and "don't say" not in got["title"]
        elif r["kind"] == "tags":
            assert got["tags"] and all(isinstance(t, str) and t for t in got["tags"])
        else:
            assert 3 <= len(got["follow_ups"]) <= 5 and all(q.endswith("?") for q in got["follow_ups"])


def test_continue_response_is_a_clean_empty_completion(webui_server):
    server = webui_server
    body = _webui_requests()["continue"]
    body["messages"][-1]["content"] = "Iran offered to help rebuild Iraq’s infrastructure [1]."
    chunks = _events(server, body)
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"]) == ""
    plain = httpx.post(f"{server}/chat/completions", json={**body, "stream": False}, headers=_auth(), timeout=60)
    assert plain.status_code == 200 and plain.json()["choices"][0]["message"]["content"] == ""


def test_no_input_gets_a_500(server):
    """Seeded fuzzing: random bytes, broken JSON, wrong types and the known triggers, on every
    route; each answer is a 4xx (or 200) in the OpenAI shape, never a 500, and the server lives."""
    import json
    import random

    rng = random.Random(7)
    shapes = [
        lambda: rng.randbytes(rng.randint(0, 400)),
        lambda: json.dumps({"messages": rng.choice([None, 1, "x", [], [1], [{"role": 1}], [{"content": "q"}]])}).encode(),
        lambda: json.dumps({"messages": [{"role": "user", "content": rng.choice(["", " ", "\x00", "?" * 5000, {"a": 1}])}],
                            "stream": rng.choice([True, False, "yes", None])}).encode(),
        lambda: json.dumps({"messages": [{"role": "user", "content": "q"}], "since": rng.choice(["2007-13-40", 5, "x"]),
                            "article_ids": rng.choice(["abc", [1], None])}).encode(),
        lambda: json.dumps({"url": rng.choice(["http://[::1", "http://a..b/", "javascript:x", "http://\u2603.com/", 5,
                                               "http://" + "a" * 9000])}).encode(),
        lambda: json.dumps({"text": rng.choice([None, 5, ["x"], ""]), "title": rng.choice([None, 7, "t" * 400])}).encode(),
        lambda: b'{"messages": [' * 200,
    ]
    for i in range(120):
        path = rng.choice(["/chat/completions", "/articles"])
        body = rng.choice(shapes)()
        r = httpx.post(f"{server}{path}", content=body, headers={**_auth(), "Content-Type": "application/json"},
                       timeout=60)
        assert r.status_code < 500, (i, path, body[:200], r.text[:300])
        if r.status_code >= 400:
            assert set(r.json()["error"]) >= {"message", "type"}
    assert httpx.get(f"{server}/models", headers=_auth(), timeout=10).status_code == 200
