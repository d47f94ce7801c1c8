"""Question understanding without a model: intents, topics, what a follow-up keeps, the
chat-question format and its hit rule."""
from __future__ import annotations

import json

import pytest

from rag.chat_eval import Ask, holds, load_chat, run_chat
from rag.compose.base import is_furniture
from rag.errors import BadInputError
from rag.intents import defined, intent_of, topic_of


@pytest.mark.parametrize("question, intent", [
    ("What is this article about?", "overview"), ("Summarize the article.", "overview"),
    ("Can you give me a summary?", "overview"), ("What's the news about Brexit?", "overview"),
    ("What's the latest on the shutdown?", "overview"), ("Tell me about Tony Mendez", "overview"),
    ("What happened?", "overview"),
    ("Why?", "reason"), ("Why did Hickenlooper drop out?", "reason"), ("What caused the explosion?", "reason"),
    ("What is the reason for the delay?", "reason"),
    ("What happens next?", "next"), ("What will happen to the building?", "next"),
    ("What are Pelosi's plans for the new term?", "next"),
    ("What did Crocker say?", "reaction"), ("How did Iran respond?", "reaction"),
    ("What was the U.S. reaction to the offer?", "reaction"),
    ("Who attended the talks?", "list"), ("Which states cancelled their primaries?", "list"),
    ("What are the charges?", "list"), ("What prizes did Conway receive?", "list"),
    ("What is the Quds Force?", "definition"), ("Who is Ryan Crocker?", "definition"),
    ("Did Crocker and Kazemi shake hands?", "yesno"),
    ("How long did the talks last?", "factoid"), ("What did Iran offer?", "factoid"),
    ("When will the two sides meet again?", "factoid"), ("What do the Iraqis want?", "factoid"),
    ("What kind of bombs is Iran said to send into Iraq?", "factoid"), ("What was Kazemi's job before?", "factoid"),
    # How else people ask for an overview, what comes next or a definition.
    ("Key points?", "overview"), ("Main facts?", "overview"), ("Sum it up", "overview"),
    ("Explain the article", "overview"), ("Tell me more", "overview"), ("What do we know so far?", "overview"),
    ("Any news about the earthquake?", "overview"), ("What's the outlook?", "next"),
    ("What does NHC stand for?", "definition"), ("Who were the winners?", "list"),
    # "state" after an article is a noun; "Who are the Mahdi Army?" names one group, no list.
    ("What is a state of emergency?", "factoid"), ("Who are the Mahdi Army?", "factoid"),
])
def test_intent_of_news_questions(question, intent):
    assert intent_of(question) == intent


def test_topic_of_an_overview_names_what_it_is_about_or_nothing():
    assert topic_of("What's the news about Hurricane Humberto?") == "Hurricane Humberto"
    assert topic_of("Tell me about Tony Mendez") == "Tony Mendez"
    assert topic_of("What do we know about the victims?") == "the victims"
    assert topic_of("Any news about the earthquake?") == "the earthquake"
    assert defined("What does NHC stand for?") == "NHC"
    assert topic_of("What is this article about?") == ""
    assert topic_of("Summarize the article.") == ""
    assert defined("What is the Quds Force?") == "the Quds Force"
    assert defined("What is the reason for the delay?") is None


@pytest.mark.parametrize("line, index, furniture", [
    ("Ad sales boost Time Warner profit", 0, True),  # a headline: no end mark
    ("Friday, January 4, 2019", 0, True),  # a dateline
    ("- The Washington Times - Tuesday, May 29, 2007", 0, True),  # a byline
    ("Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn.", 1, False),
    ("Related news", 12, True), ("He said it would not happen again.", 12, False),
])
def test_headlines_datelines_and_bylines_are_never_body_text(line, index, furniture):
    assert is_furniture(line, index, "Ad sales boost Time Warner profit") is furniture


def test_a_hit_holds_need_key_phrases_whatever_the_quote_marks():
    ask = Ask("q", ("Mr. Crocker’s view", "four-hour", "Tehran"), 2)
    assert holds('"Mr. Crocker\'s view was a four-hour…" [1]', ask)
    assert not holds('"a four-hour meeting" [1]', ask)


def test_chat_questions_are_asked_turn_by_turn_with_history(tmp_path):
    path = tmp_path / "chat.json"
    path.write_text(json.dumps({"items": [
        {"id": "a", "kind": "overview", "article": "x", "store": "article", "question": "What is it about?",
         "key": ["alpha"], "need": 1},
        {"id": "b", "kind": "offtopic", "article": "x", "store": "article", "question": "Who won?", "key": [],
         "need": 0, "expect": "refuse"},
        {"id": "c", "kind": "conversation", "article": "x", "store": "corpus",
         "turns": [{"question": "One?", "key": ["alpha"], "need": 1}, {"question": "Two?", "key": ["beta"], "need": 1}]},
    ]}), encoding="utf-8")
    items = load_chat(path)
    seen = []

    def answer(question, history, scope):
        seen.append((question, len(history), scope))
        return ("The articles don't say.", True) if question == "Who won?" else ("alpha [1]", False)

    report = run_chat(items, answer, lambda name: f"id-{name}").to_dict()
    assert seen == [("What is it about?", 0, ["id-x"]), ("Who won?", 0, ["id-x"]), ("One?", 0, None), ("Two?", 2, None)]
    assert report["questions"] == 4 and report["hit"] == 0.75
    assert report["offtopic_refused"] == 1.0 and report["later_turns_hit"] == 0.0
    assert report["per_kind"]["conversation"] == {"n": 2, "hit": 0.5}
    # The miss is listed to be read: which item, which turn, what was asked and answered.
    assert report["misses"] == [{"item": "c", "kind": "conversation", "turn": 2, "question": "Two?",
                                 "answer": "alpha [1]"}]


def test_a_wrong_chat_file_gets_one_clear_message(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"items": [{"id": 1}]}', encoding="utf-8")
    with pytest.raises(BadInputError, match="not a chat-question file"):
        load_chat(bad)
    with pytest.raises(BadInputError, match="no such file"):
        load_chat(tmp_path / "missing.json")


def test_the_shipped_chat_set_covers_every_kind():
    from pathlib import Path

    items = load_chat(Path(__file__).resolve().parents[1] / "benchmarks" / "chat_questions.json")
    kinds = {i.kind for i in items}
    assert len(items) >= 120
    assert {"overview", "topic", "list", "reason", "next", "reaction", "conversation", "offtopic"} <= kinds
    assert all(len(i.asks) == 3 for i in items if i.kind == "conversation")


@pytest.mark.parametrize("question, subject", [
    ("Where did the talks take place?", "the talks"), ("Where did the earthquake hit?", "the earthquake"),
    ("Where did the Hong Kong protesters gather on Friday?", "the Hong Kong protesters"),
    ("When did Kenya become an independent country?", None), ("When will the two sides meet again?", "the two sides"),
    ("When did the French and Indian War start?", "the French and Indian War"),
    ("What is the capital of Kenya?", None), ("How many votes did she get?", None),
])
def test_the_subject_a_follow_ups_it_or_they_points_back_to(question, subject):
    from rag.conversation import subject_of

    assert subject_of(question) == subject


def _history(*turns):
    out = []
    for q, a in turns:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    return out


@pytest.mark.parametrize("question, turns, standalone", [
    ("How strong was it?", [("Where did the earthquake hit?", '**Puerto Rico** — "A magnitude 5.2 earthquake hit."')],
     "How strong was the earthquake?"),
    ("What did they do there?", [("Where did the Hong Kong protesters gather on Friday?", '**the police complex** — "…"')],
     "What did the Hong Kong protesters do there?"),
    # the last turn names no one: the one before does ("her" is then the person, not "her …")
    ("Who opposed her?", [("Who was elected Speaker?", '**Nancy Pelosi** — "Nancy Pelosi was elected."'),
                          ("How many votes did she get?", '**220** — "She got 220 votes."')], "Who opposed Nancy Pelosi?"),
    ("What is its population?", [("What is the capital of Kenya?", '**Nairobi** — "…"')], "What is Kenya's population?"),
    # "he" is a person: not the mosque a wrong lead named, but the person the quote names
    ("Did he ask for bail?", [("Who is the suspect in the mosque attacks?",
                               '**Al Noor Mosque** — "Police arrested Brenton Tarrant near Al Noor Mosque."')],
     "Did Brenton Tarrant ask for bail?"),
    # "Puerto Rico", named by the first question, is a place (pycountry), not whom "him" means
    ("Who opposed him?", [("Who is the new governor of Puerto Rico?", '**Ricardo Rosselló Nevares** — "…"'),
                          ("When was he sworn in?", '**Friday** — "…"')], "Who opposed Ricardo Rosselló Nevares?"),
    # a bare question word asks it of the last question's event; a copula question has none
    ("Why?", [("What did Iran offer?", '"He said he had offered to train the army."')], "Why did Iran offer?"),
    ("And when?", [("Where did the earthquake hit?", '**Puerto Rico** — "…"')], "When did the earthquake hit?"),
    ("Why?", [("What is the Quds Force?", '"…"')], "Why?"),
])
def test_follow_ups_are_made_standalone(question, turns, standalone):
    from rag.conversation import resolve

    assert resolve(question, _history(*turns)).question == standalone


def test_list_items_are_only_names_the_text_lists():
    from rag.compose.lists import _items

    assert _items("The Aviator, Million Dollar Baby and Sideways were nominated.", False, set()) == \
        ["The Aviator", "Million Dollar Baby", "Sideways"]
    assert _items("Iran must stop arming militants who attack U.S. and Iraqi forces.", False, set()) == []
    assert "Mr. Kazemi" in _items("Mr. Crocker and Mr. Kazemi shook hands.", True, set())


def test_a_who_question_is_not_led_by_a_place():
    from rag.answerers.extractive import _misleads

    assert _misleads("Al Noor Mosque", "person", "Who is the suspect in the attacks?")
    assert not _misleads("Brenton Tarrant", "person", "Who is the suspect in the attacks?")
    assert not _misleads("Al Noor Mosque", "place", "Where was the first attack?")


def test_they_is_never_a_day_and_a_place_is_no_person():
    from rag.conversation import thing_of
    from rag.quotes import is_person_name

    assert thing_of("What happened in Hong Kong on Friday?") == "Hong Kong"
    assert not any(is_person_name(p) for p in ("Puerto Rico", "Hong Kong", "Los Angeles", "New Zealand"))
    assert all(is_person_name(p) for p in ("Ryan Crocker", "Nancy Pelosi", "Carrie Lam"))


def test_the_speaker_of_a_quote_is_named_next_to_its_speech_verb():
    from rag.compose.base import Sent
    from rag.compose.reaction import speaker_in

    def sent(text, before=""):
        return Sent("a", "t", None, 0, len(text), text, 3, before)

    assert speaker_in(sent("Mr. Crocker declined to detail what Mr. Kazemi had said in the session.")) == "Mr. Kazemi"
    assert speaker_in(sent("“We will meet again,” said Hassan Kazemi Qomi.")) == "Hassan Kazemi Qomi"
    assert speaker_in(sent("However, he said: “We want action.”", "The American envoy called it businesslike.")) \
        == "The American envoy"
    assert speaker_in(sent("The talks ended at noon.")) is None


def test_the_first_quote_of_an_answer_with_or_without_its_markers():
    """A follow-up's ``said`` has its "[n]" taken out: the first quote still ends where it closes,
    not at the last quote mark of the answer."""
    from rag.conversation import first_quote

    assert first_quote('**Iran** — "He said he had offered help." [1] "The Americans insist." [2]') \
        == "He said he had offered help."
    assert first_quote('**Iran** — "He said he had offered help." "The Americans insist."') == "He said he had offered help."
    assert first_quote('"Mr. Hood said "I saw it."" "Next."').startswith("Mr. Hood said")
    assert first_quote("The articles don't say.") == ""
