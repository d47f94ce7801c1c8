"""Typed errors. Each carries a message that names the fix; the CLI and UI print it as is."""
from __future__ import annotations


class RagError(Exception):
    """Base class: a problem the user can fix, described in one line."""

    exit_code = 1


class BadInputError(RagError):
    """The user's input (question, option, file) cannot be used."""

    exit_code = 2


class StoreNotFoundError(RagError):
    """No article store where one was expected."""


class StoreMismatchError(RagError):
    """The store was built with a different embedding model."""


class ChromaUnavailableError(RagError):
    """The Chroma server cannot be reached."""


class ModelNotFoundError(RagError):
    """An embedding or language model cannot be loaded."""


class LLMUnavailableError(RagError):
    """The configured LLM backend cannot be used (missing package, endpoint down)."""


class ArticleNotFoundError(RagError):
    """No article with that id."""


class ReaderModelError(ModelNotFoundError):
    """The trained reader model is missing or corrupt (its checksum does not match)."""
