"""Import chromadb and build its client without its class-definition-time signature checks.

chromadb marks ~170 methods with the ``overrides`` package's ``@override``. Each one, while
chromadb's classes are being defined, disassembles the caller's bytecode to find the base
class and compares signatures: a development check that catches mistakes in chromadb's own
code, and ~0.4 s of a one-shot `rag ask` that takes ~2 s (benchmarks/scale.py, cold start).
For the duration of the import and client set-up only, ``override`` is swapped for what it
leaves behind — the ``__override__`` marker, which is all ``EnforceOverrides`` checks later.
The swap is undone afterwards, so other libraries keep the full checks.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

_LOCK = threading.Lock()


def _mark(method=None, **_options):
    """``@override`` / ``@override(...)`` without the checks: only the marker."""
    if method is None:
        return _mark
    method.__override__ = True
    return method


@contextmanager
def unchecked_overrides() -> Iterator[None]:
    try:
        import overrides
    except ImportError:  # a chromadb that no longer uses it: nothing to skip
        yield
        return
    with _LOCK:
        saved = overrides.override, overrides.overrides
        overrides.override = overrides.overrides = _mark
        try:
            yield
        finally:
            overrides.override, overrides.overrides = saved


def persistent_client(path: str, settings):
    """``chromadb.PersistentClient`` (its storage module is imported lazily, on first use)."""
    with unchecked_overrides():
        import chromadb

        return chromadb.PersistentClient(path=path, settings=settings)


def http_client(**kwargs):
    with unchecked_overrides():
        import chromadb

        return chromadb.HttpClient(**kwargs)


def chroma_settings():
    with unchecked_overrides():
        from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)
