"""Names in a question that the answering article must mention (rag/answerers/names.py)."""
from __future__ import annotations

import pytest

from rag.answerers.names import Words, mentions, question_names

CHILD_BENEFIT = """# Child benefit to rise in April

Child benefit for the eldest child will rise to £17 a week from April, the Chancellor announced on Wednesday. \
Payments for each younger child will go up to £11.40 a week.

Families with two children will receive about £1,480 a year in child benefit. The Treasury said the increase \
was in line with inflation.

The child tax credit, paid on top of child benefit to low and middle income families, will also rise by £75 a \
year. Parents can claim both through the Inland Revenue.
"""


@pytest.mark.parametrize("question, names", [
    ("How much can relatives add to a child's Child Trust Fund each year?", {"child", "trust", "fund"}),
    ("What did Iran offer?", {"iran"}),
    ("When was the University of Warsaw established?", {"universiti", "warsaw"}),
    ("Who leads NATO?", {"nato"}),
    ("Iran offered what?", set()),  # the first word is capitalised anyway
    ("what did iran offer", set()),  # typed in lower case: no names to hold the article to
    ("What happened on Monday in May?", set()),  # dates are not names: "yesterday" answers them
    ("What did the US say?", set()),  # "US" is also the word "us"
])
def test_names_are_the_capitalised_words_after_the_first(question, names):
    assert question_names(question) == names


def test_an_article_must_hold_more_than_half_of_the_names():
    names = question_names("How much can relatives add to a child's Child Trust Fund each year?")
    assert not mentions(names, Words({"child", "benefit", "tax", "credit"}))  # 1 of 3
    assert mentions(names, Words({"child", "trust", "fund", "relat"}))
    assert mentions(frozenset(), Words(set()))  # a question without names is never held back


def test_the_title_counts_as_part_of_the_article():
    """A name that only the headline carries still counts (the answerer's words of an article)."""
    from types import SimpleNamespace

    from rag.answerers.extractive import ExtractiveAnswerer
    from rag.types import Passage

    retriever = SimpleNamespace(snap=SimpleNamespace(revision="r1"),
                                article_terms=lambda aid: frozenset({"child", "relat", "year"}))
    answerer = ExtractiveAnswerer(retriever, settings=None)
    passage = Passage(article_id="a1", title="Child Trust Fund top-ups", text="", start=0, end=0, score=1.0)
    names = question_names("How much can relatives add to a child's Child Trust Fund each year?")
    assert mentions(names, answerer._article_words(passage))
    assert not mentions(names, Words({"child", "relat", "year"}))  # the same article without its title


@pytest.mark.parametrize("name, article_word", [("bismark", "bismarck"), ("asian", "asia"), ("british", "britain"),
                                                ("schroding", "schrödinger"), ("waruhiu", "warũhiũ")])
def test_other_spellings_and_forms_of_a_name_count(name, article_word):
    assert mentions(frozenset({name}), Words({article_word, "empir"}))


@pytest.mark.parametrize("question, article", [
    ("What did the French government say?", "France said"), ("What did France say?", "the French said"),
    ("Where do the Dutch grow tulips?", "the Netherlands grows"), ("Who won in Wales?", "the Welsh vote"),
    ("What did Spanish ministers decide?", "Spain decided"),
])
def test_a_people_and_its_country_are_one_name(question, article):
    from rag.text import stems

    assert mentions(question_names(question), Words(set(stems(article))))


def test_unrelated_words_do_not_count_as_a_name():
    assert not mentions(frozenset({"warsaw"}), Words({"war", "saw"}))
    assert not mentions(frozenset({"nato"}), Words({"nation", "nat"}))
    assert not mentions(question_names("Who won the election in Poland?"), Words({"pole", "north"}))


def test_a_question_about_an_article_not_stored_is_refused(tmp_path, monkeypatch):
    """The issue's example (real model): with only a child-benefit story stored, a question about
    the Child Trust Fund got the child-benefit figures as its answer; it is now refused, while
    questions the story does answer still are."""
    from ingest import ingest
    from rag import ArticleQA

    (tmp_path / "cb.md").write_text(CHILD_BENEFIT, encoding="utf-8")
    ingest([str(tmp_path / "cb.md")], db=tmp_path / "db")
    qa = ArticleQA(db=tmp_path / "db")
    trust_fund = "How much can relatives add to a child's Child Trust Fund each year?"
    assert qa.ask(trust_fund).refused
    assert "£17" in qa.ask("How much is child benefit for the eldest child?").text
    assert "£75" in qa.ask("How much will the Child Tax Credit rise?").text  # names in another case

    monkeypatch.setenv("RAG_ANSWER__REQUIRE_NAMES", "false")  # the check is what refuses it
    assert not ArticleQA(db=tmp_path / "db").ask(trust_fund).refused


def test_a_shortened_quote_never_leaves_a_quotation_open():
    from rag.quotes import closed, shortened

    s = ("Mr. Crocker declined to detail what Mr. Kazemi had said, but the Iranian diplomat said he had offered to "
         "train and equip the Iraqi army and police to create “a new military and security structure” for Iraq.")
    for limit in (60, 90, 120, 150):
        q = shortened(s, (120, 150), limit)
        assert q.count("“") == q.count("”"), q
    assert closed("…create “a new military and security…") == "…create “a new military and security…”"
    assert closed("…security structure” for Iraq.") == "…“security structure” for Iraq."


def test_a_quote_never_ends_on_who_spoke():
    """"Hickenlooper said in the video…" quotes nobody: a cut keeps the start of the statement
    after the attribution, in the reader's quotes and in the heuristic's trimmed clauses."""
    from rag.answerers.extractive import _clause
    from rag.quotes import ends_on_attribution, shortened
    from rag.text import stems

    s = ('Hickenlooper said in the video, "I\'ve heard from so many Coloradans who want me to run for the United '
         'States Senate, and they remind me how much is at stake for our country and for our state."')
    for limit in (40, 60, 100):
        q = shortened(s, (0, 12), limit)
        assert "Coloradans who want me to run" in q and q.endswith("…"), q
    trimmed = _clause(s, set(stems("Hickenlooper video")), None, "What did Hickenlooper say in the video?", 120)
    assert "Coloradans" in trimmed, trimmed
    assert ends_on_attribution("“We will,” Mr. Crocker told reporters")
    assert not ends_on_attribution("…to run for the United States Senate")  # a name, not a verb


def test_what_he_said_in_the_video_quotes_the_statement_not_its_credit_line(tmp_path):
    """A real Wikinews story (CC BY 2.5): the follow-up "What did he say in his video?" got
    "—John Hickenlooper" (the line crediting the quote) and "Hickenlooper said in the video…",
    cut before what he said."""
    from pathlib import Path

    from ingest import ingest
    from rag import ArticleQA

    article = Path(__file__).parent / "data" / "wikinews-hickenlooper.txt"  # see tests/data/README.md
    assert not ingest([str(article)], db=tmp_path / "db").failed
    qa = ArticleQA(db=tmp_path / "db")
    first = "Why did John Hickenlooper end his presidential campaign?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": qa.ask(first).text}]
    ans = qa.ask("What did he say in his video?", history)
    assert "—John Hickenlooper" not in ans.text and "said in the video…" not in ans.text, ans.text
    assert "Coloradans" in ans.text, ans.text
