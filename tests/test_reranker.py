"""The optional cross-encoder: when configured, sentence scores blend in its judgement.

No cross-encoder ships offline, so the test builds one locally from the bundled MiniLM
weights (a fresh, seeded classification head) — a real CrossEncoder on the real path."""
from __future__ import annotations

import numpy as np
import pytest

from rag import ArticleQA
from rag.settings import RetrievalSettings, Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cross_encoder(tmp_path_factory):
    import torch
    from sentence_transformers import CrossEncoder

    from rag.embedders import bundled_model_path

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("ce") / "tiny-cross-encoder"
    CrossEncoder(bundled_model_path(), num_labels=1, device="cpu").save(str(path))
    return str(path)


def test_configured_cross_encoder_is_blended_into_sentence_scores(sample_db, cross_encoder):
    from sentence_transformers import CrossEncoder

    question = "What did Iran offer?"
    plain = ArticleQA(db=sample_db).retriever
    ranked = ArticleQA(settings=Settings(db=sample_db, retrieval=RetrievalSettings(reranker_model=cross_encoder))).retriever
    snap = plain.refresh()
    qv = plain.embedder.embed_query(question)
    rows = plain._chunks(snap, question, qv, None)
    base = {(s.row, s.k): s.score for s in plain.score_sentences(snap, question, qv, rows)}
    got = ranked.score_sentences(ranked.refresh(), question, qv, rows)
    assert len(got) == len(base) > 5
    ce = CrossEncoder(cross_encoder, device="cpu")
    recs = plain.records(snap, rows)
    logits = ce.predict([(question, recs[s.row].sentence(s.k)) for s in got])
    for s, z in zip(got, logits):
        assert s.score == pytest.approx(0.5 * base[(s.row, s.k)] + 0.5 / (1 + np.exp(-z)), abs=1e-4)
    assert [s.score for s in got] == sorted((s.score for s in got), reverse=True)
    [best] = ArticleQA(settings=Settings(db=sample_db, retrieval=RetrievalSettings(reranker_model=cross_encoder))
                       ).retrieve(question, k=1)
    top = got[0]
    assert (best.start, best.end) == recs[top.row].sentences[top.k]  # retrieve() follows the blend
