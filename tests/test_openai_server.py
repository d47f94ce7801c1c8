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


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("serve") / "db"
    shutil.copytree(sample_db, db)  # its own copy: one persist dir is never opened by two processes
    port = free_port()
    log = open(db.parent / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--db", str(db), "--port", str(port),
                             "--api-key", KEY], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
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
