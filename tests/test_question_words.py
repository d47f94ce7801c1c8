"""How questions and article words are read: yes/no questions, irregular verbs."""
from __future__ import annotations

import pytest

from rag.answerers.cues import asks_yes_no
from rag.answerers.extractive import _restates
from rag.text import base_form, stems


@pytest.mark.parametrize("question", [
    "Did Crocker and Kazemi shake hands?", "Is the US planning a strike?", "Was the nuclear issue discussed?",
    "Has Washington received an invitation?", "And will they meet again?", "Didn't Iran deny it?",
    "Could the talks be raised to a higher level?",
])
def test_yes_no_questions(question):
    assert asks_yes_no(question)


@pytest.mark.parametrize("question", [
    "Who shook hands?", "What did Iran offer?", "Is the meeting in Baghdad or in Tehran?",
    "Where did the talks take place?", "Doctor Who first aired when?", "Willis won what award?",
])
def test_not_yes_no_questions(question):
    assert not asks_yes_no(question)


@pytest.mark.parametrize("form, verb", [
    ("shook", "shake"), ("paid", "pay"), ("held", "hold"), ("met", "meet"), ("led", "lead"),
    ("won", "win"), ("sold", "sell"), ("broke", "break"), ("told", "tell"), ("bought", "buy"),
])
def test_irregular_past_forms_stand_for_their_verb(form, verb):
    assert base_form(form) == verb
    assert stems(f"They {form} it") == stems(f"Did they {verb} it?")


@pytest.mark.parametrize("word", [
    "found",  # find, or found a company
    "saw", "wound", "ground",  # two verbs each
    "took", "made", "gave", "went",  # light verbs: "took charge" is not "take place"
    "offered", "talks", "news", "data", "Kazemi",  # regular forms and nouns: the stemmer's job
])
def test_other_words_are_left_to_the_stemmer(word):
    assert base_form(word.lower()) == word.lower()


def test_a_short_answer_of_only_question_words_restates_the_question():
    assert _restates("Mr. Crocker", "How did Crocker describe the meeting?")
    assert _restates("imperialism", "Friedrich Ratzel thought imperialism was what for the country?")
    assert not _restates("businesslike", "How did Crocker describe the meeting?")
    assert not _restates("…", "How did Crocker describe the meeting?")  # no words: nothing to judge


@pytest.mark.parametrize("written", ["U.S.", "US", "USA", "U.S.A.", "United States"])
def test_the_united_states_is_one_name_however_written(written):
    assert stems(f"the {written} ambassador") == ["unit", "state", "ambassador"]
    assert stems(f"{written}-led forces") == ["unit", "state", "lead", "forc"]


def test_other_abbreviations_are_written_out_and_the_pronoun_us_is_left_alone():
    assert stems("U.N. envoy") == stems("UN envoy") == stems("United Nations envoy")
    assert stems("the UK and the EU") == stems("the United Kingdom and the European Union")
    assert stems("It is for us") == ["us"]
    assert stems("UNESCO and USAID") == ["unesco", "usaid"]  # longer acronyms are words of their own


def test_the_world_wars_are_one_name_however_written():
    assert stems("after WWII") == stems("after WW2") == stems("after World War II")
    assert stems("in WWI") == stems("in WW1") == stems("in World War I")
    from rag.answerers.names import Words, mentions, question_names

    # the names check finds "WWII" in an article that only says "World War II"
    names = question_names("What campaign did the Communist regime initiate after WWII?")
    assert mentions(names, Words(set(stems("After World War II, under a Communist regime, the campaign began."))))


def test_a_question_in_other_words_finds_the_abbreviated_sentence(sample_qa):
    """News writes "U.S. Ambassador Ryan Crocker"; the reader asks about "the United States"."""
    best = sample_qa.retrieve("Who represented the United States?", k=1)[0]
    assert "U.S. Ambassador Ryan Crocker" in best.text


@pytest.mark.parametrize("span", ["dozens", "thousands of years", "twice", "several", "less than a year", "four-hour",
                                  "1870 to 1939", "seven", "fourth month", "over a hundred", "$3 million"])
def test_amounts_say_how_much(span):
    from rag.answerers.cues import says_how_much

    assert says_how_much(span)


@pytest.mark.parametrize("span", ["Iranian Embassy", "bankrolling", "oxbow lakes", "mother tongue", "Theology"])
def test_names_and_nouns_do_not_say_how_much(span):
    from rag.answerers.cues import says_how_much

    assert not says_how_much(span)


@pytest.mark.parametrize("question", ["When did the talks take place?", "By when did the tribes conquer the Celts?",
                                      "When didn't the French learn of the plans?", "The talks took place when?",
                                      "What year did the freeze begin?", "And when?"])
def test_questions_that_ask_when(question):
    from rag.answerers.cues import answer_type

    assert answer_type(question) == "date"


@pytest.mark.parametrize("question, kind", [
    ("What path does a ball take when seen by an outside observer?", None),
    ("Who fumbled the ball when tackled by Darian Stewart?", "person"),  # was typed a date: "when" came first
    ("When Japanese companies introduced compact trucks, what policy ended?", None),
    ("How old was Tesla when he became a citizen?", "number"),
    ("What rank does Doctor Who hold in the list?", None),  # "Who" inside a question is a name
    ("What is the name of the man who spoke?", "person"),
])
def test_question_words_inside_a_question_do_not_set_its_type(question, kind):
    from rag.answerers.cues import answer_type

    assert answer_type(question) == kind


@pytest.mark.parametrize("span", ["yesterday", "1979", "Tuesday", "Second World War", "Midsummer’s Night",
                                  "after liberation", "the 1950s", "late antiquity", "10:30 a.m.", "16th and 17th centuries",
                                  "less than a month"])
def test_times_say_when(span):
    from rag.answerers.cues import says_when

    assert says_when(span)


@pytest.mark.parametrize("span", ["the United States in Iraq", "Time Lady", "Kenyan", "Ekstraklasa Championship"])
def test_names_and_nouns_do_not_say_when(span):
    from rag.answerers.cues import says_when

    assert not says_when(span)


@pytest.mark.parametrize("question, name", [("Who is Nouri al-Maliki?", "Nouri al-Maliki"), ("Who was Mottaki?", "Mottaki"),
                                            ("Who is the ambassador?", None), ("Who is Kazemi meeting?", None)])
def test_who_is_asks_what_a_named_person_is(question, name):
    from rag.answerers.cues import asks_who_is

    assert asks_who_is(question) == name


@pytest.mark.parametrize("sentence, name, role", [
    ("The talks in the offices of Iraqi Prime Minister Nouri al-Maliki began.", "Nouri al-Maliki", "Iraqi Prime Minister"),
    ("Iranian Ambassador Hassan Kazemi Qomi said so.", "Kazemi", "Iranian Ambassador"),  # the first name left out
    ("U.S. Ambassador Ryan Crocker said so.", "Ryan Crocker", "U.S. Ambassador"),
    ("He met Mr. Kazemi yesterday.", "Kazemi", None),  # no role written before the name
    ("Bowman was the director.", "Bowman", None),
    ("Gordon Brown, the chancellor, said so.", "Gordon Brown", "the chancellor"),  # or after it, between commas
    ("Tony Blair, the UK prime minister.", "Tony Blair", "the UK prime minister"),
    ("Tony Blair, the man who won, said so.", "Tony Blair", None),  # no role word
])
def test_the_role_written_with_a_name(sentence, name, role):
    from rag.answerers.cues import role_of

    at = role_of(sentence, name)
    assert (sentence[at[0]:at[1]] if at else None) == role
