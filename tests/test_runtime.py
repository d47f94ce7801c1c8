"""The models keep the CPU: no ONNX Runtime spinning after a run, numpy's products on one BLAS thread."""
from __future__ import annotations

import numpy as np

from rag.runtime import matvec, session_options


def test_sessions_stop_spinning_when_a_run_returns():
    opts = session_options(2)
    assert opts.get_session_config_entry("session.force_spinning_stop") == "1"
    assert opts.intra_op_num_threads == 2


def test_matvec_is_the_product_and_leaves_the_programs_blas_settings_alone():
    from threadpoolctl import threadpool_info

    before = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    m = np.random.default_rng(0).random((20_000, 384), dtype=np.float32)
    v = m[7]
    np.testing.assert_allclose(matvec(m, v), m @ v, rtol=1e-5)
    assert [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"] == before
