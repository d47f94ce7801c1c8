"""``ArticleQA``: the Python API over a store — ask, stream, retrieve, list articles.

    qa = ArticleQA(db="path/to/db")
    ans = qa.ask("What did Iran offer?")
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from rag.answerers import get_answerer, refusal
from rag.conversation import standalone
from rag.embedders import get_embedder
from rag.errors import BadInputError
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


class ArticleQA:
    def __init__(self, db: str | Path | None = None, *, chroma_url: str | None = None,
                 llm: str | None = None, settings: Settings | None = None, store: ArticleStore | None = None):
        self.settings = (settings or Settings()).override(
            db=Path(db) if db else None, chroma_url=chroma_url, llm=llm)
        self.store = store or ArticleStore.open(self.settings)
        self.embedder = get_embedder(self.settings.embedding)
        self.store.check_model(self.embedder.model_id, self.embedder.dim)
        self.retriever = HybridRetriever(self.store, self.embedder, self.settings.retrieval)
        self.answerer = get_answerer(self.settings.llm, self.retriever, self.settings)

    # -- questions -------------------------------------------------------------------
    def retrieve(self, question: str, k: int | None = None, article_ids=None) -> list[Passage]:
        """Best passages for ``question``, best first."""
        return self.retriever.search(clean_question(question), k or self.settings.retrieval.k, article_ids)

    def ask(self, question: str, history: list[dict] | None = None, article_ids=None) -> Answer:
        q, passages = self._context(question, history, article_ids)
        if not passages:
            return refusal(q, [], self.answerer.name)
        ans = self.answerer.answer(self._answer_question(question, q), passages)
        ans.question = q
        return ans

    def stream(self, question: str, history: list[dict] | None = None, article_ids=None) -> Iterator[str | Answer]:
        """Yield answer text pieces as they are produced; the last item is the Answer."""
        q, passages = self._context(question, history, article_ids)
        if not passages:
            ans = refusal(q, [], self.answerer.name)
            yield ans.text
            yield ans
            return
        for item in self.answerer.stream(self._answer_question(question, q), passages):
            if isinstance(item, Answer):
                item.question = q
            yield item

    def _context(self, question, history, article_ids) -> tuple[str, list[Passage]]:
        q = standalone(clean_question(question), history)
        return q, self.retriever.search(q, self.settings.answer.passages, article_ids)

    @staticmethod
    def _answer_question(question: str, resolved: str) -> str:
        return resolved

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
        self.store.bump_revision()

    # -- LangChain -------------------------------------------------------------------
    def as_retriever(self, k: int | None = None):
        """This store as a LangChain ``BaseRetriever`` (documents carry offsets in metadata)."""
        from rag.langchain import ArticleRetriever

        return ArticleRetriever(qa=self, k=k or self.settings.retrieval.k)

    def as_runnable(self):
        """The answering chain as a LangChain ``Runnable``: str or {question, history} → Answer."""
        from rag.langchain import answer_chain

        return answer_chain(self)
