"""The models keep the CPU: one-thread ONNX runs kept in flight, numpy's products on one BLAS thread."""
from __future__ import annotations

import numpy as np

import pytest

from rag.runtime import InFlight, matvec, session_options


def test_each_run_is_one_thread_and_runs_go_in_flight_on_every_caller():
    import threading
    import time

    assert session_options().intra_op_num_threads == 1
    seen, threads = [], set()

    def run(i):
        time.sleep(0.01)
        seen.append(i)
        threads.add(threading.current_thread().name)

    InFlight(2, "test").each(run, range(8))
    assert sorted(seen) == list(range(8)) and len(threads) == 2
    one = InFlight(1)
    one.each(run, [9])
    assert one._pool is None  # a single caller (or a single item) runs on the caller's thread

    def fail(i):
        if i == 3:
            raise ValueError("run 3 failed")

    with pytest.raises(ValueError, match="run 3"):
        InFlight(2).each(fail, range(6))  # a failed run is not lost in the pool


def test_matvec_is_the_product_and_leaves_the_programs_blas_settings_alone():
    from threadpoolctl import threadpool_info

    before = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    m = np.random.default_rng(0).random((20_000, 384), dtype=np.float32)
    v = m[7]
    np.testing.assert_allclose(matvec(m, v), m @ v, rtol=1e-5)
    assert [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"] == before
