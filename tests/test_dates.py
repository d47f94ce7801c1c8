"""Dates: time in questions ("in May 2007", "last week", "latest"), --since/--until filters,
dated answers, and re-ingesting an updated story."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from benchmarks.dated_news import write
from ingest import ingest
from rag.api import ArticleQA
from rag.cli.main import main as rag_main
from rag.dates import When, in_question, parse_day
from rag.errors import BadInputError

AS_OF = date(2007, 6, 1)  # a Friday


@pytest.mark.parametrize("question, since, until", [
    ("What did Crocker say in May 2007?", date(2007, 5, 1), date(2007, 5, 31)),
    ("What did they say on 29 May?", date(2007, 5, 29), date(2007, 5, 29)),
    ("What happened in 2005?", date(2005, 1, 1), date(2005, 12, 31)),
    ("What happened last week?", date(2007, 5, 21), date(2007, 5, 27)),
    ("What did Iran say yesterday?", date(2007, 5, 31), date(2007, 5, 31)),
    ("What has happened this year?", date(2007, 1, 1), AS_OF),
    ("What happened in the past 3 days?", date(2007, 5, 29), AS_OF),
    ("What did Iran offer since March 2007?", date(2007, 3, 1), None),
    ("What happened before 2006?", None, date(2006, 12, 31)),
    ("What did Crocker say on May 28, 2007?", date(2007, 5, 28), date(2007, 5, 28)),
])
def test_time_phrases_become_date_ranges(question, since, until):
    when = in_question(question, AS_OF)
    assert (when.since, when.until) == (since, until)
    assert when.phrase and when.phrase not in when.strip(question)


@pytest.mark.parametrize("question", ["What did Iran offer?", "What may happen next?", "Who did they say it to?",
                                      "Who ruled the duchy of Normandy?"])
def test_ordinary_words_are_not_dates(question):
    assert not in_question(question, AS_OF)  # dateparser's search_dates reads "did"/"say" as today


def test_recency_and_news_questions():
    w = in_question("Who won the most recent Lakeside marathon?", AS_OF)
    assert w.latest and not w.bounded and w.strip("Who won the most recent Lakeside marathon?") == "Who won the Lakeside marathon?"
    w = in_question("What's the latest on the Rotterdam port strike?", AS_OF)
    assert w.latest and w.topic == "the Rotterdam port strike"


def test_explicit_dates_and_undated_articles():
    assert parse_day("2007-05-28") == date(2007, 5, 28) and parse_day(None) is None
    with pytest.raises(BadInputError, match="YYYY-MM-DD"):
        parse_day("soonish", "--since")
    w = When(date(2007, 1, 1), date(2007, 12, 31))
    assert w.admits("2007-05-29") and not w.admits("2006-12-31")
    assert w.admits(None) and not w.admits(None, keep_undated=False)


@pytest.fixture(scope="module")
def dated_db(tmp_path_factory):
    """The dated-news set (36 articles, 12 stories told three times) in a real store."""
    tmp = tmp_path_factory.mktemp("dated")
    paths = write(tmp / "articles")
    report = ingest([str(p) for p in paths], db=tmp / "db")
    assert len(report.added) == 36, report.failed
    return tmp / "db"


@pytest.mark.slow
def test_dated_news_set_meets_the_targets(dated_db):
    from benchmarks.dates import evaluate

    r = evaluate(ArticleQA(db=dated_db))
    assert r["asked_period"] >= 0.9 and r["latest"] >= 0.9, r["misses"]


@pytest.mark.slow
def test_filters_answers_and_dates_shown(dated_db):
    qa = ArticleQA(db=dated_db)
    ans = qa.ask("How many workers were on strike at the Rotterdam port?", since="2005-03-01", until="2005-03-31")
    assert not ans.refused and {c.published for c in ans.citations} == {"2005-03-15"}
    assert "3,400" in ans.text
    found = qa.retrieve("Rotterdam port strike", k=8, since="2005-03-01", until="2005-03-31")
    assert found and {qa.article(p.article_id).published[:7] for p in found} == {"2005-03"}
    latest = qa.ask("What is the latest on the Rotterdam port strike?")
    assert latest.text.startswith("As of 2005-04-20: ") and latest.citations[0].published == "2005-04-20"
    assert latest.text[latest.markers[0]:].startswith("[1]")  # marker offsets moved with the dated lead
    none = qa.ask("How many workers were on strike at the Rotterdam port?", since="2010-01-01")
    assert none.refused and none.text.startswith("The articles don't say.") and "no article is dated since 2010-01-01" in none.text
    other = qa.ask("How many workers joined the Rotterdam port strike in 2003?")
    assert not other.refused and other.text.startswith("Nothing was published in 2003; from other dates:")


@pytest.mark.slow
def test_the_langchain_runnable_answers_dated_questions_as_ask_does(dated_db):
    """The Runnable follows ask's whole flow: another period when the asked one says nothing,
    the "As of" lead; its retriever callback reports the passages the answer was read from."""
    qa = ArticleQA(db=dated_db)
    chain = qa.as_runnable()
    for question in ("How many workers joined the Rotterdam port strike in 2003?",
                     "What is the latest on the Rotterdam port strike?"):
        assert chain.invoke(question).text == qa.ask(question).text
    other = chain.invoke("How many workers joined the Rotterdam port strike in 2003?")
    assert other.text.startswith("Nothing was published in 2003; from other dates:")
    dated = chain.invoke({"question": "How many workers were on strike at the Rotterdam port?",
                          "since": "2005-03-01", "until": "2005-03-31"})
    assert {c.published for c in dated.citations} == {"2005-03-15"}


@pytest.mark.slow
def test_cli_date_flags(dated_db):
    run = CliRunner().invoke
    out = run(rag_main, ["ask", "What did Niek Stam say?", "--db", str(dated_db), "--until", "2005-02-28"])
    assert out.exit_code == 0, out.output
    assert "2005-02-08" in out.output and "2005-03-15" not in out.output and "2005-04-20" not in out.output
    out = run(rag_main, ["ask", "What happened at the Rotterdam port last week?", "--db", str(dated_db),
                         "--as-of", "2005-03-21", "--json"])
    assert out.exit_code == 0 and '"published": "2005-03-15"' in out.output
    bad = run(rag_main, ["ask", "What did Niek Stam say?", "--db", str(dated_db), "--since", "next-ish"])
    assert bad.exit_code == 2 and "cannot read --since 'next-ish'; write it as YYYY-MM-DD" in bad.output
    swapped = run(rag_main, ["ask", "What did Niek Stam say?", "--db", str(dated_db), "--since", "2006-01-01",
                             "--until", "2005-01-01"])
    assert swapped.exit_code == 2 and "--since 2006-01-01 is after --until 2005-01-01; swap them" in swapped.output
    with pytest.raises(BadInputError, match="the since date 2006-01-01 is after the until date 2005-01-01"):
        ArticleQA(db=dated_db).ask("What did Niek Stam say?", since="2006-01-01", until="2005-01-01")


def test_reingesting_an_updated_story_keeps_one_article_with_its_update_time(tmp_path, fake_settings):
    from ingest.pipeline import ingest as run

    story = tmp_path / "strike.md"
    story.write_text("# Strike\n\nMarch 3, 2005\n\nDock workers walked out on Monday. 1,200 joined.\n")
    first = run([str(story)], settings=fake_settings)
    story.write_text("# Strike\n\nMarch 4, 2005\n\nDock workers walked out on Monday. By Tuesday 3,400 had joined.\n")
    second = run([str(story)], settings=fake_settings)
    assert second.updated == first.added and not second.added
    qa = ArticleQA(settings=fake_settings)
    (only,) = qa.articles()
    assert only.published == "2005-03-04" and "3,400" in only.text
    meta = qa.store.metas([only.id])[only.id]
    assert meta.added and meta.updated and meta.updated >= meta.added
    assert only.updated == meta.updated


def test_an_answer_citing_sources_of_different_dates_names_the_newest():
    from rag.timeline import dated
    from rag.types import Answer, Citation

    cites = [Citation(1, "a", "Strike begins", "1,200 joined.", 0, 13, 0.9, "2005-02-08"),
             Citation(2, "b", "Strike spreads", "3,400 were out.", 0, 15, 0.8, "2005-03-15")]
    text = '"1,200 joined." [1] "3,400 were out." [2]'
    ans = dated(Answer(text, False, cites, markers=[text.index("[1]"), text.index("[2]")]), latest=True)
    assert ans.text.startswith("As of 2005-03-15: ")
    assert ans.text.endswith("(Sources differ in date: source 2 is the newest, 2005-03-15; others 2005-02-08.)")
    assert [ans.text[m:m + 3] for m in ans.markers] == ["[1]", "[2]"]


@pytest.mark.parametrize("phrase", ["yesterday", "today", "last week", "this week", "last month", "this month",
                                    "last year", "this year", "two weeks ago", "3 days ago", "a month ago",
                                    "a year ago", "May 2007", "29 May", "May 29, 2007", "2005", "2007-05-28",
                                    "March", "Feb. 14, 2005"])
def test_the_fast_calendar_path_agrees_with_dateparser(phrase):
    from datetime import datetime

    from rag.dates import _calendar, _parser, _period, _relative

    for as_of in (AS_OF, date(2006, 1, 1), date(2008, 2, 29)):
        text = phrase.lower()
        fast = _calendar(text, as_of) or _relative(text, as_of)
        got = _parser(datetime.combine(as_of, datetime.min.time())).get_date_data(text)
        slow = _period(got.date_obj.date(), got.period)
        if text.startswith("this "):
            slow = (slow[0], as_of)
        assert fast == slow, (phrase, as_of)
