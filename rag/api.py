"""``ArticleQA``: the Python API over a store — ask, stream, retrieve, list articles.

    qa = ArticleQA(db="path/to/db")
    ans = qa.ask("What did Iran offer?")
"""
from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

from rag.answerers import get_answerer, refusal
from rag.conversation import Turn, normalize_history
from rag.embedders import get_embedder
from rag.errors import BadInputError, RagError
from rag.reader.order import in_reader_order
from rag.index_cache import index_root
from rag.retrieval import HybridRetriever
from rag.settings import Settings
from rag.store import ArticleStore
from rag.types import Answer, Article, Passage

MAX_QUESTION_CHARS = 2000


def clean_question(question) -> str:
    if not isinstance(question, str) or not question.strip():
        raise BadInputError("the question is empty; ask something, e.g. rag ask \"What did Iran offer?\"")
    q = " ".join(question.split())
    # Longer inputs are not questions; keep the head so retrieval stays fast and bounded.
    return q[:MAX_QUESTION_CHARS]


def check_k(k, default: int) -> int:
    """``k`` passages: None means the default; anything but a positive whole number is an error."""
    if k is None:
        return default
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise BadInputError(f"k must be a positive whole number of passages, not {k!r}")
    return k


def _preload_reader(settings) -> None:
    """Load the trained reader now (it is cached per process); a failure is left for the
    answerer to report, with its fallback."""
    from rag.reader.model import load_reader

    try:
        load_reader(settings.reader_model)
    except RagError:
        pass


class ArticleQA:
    def __init__(self, db: str | Path | None = None, *, chroma_url: str | None = None,
                 llm=None, settings: Settings | None = None, store: ArticleStore | None = None):
        """``llm``: a SPEC string (see Settings.llm) or a LangChain chat model instance."""
        spec = llm if isinstance(llm, str) else None
        self.settings = (settings or Settings()).override(
            db=Path(db) if db else None, chroma_url=chroma_url, llm=spec)
        with ThreadPoolExecutor(3) as pool:  # the models load while the store opens and warms: faster start
            embedder = pool.submit(get_embedder, self.settings.embedding)
            # Only a trained reader has a model to load; the default heuristic one adds nothing here.
            reader = pool.submit(_preload_reader, self.settings.answer) if self.settings.answer.reader == "trained" else None
            self.store = store or ArticleStore.open(self.settings)
            warm = pool.submit(self.store.warm)
            self.embedder = embedder.result()
            if reader:
                reader.result()
            warm.result()
        self.store.check_model(self.embedder.model_id, self.embedder.dim)
        self.retriever = HybridRetriever(self.store, self.embedder, self.settings.retrieval, index_root(self.settings))
        model = llm if llm is not None and spec is None else None
        self.answerer = get_answerer(model or self.settings.llm, self.retriever, self.settings)

    # -- questions -------------------------------------------------------------------
    def retrieve(self, question: str, k: int | None = None, article_ids=None) -> list[Passage]:
        """Best passages for ``question``, best first."""
        return self.retriever.search(clean_question(question), check_k(k, self.settings.retrieval.k), article_ids)

    def ask(self, question: str, history: list[dict] | None = None, article_ids=None) -> Answer:
        """Answer from the articles (``article_ids`` limits which), following the conversation."""
        *_, final = self.stream(question, history, article_ids)
        return final

    def stream(self, question: str, history=None, article_ids=None) -> Iterator[str | Answer]:
        """Yield answer text pieces as they are produced; the last item is the Answer.
        ``history``: role/content dicts, ``(role, text)`` tuples or LangChain messages."""
        history = normalize_history(history)
        turn, passages = self._plan(question, history, article_ids)
        yield from self._answer_from(turn, passages, history)

    def plan(self, question: str, history=None, article_ids=None) -> tuple[Turn, list[Passage]]:
        """The standalone question (follow-ups resolved) and the passages found for it."""
        return self._plan(question, normalize_history(history), article_ids)

    def _plan(self, question: str, history: list[dict], article_ids) -> tuple[Turn, list[Passage]]:
        turn = self.answerer.condense(clean_question(question), history)
        passages = self.retriever.search(turn.query, self.settings.answer.passages, article_ids,
                                         window=self.answerer.context_window)
        return turn, passages

    def answer_from(self, turn: Turn, passages: list[Passage], history=None) -> Iterator[str | Answer]:
        """Answer a planned turn from its passages: text pieces, then the Answer."""
        return self._answer_from(turn, passages, normalize_history(history))

    def _answer_from(self, turn: Turn, passages: list[Passage], history: list[dict]) -> Iterator[str | Answer]:
        if not passages:
            ans = refusal(turn.question, [], self.answerer.name)
            yield ans.text
            yield ans
            return
        if self.answerer.name != "extractive":  # an LLM leans on what comes first: best first
            passages = in_reader_order(turn.question, passages, self._offline_answerer())
        yield from self.answerer.stream(turn.question, passages, history, turn.said)

    def _offline_answerer(self):
        """The extractive answerer over this retriever (the reader's scoring, for LLM passage order)."""
        if getattr(self, "_extractive", None) is None:
            self._extractive = get_answerer("extractive", self.retriever, self.settings)
        return self._extractive

    def offline(self) -> "ArticleQA":
        """This store and retriever answered by the offline extractive answerer (the fallback
        when an LLM endpoint fails)."""
        twin = copy.copy(self)
        twin.answerer = self._offline_answerer()
        return twin

    # -- articles ------------------------------------------------------------------
    def articles(self) -> list[Article]:
        """All articles (text included), sorted by title."""
        self.retriever.refresh()
        return sorted((self.store.article(i) for i in self.retriever.articles), key=lambda a: a.title.lower())

    def article(self, article_id: str) -> Article:
        return self.store.article(article_id)

    def delete(self, article_id: str) -> None:
        self.store.article(article_id)  # raises a clear error for an unknown id
        self.store.delete_article(article_id)
        self.store.bump_revision([article_id])

    # -- LangChain -------------------------------------------------------------------
    def as_retriever(self, k: int | None = None, article_ids: list[str] | None = None):
        """This store as a LangChain ``BaseRetriever`` (documents carry offsets in metadata);
        ``article_ids`` limits it to those articles."""
        from rag.langchain import ArticleRetriever

        return ArticleRetriever(qa=self, k=self.settings.retrieval.k if k is None else k, article_ids=article_ids)

    def as_runnable(self):
        """The answering chain as a LangChain ``Runnable``: str or {question, history} → Answer."""
        from rag.langchain import answer_chain

        return answer_chain(self)
