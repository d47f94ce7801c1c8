"""Chatting about the sample article (real model, real store): overviews, lists, reasons,
what next, reactions, definitions, refusals that say what the article is about, follow-ups
that stay with the article, and summaries from the API, the CLI and the UI handler."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rag import CANNOT_ANSWER

pytestmark = pytest.mark.slow

LEDE = "The United States and Iran broke a 27-year diplomatic freeze yesterday with a four-hour meeting"


def _verbatim(qa, ans):
    for c in ans.citations:
        assert qa.article(c.article_id).text[c.start:c.end] == c.quote
        assert f"[{c.n}]" in ans.text


@pytest.mark.parametrize("question", ["What is this article about?", "Summarize the article.", "What's the gist?"])
def test_an_overview_opens_with_the_lede_never_the_byline(sample_qa, question):
    ans = sample_qa.ask(question)
    assert not ans.refused
    assert ans.text.lstrip('"').startswith("BAGHDAD - " + LEDE)
    assert "Washington Times" not in ans.text
    assert len(ans.text) <= 520
    _verbatim(sample_qa, ans)


def test_who_attended_the_talks_names_the_envoys(sample_qa):
    ans = sample_qa.ask("Who attended the talks?")
    assert not ans.refused
    assert "Crocker" in ans.text and "Kazemi" in ans.text
    _verbatim(sample_qa, ans)


def test_what_happens_next_quotes_what_is_still_to_come(sample_qa):
    ans = sample_qa.ask("What happens next?")
    assert not ans.refused
    assert any(w in ans.text for w in ("future", "meet again", "would decide", "follow-up"))
    _verbatim(sample_qa, ans)


def test_how_long_did_the_talks_last_quotes_the_four_hour_meeting(sample_qa):
    ans = sample_qa.ask("How long did the talks last?")
    assert not ans.refused
    assert "four-hour" in ans.text
    assert not ans.text.startswith("**27-year")


def test_no_stray_bold_lead_for_a_reaction_or_a_definition(sample_qa):
    reaction = sample_qa.ask("What was the U.S. reaction to the offer?")
    assert not reaction.text.startswith("**Iran")
    quds = sample_qa.ask("What is the Quds Force?")
    assert not quds.refused and not quds.text.startswith("**")
    assert "Quds" in quds.text
    _verbatim(sample_qa, quds)


def test_why_gives_the_reason_not_the_restated_question(sample_qa):
    ans = sample_qa.ask("Why does Kazemi blame Washington for the chaos?")
    assert not ans.refused
    assert "inadequate" in ans.text or "sole responsibility" in ans.text


def test_a_question_the_article_does_not_answer_is_refused_with_what_it_is_about(sample_qa):
    article = sample_qa.articles()[0].id
    ans = sample_qa.ask("What did the Pope say about climate change?", article_ids=[article])
    assert ans.refused and ans.text.startswith(CANNOT_ANSWER)
    assert LEDE in ans.text and ans.citations[0].quote.endswith("meeting on Iraqi security.")
    _verbatim(sample_qa, ans)


@pytest.mark.parametrize("question", ["Why did the stock market fall?", "Why were the prices raised?"])
def test_a_why_question_the_article_gives_no_reason_for_is_refused(sample_qa, question):
    """A one-article chat has no relevance bar (the reader chose the article), so the reason
    composer quoted its best match for any why-question; now the trained reader must believe
    some sentence answers it, as for a fact."""
    article = sample_qa.articles()[0].id
    ans = sample_qa.ask(question, article_ids=[article])
    assert ans.refused and ans.text.startswith(CANNOT_ANSWER) and LEDE in ans.text, ans.text


def test_in_a_one_article_chat_a_question_on_something_the_article_never_mentions_is_refused(sample_qa):
    """The chosen article lowers the relevance bar, but one sentence must still hold a word of
    the question; words that stand for the story itself ("the case") need not."""
    article = sample_qa.articles()[0].id
    off = sample_qa.ask("What happens to the economy next?", article_ids=[article])
    assert off.refused and LEDE in off.text, off.text
    for question in ("What happens next?", "What happens next in the case?"):
        ans = sample_qa.ask(question, article_ids=[article])
        assert not ans.refused, question


def test_a_three_turn_conversation_stays_with_the_article(sample_qa):
    history = []
    for question, expected in [("What did Iran offer?", "train and equip"), ("Who made the offer?", "Kazemi"),
                               ("What happens next?", None)]:
        ans = sample_qa.ask(question, history)
        assert not ans.refused, question
        if expected:
            assert expected in ans.text, (question, ans.text)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": ans.text}]


def test_tell_me_more_goes_on_with_what_the_overview_did_not_quote(sample_qa):
    """"Tell me more" / "What else?" after the overview: the article's next most central
    sentences, none of those already quoted (a repeat of the lede would be no more)."""
    first = sample_qa.ask("What is this article about?")
    history = [{"role": "user", "content": "What is this article about?"}, {"role": "assistant", "content": first.text}]
    for more in ("Tell me more", "What else?"):
        ans = sample_qa.ask(more, history)
        assert not ans.refused and ans.citations, more
        assert LEDE not in ans.text
        assert not {c.start for c in ans.citations} & {c.start for c in first.citations}, more
        _verbatim(sample_qa, ans)


def test_who_said_that_names_the_speaker_of_the_last_quote(sample_qa):
    """"Who said that?" points at the quote just shown: its speaker in bold, with that quote
    (a "He said…" sentence: the person the sentence before names, or describes)."""
    history, answers = [], []
    for question in ("What did Iran offer?", "Who said that?"):
        answers.append(sample_qa.ask(question, history))
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answers[-1].text}]
    first, who = answers
    assert who.text.startswith("**Mr. Kazemi** — "), who.text
    assert who.citations[0].start == first.citations[0].start
    _verbatim(sample_qa, who)


def test_the_plan_reads_the_question_once(sample_qa):
    plan = sample_qa.understand("What happens next?")
    assert plan.intent == "next" and plan.articles is not None and len(plan.articles) == 1
    topic = sample_qa.understand("What's the news about the Quds Force?")
    assert topic.intent == "overview" and topic.topic == "the Quds Force"


def test_summarize_an_article_and_a_topic(sample_qa):
    article = sample_qa.articles()[0].id
    ans = sample_qa.summarize([article])
    assert not ans.refused and LEDE in ans.text
    _verbatim(sample_qa, ans)
    assert LEDE in sample_qa.summarize(topic="Iran talks").text
    assert sample_qa.summarize(topic="Olympic curling results").refused


def test_summarize_rejects_an_unknown_article_and_an_empty_topic(sample_qa):
    from rag.errors import BadInputError, RagError

    with pytest.raises(RagError, match="no article"):
        sample_qa.summarize(["no-such-id"])
    with pytest.raises(BadInputError, match="topic is empty"):
        sample_qa.summarize(topic="  ")


def test_rag_summarize_cli(sample_db):
    out = subprocess.run([sys.executable, "-m", "rag", "summarize", "us-iran-talks-baghdad-2007", "--db", str(sample_db),
                          "--json"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert not data["refused"] and LEDE in data["answer"] and data["citations"]
    bad = subprocess.run([sys.executable, "-m", "rag", "summarize", "nope", "--db", str(sample_db)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "no article 'nope'" in bad.stderr and "Traceback" not in bad.stderr


def test_the_ui_summarize_button_adds_a_cited_summary(sample_qa):
    from ui import _Chat

    history, sources = _Chat(sample_qa).summarize([], [], collection=None)
    assert history[0]["role"] == "user" and history[1]["role"] == "assistant"
    assert "27-year diplomatic freeze" in history[1]["content"]
    assert "meeting on Iraqi security" in sources


def test_rag_eval_chat_on_the_sample_store(sample_db, tmp_path):
    path = tmp_path / "chat.json"
    path.write_text(json.dumps({"items": [
        {"id": "1", "kind": "overview", "article": "us-iran-talks-baghdad-2007", "store": "article",
         "question": "What is this article about?", "key": ["27-year diplomatic freeze"], "need": 1},
        {"id": "2", "kind": "offtopic", "article": "us-iran-talks-baghdad-2007", "store": "article",
         "question": "Who won the Super Bowl?", "key": [], "need": 0, "expect": "refuse"}]}), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "rag", "eval", "--chat", str(path), "--db", str(sample_db), "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["hit"] == 1.0 and report["offtopic_refused"] == 1.0


def test_a_list_question_the_reader_is_sure_of_keeps_its_short_answer(sample_db):
    """"Which militias does Iran fund?" reads like a list; the reader is sure of the Mahdi Army
    sentence, so it answers (with its short answer) unless reader_first says composer always."""
    from rag import ArticleQA
    from rag.settings import Settings

    def ask(gate):
        s = Settings()
        return ArticleQA(db=sample_db, settings=s.override(answer=s.answer.model_copy(
            update={"reader_first": gate}))).ask("Which militias does Iran fund?")

    sure, composed = ask(0.0), ask(1.0)
    assert sure.short is not None and sure.short.text == "Mahdi Army"
    assert composed.short is None and not composed.refused
    assert not composed.text.startswith("U.S.")  # "U.S. and Iraqi forces" lists no militias


IMPEACHMENT = """House impeaches the president

WASHINGTON - On Wednesday the House of Representatives impeached the president after a day of debate. The House passed two different articles of impeachment. The first charged the president with abuse of power, and the second accused him of obstruction of Congress. Two representatives opposed both articles, and a third voted for the first article but against the second. The Senate is expected to hold a trial in January.
"""


def test_a_list_announced_by_a_count_is_answered_with_the_items_that_follow(tmp_path):
    """"What are the articles of impeachment?": the sentence the reader is surest of only counts
    them ("two different articles"); the items are in the next sentence, and the answer quotes it."""
    from ingest import ingest
    from rag import ArticleQA
    from rag.compose.lists import announces
    from rag.text import stems

    q = set(stems("What are the articles of impeachment?"))
    assert announces("The House passed two different articles of impeachment.", q)
    assert not announces("Seven people died in the crash.", q)
    path = tmp_path / "impeachment.txt"
    path.write_text(IMPEACHMENT, encoding="utf-8")
    assert not ingest([str(path)], db=tmp_path / "db").failed
    qa = ArticleQA(db=tmp_path / "db")
    ans = qa.ask("What are the articles of impeachment?")
    assert not ans.refused and "abuse of power" in ans.text and "obstruction of Congress" in ans.text
    assert not ans.text.startswith("**two")
    _verbatim(qa, ans)


QUAKE = """Strong earthquake shakes the island again

Wednesday, January 15, 2020

On Wednesday morning, a magnitude 5.2 earthquake hit the southern coast of the island, already rattled by weeks of tremors. Seismologists said more than 400 smaller earthquakes have been recorded in the same region since December. A magnitude 5.8 earthquake the previous day collapsed a famous rock arch. The governor declared a state of emergency and opened shelters for families whose homes were damaged.
"""

PROTEST = """Protesters surround police headquarters

Sunday, June 23, 2019

On Friday, thousands of protesters wearing black clothes gathered around the city's police headquarters, blocking the exits as they chanted slogans and threw eggs. The protest began outside the parliament building before it moved a few blocks. Their demands include an investigation of alleged police violence and the complete withdrawal of the bill. They had asked the city's chief executive, who is supported by the national government, to resign from her position, but this has been dropped from the list of demands.
"""


def _chat(qa, *questions):
    history, answers = [], []
    for q in questions:
        ans = qa.ask(q, history)
        answers.append(ans)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": ans.text}]
    return answers


@pytest.fixture(scope="module")
def news_qa(tmp_path_factory):
    from ingest import ingest
    from rag import ArticleQA

    tmp = tmp_path_factory.mktemp("news")
    for name, text in (("quake", QUAKE), ("protest", PROTEST)):
        (tmp / f"{name}.txt").write_text(text, encoding="utf-8")
    assert not ingest([str(tmp / "quake.txt"), str(tmp / "protest.txt")], db=tmp / "db").failed
    return ArticleQA(db=tmp / "db")


def test_a_follow_up_is_answered_from_the_sentence_the_last_short_answer_came_from(news_qa):
    """The last answer led with **the southern coast** from the magnitude 5.2 sentence: "How
    strong was it?" asks for the 5.2 in that same sentence, not another quake's magnitude; "What
    did they do there?" after "Where did the protesters gather?" is the rest of its sentence."""
    where, strong = _chat(news_qa, "Where did the earthquake hit?", "How strong was it?")
    assert where.short is not None and "5.2" not in where.short.text
    assert not strong.refused and "5.2" in strong.text.split('"')[1], strong.text
    _, did = _chat(news_qa, "Where did the protesters gather on Friday?", "What did they do there?")
    assert not did.refused and "threw eggs" in did.text.split('"')[1], did.text
    for ans in (strong, did):
        _verbatim(news_qa, ans)


def test_a_follow_up_about_the_last_short_answer_wants_something_new(news_qa):
    """Control: once the question is about the short answer itself, its sentence was said."""
    from rag.answerers.extractive import _says_more
    from rag.text import stems

    said = '**the police headquarters** — "On Friday, thousands of protesters … gathered around the police headquarters."'
    sentence = "On Friday, thousands of protesters … gathered around the police headquarters."
    q = "What happened at the police headquarters?"
    assert not _says_more(None, sentence, q, frozenset(stems(q)), said)
    assert _says_more(None, sentence, "What did the protesters do there?", frozenset(stems("protesters do")), said)
    plain = '"On Friday, thousands of protesters … gathered around the police headquarters."'  # no short answer
    assert not _says_more(None, sentence, "What did the protesters do there?", frozenset(stems("protesters do")), plain)


def test_a_quote_is_not_cut_before_the_verb_a_relative_clause_delays():
    """"They had asked the chief executive, who is backed by …, to resign": cut before ", who",
    the quote would end on "the chief executive…", before what was asked."""
    from rag.answerers.extractive import _clause
    from rag.text import stems

    sentence = PROTEST.splitlines()[-1].split(". ")[-1]
    q = "What did they ask the chief executive?"
    out = _clause(sentence, set(stems("chief executive")), None, q, 150)
    assert "to resign from her position" in out and len(out) < len(sentence)


def test_a_charge_is_found_in_a_plea(tmp_path):
    """"What was he charged with?": news often gives the charge as a plea to counts."""
    from rag.answerers.cues import answer_type, cue_strength

    text = "Acting via his lawyers, the driver pleaded not guilty on Tuesday to seven counts of negligent homicide."
    assert answer_type("What was he charged with?") == "allegation"
    assert cue_strength("allegation", text, "What was he charged with?") > 0
    assert answer_type("How strong was the earthquake?") == "number"


ELEPHANT = """Suspect arrested in death of elephant that ate explosive fruit

Sunday, June 7, 2020

On Friday, officials arrested a man in connection with the death of a pregnant elephant. Authorities said they believed a fruit filled with firecrackers had exploded in her mouth, damaging her jaw and ultimately leading to her death.

According to wildlife officials, the elephant's injuries were discovered on May 25 after she was observed standing in the river. Despite attempts by officials to lure her out, the injured elephant remained in the river and died two days later. An autopsy determined the elephant was pregnant before she was cremated. Forest officials suggested the elephant may have tried to eat a cracker meant to repel wild boars.
"""


def test_why_is_answered_by_the_sentence_that_gives_the_reason_not_one_near_it(tmp_path):
    """"Why did the elephant die?": the reason never says "elephant" or "die" ("exploded in her
    mouth … leading to her death"); word overlap and markers pick "discovered … after she was
    observed"; the trained reader, reading each sentence with the one before, picks the reason."""
    from ingest import ingest
    from rag import ArticleQA

    path = tmp_path / "elephant.txt"
    path.write_text(ELEPHANT, encoding="utf-8")
    assert not ingest([str(path)], db=tmp_path / "db").failed
    qa = ArticleQA(db=tmp_path / "db")
    ans = qa.ask("Why did the elephant die?")
    assert qa.understand("Why did the elephant die?").intent == "reason"
    assert not ans.refused and "firecrackers" in ans.text.split('"')[1], ans.text
    _verbatim(qa, ans)
