"""LangChain adapters: the store as a ``BaseRetriever``, the answerer as a ``Runnable``.

    retriever = qa.as_retriever(k=4)          # retriever.invoke("What did Iran offer?")
    chain = qa.as_runnable()                  # chain.invoke({"question": ..., "history": [...]})
    chain | (lambda ans: ans.text)            # composes like any runnable
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from rag.types import Passage


def to_document(p: Passage) -> Document:
    return Document(page_content=p.text, metadata={
        "article_id": p.article_id, "title": p.title, "start": p.start, "end": p.end, "score": p.score})


class ArticleRetriever(BaseRetriever):
    """Hybrid (BM25 + dense) retrieval over the article store, as LangChain documents."""

    qa: Any
    k: int = 5
    article_ids: list[str] | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [to_document(p) for p in self.qa.retrieve(query, k=self.k, article_ids=self.article_ids)]


def answer_chain(qa) -> Runnable:
    """Input: a question string or {"question", "history"?, "article_ids"?}. Output: Answer."""
    def run(value):
        if isinstance(value, str):
            return qa.ask(value)
        return qa.ask(value["question"], history=value.get("history"), article_ids=value.get("article_ids"))

    def stream(value):
        if isinstance(value, str):
            value = {"question": value}
        yield from qa.stream(value["question"], history=value.get("history"), article_ids=value.get("article_ids"))

    return _Chain(run, stream)


class _Chain(RunnableLambda):
    """A RunnableLambda whose ``stream`` yields answer text pieces, then the Answer."""

    def __init__(self, run, stream):
        super().__init__(run, name="ArticleQA")
        self._stream_fn = stream

    def stream(self, input, config=None, **kwargs):  # noqa: A002 - LangChain's signature
        yield from self._stream_fn(input)
