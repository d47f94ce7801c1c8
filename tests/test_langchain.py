"""LangChain users get a BaseRetriever and a composable Runnable."""
from __future__ import annotations

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
