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
