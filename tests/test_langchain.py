"""LangChain users get a BaseRetriever and a composable Runnable."""
from __future__ import annotations

import json

import pytest
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from rag.types import Answer

pytestmark = pytest.mark.slow


def test_retriever_is_a_langchain_retriever(sample_qa):
    r = sample_qa.as_retriever(k=3)
    assert isinstance(r, BaseRetriever)
    docs = r.invoke("What did Iran offer?")
    assert len(docs) == 3
    text = sample_qa.article(docs[0].metadata["article_id"]).text
    for d in docs:
        assert text[d.metadata["start"]:d.metadata["end"]] == d.page_content


def test_runnable_composes_and_streams(sample_qa):
    chain = sample_qa.as_runnable()
    assert isinstance(chain, Runnable)
    ans = chain.invoke({"question": "Who is the U.S. ambassador?"})
    assert isinstance(ans, Answer) and "Ryan Crocker" in ans.text
    texts = (chain | RunnableLambda(lambda a: a.text)).batch(["Who is the U.S. ambassador?", "What is the capital of France?"])
    assert "Ryan Crocker" in texts[0] and texts[1] == "The articles don't say."
    items = list(chain.stream("Who is the U.S. ambassador?"))
    assert isinstance(items[-1], Answer) and "".join(items[:-1]) == items[-1].text


def test_k_and_article_ids_at_construction_and_per_call(sample_qa):
    r = sample_qa.as_retriever()
    assert len(r.invoke("What did Iran offer?", k=1)) == 1
    assert len(r.invoke("What did Iran offer?", k=3)) == 3
    only = sample_qa.articles()[0].id
    assert all(d.metadata["article_id"] == only for d in sample_qa.as_retriever(k=2, article_ids=[only]).invoke("Iran"))
    assert sample_qa.as_retriever(article_ids=["0000000000000000"]).invoke("Iran") == []
    for bad in (0, -1):
        with pytest.raises(ValueError, match="positive"):
            sample_qa.as_retriever(k=bad)


def test_histories_in_every_form_drive_the_follow_up(sample_qa):
    from langchain_core.messages import AIMessage, HumanMessage

    first = sample_qa.ask("What did Iran offer?")
    chain = sample_qa.as_runnable()
    forms = [
        [{"role": "user", "content": "What did Iran offer?"}, {"role": "assistant", "content": first.text}],
        [("user", "What did Iran offer?"), ("assistant", first.text)],
        [("human", "What did Iran offer?"), ("ai", first.text)],
        [HumanMessage("What did Iran offer?"), AIMessage(first.text)],
    ]
    answers = [chain.invoke({"input": "Who made that offer?", "chat_history": h}) for h in forms]
    assert {a.question for a in answers} == {"Who made the offer?"}  # resolved as a follow-up each time
    assert len({a.text for a in answers}) == 1
    assert sample_qa.ask("Who made that offer?").question == "Who made that offer?"  # without history: not


def test_astream_and_callbacks_report_pieces_and_a_child_retrieval(sample_qa):
    import asyncio

    from langchain_core.callbacks import BaseCallbackHandler

    class Recorder(BaseCallbackHandler):
        def __init__(self):
            self.events = []

        def on_chain_start(self, *a, **kw):
            self.events.append(("chain_start", kw.get("parent_run_id")))

        def on_chain_end(self, *a, **kw):
            self.events.append(("chain_end", kw.get("parent_run_id")))

        def on_retriever_start(self, *a, **kw):
            self.events.append(("retriever_start", kw.get("parent_run_id")))

        def on_retriever_end(self, documents, **kw):
            self.events.append(("retriever_end", len(documents)))

    chain = sample_qa.as_runnable()
    rec = Recorder()
    items = list(chain.stream("What did Iran offer?", config={"callbacks": [rec]}))
    kinds = [e[0] for e in rec.events]
    assert kinds == ["chain_start", "retriever_start", "retriever_end", "chain_end"]
    assert rec.events[1][1] is not None and rec.events[2][1] > 0  # a child run, with its documents
    assert len(items) > 2 and isinstance(items[-1], Answer)

    async def collect():
        pieces = [x async for x in chain.astream({"question": "What did Iran offer?"})]
        events = [e async for e in (chain | (lambda a: a.text)).astream_events("What did Iran offer?", version="v2")]
        return pieces, events

    pieces, events = asyncio.run(collect())
    assert len(pieces) > 2 and all(isinstance(p, str) for p in pieces[:-1]) and isinstance(pieces[-1], Answer)
    streamed = [e["data"]["chunk"] for e in events if e["event"] == "on_chain_stream" and e["name"] == "ArticleQA"]
    assert len([c for c in streamed if isinstance(c, str)]) >= 2  # composed, the pieces still show
    assert any(e["event"] == "on_retriever_end" for e in events)
    assert "train and equip" in [e for e in events if e["event"] == "on_chain_end"][-1]["data"]["output"]


def test_answer_json_round_trips_and_prints_short(sample_qa):
    ans = sample_qa.ask("Who is the U.S. ambassador?")
    back = Answer.from_dict(json.loads(ans.to_json()))
    assert back.to_dict() == ans.to_dict() and back.citations == ans.citations
    assert len(repr(ans)) < 160 and "citations=" in repr(ans) and str(ans) == ans.text


def test_bad_input_is_a_clear_error(sample_qa):
    from rag.errors import BadInputError

    chain = sample_qa.as_runnable()
    with pytest.raises(BadInputError, match="question"):
        chain.invoke({"query": "What did Iran offer?"})
    with pytest.raises(BadInputError, match="history"):
        sample_qa.ask("Who made that offer?", history=["just a string"])
