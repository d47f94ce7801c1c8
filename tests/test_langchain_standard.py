"""LangChain's own standard test suite (`langchain-tests`) on our retriever."""
from __future__ import annotations

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from rag.langchain import ArticleRetriever

pytestmark = pytest.mark.slow


class TestArticleRetriever(RetrieversIntegrationTests):
    qa = None

    @pytest.fixture(autouse=True)
    def _store(self, sample_qa):
        type(self).qa = sample_qa

    @property
    def retriever_constructor(self) -> type[ArticleRetriever]:
        return ArticleRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"qa": self.qa}

    @property
    def retriever_query_example(self) -> str:
        return "What did Iran offer?"
