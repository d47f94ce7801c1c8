"""Keeping the CPU for the models: how the embedder and the reader run their ONNX sessions,
and numpy's matrix-vector products on one thread.

Both models run in one process, on a machine that may have only two cores, on small inputs (a
sentence is ~40 tokens, a reader pair ~100): too small a matrix for a session's intra-op threads
to split without waiting on each other. So every session runs a call on one thread
(``session_options``), and work of several calls is spread over the cores by keeping that many
runs in flight at once (``InFlight``; a session may be run from several threads). On 2 cores
that embeds 366 sentences/s against 300 with two intra-op threads, and a sample-store ask went
from p50 25 to 20 ms (benchmarks/RESULTS.md, "Ingest end to end"). With no intra-op workers,
nothing is left spinning on a core after a run either (what ``session.force_spinning_stop`` used
to prevent).

OpenBLAS (numpy's BLAS) does spin: a matrix-vector product big enough to be split over
threads (a search over a few thousand sentence vectors, even the ~50 candidate sentences
scored against the question) leaves its threads spinning, and the reader's run right after
took twice as long (24 → 48 ms for one batch, in a 1,358-article store). ``matvec`` runs those
products on one thread (+0.5 ms for 10,000 vectors), scoped, so a program that embeds this
package keeps its own BLAS settings.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np


def session_options():
    """Options for a CPU inference session: one thread per run (see the module doc), quiet logs."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 3
    return opts


class InFlight:
    """Runs of one model kept in flight, one per core (``callers``; 0: the cores, up to 4), from
    a pool made on first use. Each model keeps its own pool, so a long ingest's embedding runs
    never queue ahead of an ask's reader runs."""

    def __init__(self, callers: int = 0, name: str = "runs"):
        self.callers = callers or min(4, os.cpu_count() or 1)
        self.name, self._pool, self._lock = name, None, threading.Lock()

    def each(self, run, items) -> None:
        """``run(item)`` for every item; a failed run's error is raised here."""
        items = list(items)
        if len(items) <= 1 or self.callers == 1:
            for item in items:
                run(item)
            return
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.callers, thread_name_prefix=self.name)
        list(self._pool.map(run, items))


@lru_cache(maxsize=1)
def blas_controller():
    """The loaded BLAS libraries, found once (~20 ms with the import: ArticleQA does it while
    the models load, not on the first question)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def matvec(matrix, vector) -> np.ndarray:
    """``matrix @ vector`` with BLAS on one thread (see the module docstring)."""
    with blas_controller().limit(limits=1, user_api="blas"):
        return np.asarray(matrix @ vector)
