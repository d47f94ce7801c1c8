"""The extra QA sets are read each in its own format, and every answer sits where it says
(small files in each set's real layout; the shared data itself is not needed here)."""
from __future__ import annotations

import json

from training.sources import check, detokenize, qamr, squadshifts, tweetqa


def test_ptb_tokens_become_text_with_token_offsets():
    text, offsets = detokenize("Liam `` had his life '' , said Andy -LRB- the investigator -RRB- .".split())
    assert text == 'Liam "had his life", said Andy (the investigator).'
    assert text[slice(*offsets[8])] == "Andy" and text[offsets[10][0]:offsets[11][1]] == "the investigator"


def test_qamr_token_answers_become_spans_grouped_by_article(tmp_path):
    (tmp_path / "qamr").mkdir()
    sid = "Wiki1k:wikinews:749788:8:0"
    (tmp_path / "qamr" / "wiki-sentences.tsv").write_text(
        f"{sid}\tLiam `` had his whole life in front of him '' , said Detective Inspector Andy Logan .\n")
    row = [sid, "3 4", "76", "0", "4", "Who said Liam had his whole life in front of him?", "13 14 15 16", "1:13 14 15 16", "2:15 16"]
    (tmp_path / "qamr" / "dev.tsv").write_text("\t".join(row) + "\n")
    (tmp_path / "qamr" / "test.tsv").write_text("")
    arts = qamr(tmp_path)
    assert check(arts) == 1 and arts[0]["source"] == "qamr-wikinews"
    assert arts[0]["paragraphs"][0]["qas"][0]["answers"][0]["text"] == "Detective Inspector Andy Logan"


def test_tweetqa_keeps_answers_written_in_the_tweet(tmp_path):
    (tmp_path / "tweetqa").mkdir()
    items = [{"Question": "who has the most to lose", "Answer": ["w nj", "w nj"], "qid": "a",
              "Tweet": "This forecast is deflated! W NJ has the most to lose. Dave Curren January 27, 2015"},
             {"Question": "what is the mood", "Answer": ["upbeat"], "qid": "b", "Tweet": "Great game tonight!"}]
    (tmp_path / "tweetqa" / "train.json").write_text(json.dumps(items))
    (tmp_path / "tweetqa" / "dev.json").write_text("[]")
    arts = tweetqa(tmp_path)
    assert check(arts) == 1  # the second answer is not in its tweet: no span to learn
    assert arts[0]["paragraphs"][0]["qas"][0]["answers"] == [{"text": "W NJ", "answer_start": items[0]["Tweet"].index("W NJ")}]


def test_squadshifts_is_read_as_it_is(tmp_path):
    (tmp_path / "squadshifts").mkdir()
    art = {"title": "T", "paragraphs": [{"context": "The ferry sails at noon.", "qas": [
        {"id": "x", "question": "When does the ferry sail?", "answers": [{"text": "noon", "answer_start": 19}]}]}]}
    (tmp_path / "squadshifts" / "reddit_v1.0.json").write_text(json.dumps({"data": [art]}))
    arts = squadshifts("reddit", tmp_path)
    assert check(arts) == 1 and arts[0]["source"] == "squadshifts-reddit"
