"""The shipped reader model on the sample article: its checksum, short answers whose offsets
are the article's own text, the follow-up that names who made the offer, and LLM passages in
the reader's order."""
from __future__ import annotations

import json

import pytest

from rag.reader.model import MODEL_DIR, _sha256, load_reader

pytestmark = pytest.mark.slow


def test_the_shipped_model_matches_its_recorded_checksums_and_card():
    meta = json.loads((MODEL_DIR / "reader.json").read_text())
    assert _sha256(MODEL_DIR / "reader.onnx") == meta["sha256"]
    assert _sha256(MODEL_DIR / "tokenizer.json") == meta["tokenizer_sha256"]
    assert (MODEL_DIR / "reader.onnx").stat().st_size < 30e6
    card = (MODEL_DIR / "MODEL_CARD.md").read_text()
    assert meta["sha256"] in card and "CC BY-SA 4.0" in card and "python training/train_reader.py" in card
    assert 0 < meta["threshold"] < 1
    # Every extra set it was trained on is named in the card with its licence (issue 29).
    from training.model_card import SOURCES

    for name in meta.get("mix", {}):
        what, licence = SOURCES[name]
        assert f"| {what} | {meta['mix'][name]:,} | {licence} |" in card


def test_requantising_without_an_fp32_export_names_the_training_command(tmp_path):
    from training import train_reader

    with pytest.raises(SystemExit, match="train first"):
        train_reader.main(["--requantise", "--build", str(tmp_path / "none"), "--out", str(tmp_path / "out")])


def test_short_answers_are_the_article_text_at_their_offsets(sample_qa):
    for q in ["Who is the U.S. ambassador?", "How long did the meeting last?", "Who is the Iranian ambassador?"]:
        ans = sample_qa.ask(q)
        assert ans.short is not None, q
        text = sample_qa.article(ans.short.article_id).text
        assert text[ans.short.start:ans.short.end] == ans.short.text
        assert ans.text.startswith(f"**{ans.short.text}** — ")
        assert ans.to_dict()["short"]["text"] == ans.short.text


def test_llm_answerers_get_passages_in_the_readers_order(sample_qa):
    from rag.reader.order import in_reader_order

    passages = sample_qa.retrieve("Who is the U.S. ambassador?", k=8)
    ordered = in_reader_order("Who is the U.S. ambassador?", list(reversed(passages)), sample_qa.offline().answerer)
    assert sorted(p.start for p in ordered) == sorted(p.start for p in passages)
    assert "Ryan Crocker" in ordered[0].text


def test_the_reader_is_what_answers_by_default(sample_qa):
    assert sample_qa.answerer.describe() == "trained reader"
    assert load_reader().threshold == json.loads((MODEL_DIR / "reader.json").read_text())["threshold"]
