"""Keeping the CPU for the models: ONNX Runtime session options shared by the embedder
and the reader, and numpy's matrix-vector products on one thread.

Both models run in one process, on a machine that may have only two cores. By default
onnxruntime's worker threads keep spinning on the CPU after a run, waiting for the next
one; the query embedder's spinning threads then compete with the reader that runs right
after it. ``session.force_spinning_stop`` stops the spinning when a run returns (it stays on
inside a run, where it speeds up the hand-offs between operators): an ask on 2 cores went
from p50/p95 101-124 / 131-150 ms to 63-70 / 81-91 ms (benchmarks/RESULTS.md); ingest
throughput unchanged (``allow_spinning=0`` gives the same ask times but costs ingest ~18 %).

OpenBLAS (numpy's BLAS) does the same: a matrix-vector product big enough to be split over
threads (a search over a few thousand sentence vectors, even the ~50 candidate sentences
scored against the question) leaves its threads spinning, and the reader's run right after
took twice as long (24 → 48 ms for one batch, in a 1,358-article store). ``matvec`` runs those
products on one thread (+0.5 ms for 10,000 vectors), scoped, so a program that embeds this
package keeps its own BLAS settings.
"""
from __future__ import annotations

import os
from functools import lru_cache

import numpy as np


def session_options(threads: int = 0):
    """Options for a CPU inference session: ``threads`` intra-op threads (0: up to 4, one per
    core), quiet logs, no spinning once a run has returned."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
    opts.log_severity_level = 3
    opts.add_session_config_entry("session.force_spinning_stop", "1")
    return opts


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
