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


def test_selqa_and_nqg_give_answering_sentences_without_a_span(tmp_path):
    from training.examples import build
    from training.sources import nqg, selqa

    (tmp_path / "selqa").mkdir()
    item = {"question": "Where is the Rockefeller Museum?", "article": "Israel", "answers": [1],
            "candidates": ["The Israel Museum is in Jerusalem.", "The Rockefeller Museum is also in Jerusalem."]}
    (tmp_path / "selqa" / "selqa-ass-dev.json").write_text(json.dumps([item]))
    (tmp_path / "selqa" / "selqa-ass-test.json").write_text("[]")
    [art] = selqa(tmp_path)
    para = art["paragraphs"][0]
    assert para["context"][para["qas"][0]["sentences"][0]:].startswith("The Rockefeller Museum")
    folder = tmp_path / "nqg-sentence-questions"
    folder.mkdir()
    (folder / "src-test.txt").write_text("the ferry sails at noon .\nit stops in oslo -lrb- norway -rrb- .\n")
    (folder / "tgt-test.txt").write_text("when does the ferry sail ?\nwhere does it stop ?\n")
    arts = nqg(tmp_path)
    context = arts[0]["paragraphs"][0]["context"]
    assert context == "the ferry sails at noon. it stops in oslo (norway)."
    qas = arts[0]["paragraphs"][0]["qas"]
    assert context[qas[1]["sentences"][0]:].startswith("it stops") and qas[1]["question"] == "where does it stop?"
    # As training pairs: the answering sentence is a positive without a span (answer head only).
    pairs = build(arts, lambda texts: __import__("numpy").eye(len(texts), 8)[:, :8] + 0.1, seed=1)
    positives = [p for p in pairs if p.label == 1.0]
    assert {p.sentence for p in positives} == {"the ferry sails at noon.", "it stops in oslo (norway)."}
    assert all(p.span is None for p in positives) and any(p.label == 0.0 for p in pairs)


def test_a_capped_draw_keeps_the_drawn_questions_articles_and_is_seeded():
    from training.examples import sample

    arts = [{"title": f"A{a}", "paragraphs": [{"context": f"Text {a}.{p}", "qas": [{"id": f"{a}.{p}.{k}"} for k in range(3)]}
                                          for p in range(2)]} for a in range(10)]
    one, two = sample(arts, 7, seed=3), sample(arts, 7, seed=3)
    assert one == two and sum(len(p["qas"]) for a in one for p in a["paragraphs"]) == 7
    assert all(any(p["qas"] for p in a["paragraphs"]) for a in one)
