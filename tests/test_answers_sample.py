"""The sample article with the real embedding model and the default offline answerer."""
from __future__ import annotations

import pytest

from rag import CANNOT_ANSWER

pytestmark = pytest.mark.slow


def _check_citations(qa, ans):
    for c in ans.citations:
        assert qa.article(c.article_id).text[c.start:c.end] == c.quote
        for marker in ("Copyright", "Comment Policy", "Click to"):
            assert marker not in c.quote
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))
    for c in ans.citations:
        assert f"[{c.n}]" in ans.text


def _cited(ans, phrase):
    return next(c for c in ans.citations if phrase in c.quote)


def test_what_did_iran_offer_names_both_offers(sample_qa):
    ans = sample_qa.ask("What did Iran offer?")
    assert not ans.refused
    assert "train and equip the Iraqi army and police" in ans.text
    assert "rebuilding Iraq’s infrastructure" in ans.text
    _cited(ans, "train and equip")
    _cited(ans, "rebuilding Iraq’s infrastructure")
    _check_citations(sample_qa, ans)
    assert len(ans.text) <= 450  # the best sentence whole, the runner-up cut around its offer


@pytest.mark.parametrize("question", ["What is Iran accused of?", "What do the Americans accuse Iran of?"])
def test_accusation_questions_quote_the_charges_not_the_word(question, sample_qa):
    ans = sample_qa.ask(question)
    assert not ans.refused
    _cited(ans, "armor-piercing roadside bombs")
    _cited(ans, "bankrolling, arming and training Iraqi militants")
    assert "Mahdi Army" in ans.text
    # Shares the word "accusations" with the question but says nothing of what they are.
    assert "We don’t take the American accusations seriously" not in ans.text
    _check_citations(sample_qa, ans)


def test_a_short_answer_keeps_its_quantity(sample_qa):
    """The model's span is "month"; the answer to "when" is "less than a month"."""
    ans = sample_qa.ask("When will the two sides meet again?")
    assert ans.short is not None and ans.short.text == "less than a month"
    assert sample_qa.article(ans.short.article_id).text[ans.short.start:ans.short.end] == ans.short.text
    _check_citations(sample_qa, ans)


@pytest.mark.parametrize("question, said", [
    ("What did Mottaki say?", "the talks could lead to future meetings"),
    ("What did the Americans want?", "The Americans insist that Iran"),
])
def test_what_someone_said_or_wanted_is_quoted_not_reduced_to_a_name(sample_qa, question, said):
    """The answer is a clause: a name picked out of it as the bold lead ("Condoleezza Rice"
    for what Mottaki said, "Iran" for what the Americans wanted) misstates it."""
    ans = sample_qa.ask(question)
    assert not ans.refused and ans.short is None and not ans.text.startswith("**")
    assert said in ans.text
    _check_citations(sample_qa, ans)


@pytest.mark.parametrize("question, said", [
    ("Is the US planning to strike Iran from Iraq?", "no plans to stage a strike"),
    ("Did Crocker and Kazemi shake hands?", "Mr. Crocker and Mr. Kazemi shook hands"),
    ("Did the Iranians bring up their captured compatriots?", "did not raise the subject"),
])
def test_yes_no_questions_are_answered_by_the_quote_without_a_bold_lead(sample_qa, question, said):
    """A span picked out of the quote ("stage a strike") reads as the answer to a yes/no
    question and is none; "shake" finds "shook" (irregular verbs are indexed as their verb)."""
    ans = sample_qa.ask(question)
    assert not ans.refused and ans.short is None and not ans.text.startswith("**")
    assert said in ans.citations[0].quote
    _check_citations(sample_qa, ans)


def test_a_short_answer_is_never_only_the_question_s_own_words(sample_qa):
    """The reader's span for this one is "Mr. Crocker" (the sentence it picks names him):
    naming whom the question names answers nothing."""
    from rag.text import stems

    question = "How did Crocker describe the meeting?"
    ans = sample_qa.ask(question)
    assert ans.short is None or not set(stems(ans.short.text)) <= set(stems(question))
    _check_citations(sample_qa, ans)


@pytest.mark.parametrize("question", [
    "How long did the press conference last?",  # the reader's span: "Iranian Embassy"
    "How much money has Iran given the Mahdi Army?",  # "bankrolling"
])
def test_how_much_or_how_long_is_never_led_by_something_that_is_no_amount(sample_qa, question):
    from rag.answerers.cues import says_how_much

    ans = sample_qa.ask(question)
    assert ans.short is None or says_how_much(ans.short.text)
    assert not ans.text.startswith("**") or ans.short is not None
    _check_citations(sample_qa, ans)


@pytest.mark.parametrize("question", ["What was Kazemi's job before?",  # the reader's span: "Mr. Crocker"
                                      "What did Crocker decline to do?"])  # "Mr. Kazemi"
def test_a_what_question_is_never_led_by_a_person(sample_qa, question):
    from rag.quotes import TITLED

    ans = sample_qa.ask(question)
    assert not ans.refused
    assert ans.short is None or not TITLED.fullmatch(ans.short.text)
    assert "Mr. Crocker declined to detail" in ans.citations[0].quote
    _check_citations(sample_qa, ans)


@pytest.mark.parametrize("question, role", [("Who is Nouri al-Maliki?", "Iraqi Prime Minister"),
                                            ("Who is Manouchehr Mottaki?", "Iranian Foreign Minister"),
                                            ("Who is Ryan Crocker?", "U.S. Ambassador"),
                                            ("Who is Muqtada al-Sadr?", "radical Shi’ite cleric")])
def test_who_is_a_named_person_is_answered_with_their_role(sample_qa, question, role):
    ans = sample_qa.ask(question)
    assert ans.short is not None and ans.short.text == role
    assert ans.text.startswith(f"**{role}** — ")
    assert sample_qa.article(ans.short.article_id).text[ans.short.start:ans.short.end] == role
    _check_citations(sample_qa, ans)


def test_when_is_never_led_by_something_that_is_no_time(sample_qa):
    from rag.answerers.cues import says_when

    ans = sample_qa.ask("When were the seven Iranians captured?")  # the reader's span: "the United States in Iraq"
    assert ans.short is None or says_when(ans.short.text)
    assert not ans.text.startswith("**") or ans.short is not None
    _check_citations(sample_qa, ans)


@pytest.mark.parametrize("question, expected", [
    ("Who is the U.S. ambassador?", "Ryan Crocker"),
    ("Where did the talks take place?", "Green Zone offices of Iraqi Prime Minister Nouri al-Maliki"),
    ("How long did the meeting last?", "four-hour"),
    ("Who is the Iranian ambassador?", "Hassan Kazemi Qomi"),
])
def test_factoid_questions(sample_qa, question, expected):
    ans = sample_qa.ask(question)
    assert not ans.refused
    assert expected in ans.text
    assert expected in ans.citations[0].quote  # the best citation is the answering sentence
    _check_citations(sample_qa, ans)


@pytest.mark.parametrize("question", [
    "What is the capital of France?", "Who won the football match?", "What is the weather in Paris?",
    "Click to Read More and View Comments",
])
def test_off_topic_questions_are_refused(sample_qa, question):
    ans = sample_qa.ask(question)
    assert ans.refused and ans.text == CANNOT_ANSWER and ans.citations == []


def test_retrieve_finds_the_offer_passage_first_three(sample_qa):
    passages = sample_qa.retrieve("What did Iran offer?", k=3)
    assert any("offered to train and equip" in p.text for p in passages)
    text = sample_qa.article(passages[0].article_id).text
    for p in passages:
        assert text[p.start:p.end] == p.text
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_articles_listing(sample_qa):
    [a] = sample_qa.articles()
    assert a.published == "2007-05-29" and a.source.endswith("us-iran-talks-baghdad-2007.txt")
    assert "Click to Hide" not in a.text


def test_the_best_sentence_stays_whole_beside_a_runner_up(sample_qa):
    """"What did Iran offer?": the best sentence (164 chars) is quoted whole, not cut at
    "infrastructure…" to make room for the second offer, which is still there."""
    ans = sample_qa.ask("What did Iran offer?")
    best = ans.citations[0].quote
    assert len(best) < 320 and best.endswith("invaders.\u201d") and best.split()[-1] in ans.text
    assert "train and equip" in ans.text and len(ans.citations) >= 2


def test_who_made_that_offer_names_mr_kazemi(sample_qa):
    """The follow-up is answered by the quote that calls him "the Iranian diplomat…"; the name
    the quote's cut-off head gives leads, as a short answer at its own article offsets."""
    first = sample_qa.ask("What did Iran offer?")
    history = [{"role": "user", "content": "What did Iran offer?"}, {"role": "assistant", "content": first.text}]
    ans = sample_qa.ask("Who made that offer?", history=history)
    assert not ans.refused and ans.text.startswith("**Mr. Kazemi** — ")
    assert ans.short.text == "Mr. Kazemi"
    assert sample_qa.article(ans.short.article_id).text[ans.short.start:ans.short.end] == "Mr. Kazemi"
    assert "train and equip" in ans.text
    _check_citations(sample_qa, ans)
