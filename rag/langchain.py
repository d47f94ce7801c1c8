"""LangChain adapters: the store as a ``BaseRetriever``, the answerer as a ``Runnable``.

    retriever = qa.as_retriever(k=4)          # retriever.invoke("What did Iran offer?", k=2)
    chain = qa.as_runnable()                  # chain.invoke({"question": ..., "history": [...]})
    chain | (lambda ans: ans.text)            # composes like any runnable

The runnable reports to callbacks like LangChain's own chains: a chain run per call with the
retrieval as a child retriever run, and every text piece as a stream chunk, so ``stream``,
``astream`` and ``astream_events`` show the answer as it is produced, composed or not.
"""
from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Iterator

from langchain_core.callbacks import CallbackManagerForChainRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import field_validator

from rag.errors import BadInputError
from rag.types import Answer, Passage


def to_document(p: Passage) -> Document:
    return Document(page_content=p.text, metadata={
        "article_id": p.article_id, "title": p.title, "start": p.start, "end": p.end, "score": p.score})


class ArticleRetriever(BaseRetriever):
    """Hybrid (BM25 + dense) retrieval over the article store, as LangChain documents.
    ``k`` and ``article_ids`` can be given at construction or per call (``invoke(q, k=2)``)."""

    qa: Any
    k: int = 5
    article_ids: list[str] | None = None

    @field_validator("k")
    @classmethod
    def _positive(cls, k: int) -> int:
        if k < 1:
            raise ValueError(f"k must be a positive whole number of documents, not {k}")
        return k

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, article_ids: list[str] | None = None) -> list[Document]:
        ids = self.article_ids if article_ids is None else article_ids
        return [to_document(p) for p in self.qa.retrieve(query, k=self.k if k is None else k, article_ids=ids)]


def parse_input(value) -> tuple[str, list | None, list[str] | None]:
    """(question, history, article_ids) from a string or a dict keyed "question" or "input"
    (the key LangChain's own chains use), with "history" or "chat_history"."""
    if isinstance(value, str):
        return value, None, None
    if isinstance(value, dict):
        question = value.get("question", value.get("input"))
        if question is not None:
            return question, value.get("history", value.get("chat_history")), value.get("article_ids")
    raise BadInputError(f"expected a question string or {{'question': …}} / {{'input': …}}, got {type(value).__name__}")


class AnswerChain(Runnable[Any, Answer]):
    """Input: a question string or {"question" | "input", "history"?, "article_ids"?, "since"?,
    "until"?, "as_of"?} (dates as date objects or YYYY-MM-DD).
    ``invoke`` returns the Answer; ``stream``/``astream`` yield text pieces, then the Answer."""

    name: str = "ArticleQA"

    def __init__(self, qa):
        self.qa = qa

    @property
    def OutputType(self):  # noqa: N802 - LangChain's name
        return Answer

    def invoke(self, input, config: RunnableConfig | None = None, **kwargs) -> Answer:  # noqa: A002
        *_, final = self.stream(input, config)
        return final

    async def ainvoke(self, input, config: RunnableConfig | None = None, **kwargs) -> Answer:  # noqa: A002
        final = None
        async for item in self.astream(input, config):
            final = item
        return final

    def stream(self, input, config: RunnableConfig | None = None, **kwargs) -> Iterator[str | Answer]:  # noqa: A002
        yield from self._transform_stream_with_config(iter([input]), self._transform, config, run_type="chain")

    def transform(self, input: Iterator, config: RunnableConfig | None = None, **kwargs):  # noqa: A002
        yield from self._transform_stream_with_config(input, self._transform, config, run_type="chain")

    async def astream(self, input, config: RunnableConfig | None = None, **kwargs) -> AsyncIterator:  # noqa: A002
        async for item in self._atransform_stream_with_config(_once(input), self._atransform, config, run_type="chain"):
            yield item

    async def atransform(self, input: AsyncIterator, config: RunnableConfig | None = None, **kwargs):  # noqa: A002
        async for item in self._atransform_stream_with_config(input, self._atransform, config, run_type="chain"):
            yield item

    def _transform(self, inputs: Iterator, run_manager: CallbackManagerForChainRun) -> Iterator[str | Answer]:
        value = _last(inputs)
        question, history, ids = parse_input(value)
        dates = {k: value.get(k) for k in ("since", "until", "as_of")} if isinstance(value, dict) else {}
        retrieval = run_manager.get_child().on_retriever_start(None, question, name="ArticleRetriever")
        told = []

        def found(passages):  # the passages the answer is read from: ArticleQA.ask's own flow,
            told.append(True)  # other dates and the "As of" lead included
            retrieval.on_retriever_end([to_document(p) for p in passages])

        try:
            yield from self.qa.stream(question, history, ids, **dates, on_passages=found)
        except BaseException as e:
            if not told:
                retrieval.on_retriever_error(e)
            raise

    async def _atransform(self, inputs: AsyncIterator, run_manager) -> AsyncIterator[str | Answer]:
        value = None
        async for value in inputs:
            pass
        sync_manager = run_manager.get_sync()
        items = self._transform(iter([value]), sync_manager)
        loop = asyncio.get_running_loop()
        done = object()
        while (item := await loop.run_in_executor(None, next, items, done)) is not done:
            yield item  # the answer is produced in a worker thread; the event loop stays free


def _last(inputs: Iterator):
    value = None
    for value in inputs:
        pass
    return value


async def _once(value) -> AsyncIterator:
    yield value


def answer_chain(qa) -> AnswerChain:
    return AnswerChain(qa)
