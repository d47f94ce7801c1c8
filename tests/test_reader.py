"""The trained reader's loader checks and fallback, readable quotes, standalone follow-ups."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from rag.cli.main import main as rag
from rag.conversation import standalone
from rag.errors import ReaderModelError
from rag.quotes import shortened, with_referent
from rag.reader.model import TRAIN_COMMAND, Reader


@pytest.fixture
def model_copy(tmp_path):
    """A reader folder whose files do not match their recorded checksums."""
    import json

    d = tmp_path / "reader"
    d.mkdir()
    (d / "reader.onnx").write_bytes(b"not a model")
    (d / "tokenizer.json").write_text("{}")
    (d / "reader.json").write_text(json.dumps({"sha256": "0" * 64, "tokenizer_sha256": "0" * 64}))
    return d


# -- the loader --------------------------------------------------------------------------
def test_a_corrupt_model_is_refused_with_the_training_command(model_copy):
    with pytest.raises(ReaderModelError) as e:
        Reader(model_copy)
    assert "sha256" in str(e.value) and TRAIN_COMMAND in str(e.value)


def test_a_missing_model_file_is_named(model_copy):
    (model_copy / "reader.onnx").unlink()
    with pytest.raises(ReaderModelError, match="missing reader.onnx"):
        Reader(model_copy)


# -- the fallback ------------------------------------------------------------------------
@pytest.mark.slow
def test_without_a_usable_model_answers_fall_back_to_the_heuristic_and_say_so(sample_db, model_copy, monkeypatch):
    monkeypatch.setenv("RAG_ANSWER__READER", "trained")
    monkeypatch.setenv("RAG_ANSWER__READER_MODEL", str(model_copy))
    r = CliRunner().invoke(rag, ["ask", "Who is the U.S. ambassador?", "--db", str(sample_db), "--json"])
    assert r.exit_code == 0, r.output
    assert "Ryan Crocker" in r.stdout
    assert "heuristic reader" in r.stderr and TRAIN_COMMAND in r.stderr


def test_a_sentences_score_does_not_depend_on_the_other_candidates():
    """The int8 model scales its activations per run: read in one batch, a sentence's score
    moved with whatever else was retrieved (it flipped the sample article's "Where did the
    talks take place?"). Each pair is read alone."""
    from rag.reader.model import load_reader

    reader = load_reader()
    q = "Where did the talks take place?"
    green = "The talks in the Green Zone offices of Iraqi Prime Minister Nouri al-Maliki were the first formal meeting."
    others = ["In Tehran, Iranian Foreign Minister Manouchehr Mottaki said the talks could lead to future meetings.",
              "Mr. al-Maliki greeted the two ambassadors and led them into a conference room, where they faced "
              "each other across a glistening wood table and talked for four hours about security in Iraq."]
    alone = reader.read(q, [green], ["Talks. "])[0]
    beside = reader.read(q, [green, *others], ["Talks. "] * 3)[0]
    assert (beside.prob, beside.span, beside.logit) == (alone.prob, alone.span, alone.logit)



def test_the_short_answer_stops_where_the_answer_does():
    """The span head tends to run past the answer ("27-year diplomatic freeze yesterday with a
    four-hour" for "27-year"): an end a little likelier but much further loses to the near one;
    the start is the model's own."""
    import numpy as np

    from rag.reader.encode import best_span, shorter_end

    start = np.full(12, -5.0)
    end = np.full(12, -5.0)
    start[2], end[3], end[10] = 5.0, 3.0, 3.5  # [2..3] vs the slightly likelier [2..10]
    a, b, score = best_span(start, end, 1, 12)
    assert (a, b, score) == (2, 10, 8.5)
    assert shorter_end(end, a, b) == 3
    end[10] = 5.0  # much likelier: kept
    assert shorter_end(end, a, b) == 10


def test_a_short_answer_is_made_of_whole_words():
    from rag.reader.encode import whole_words

    text = "They broke a 27-year freeze with Nouri al-Maliki."
    cut = lambda a, b: text[slice(*whole_words(text, a, b))]  # noqa: E731
    assert cut(13, 15) == "27-year"  # the word pieces "27" of "27-year"
    assert cut(42, 45) == "al-Maliki"
    assert cut(5, 10) == "broke"


def _read_as(sentence: str, region: str, span: str, at: int = 100, **fields):
    """A candidate for an article of ``sentence`` alone (placed at offset ``at``), as the reader
    leaves it: its own best span ``region``, the short answer's ``span`` inside it."""
    from rag.answerers.extractive import Candidate
    from rag.types import Passage

    a, n = sentence.index(region), len(sentence)
    return Candidate(Passage("a1", sentence, at, at + n, 1.0, "T"), at, at + n, sentence, frozenset(),
                     span=(a, a + len(span)), region=(a, a + len(region)), **fields)


def _short_of(sentence: str, span: str):
    """The answerer's short answer when the reader's span is ``span`` of ``sentence``; checks it
    is the article's text at its offsets."""
    from rag.answerers.extractive import _short

    got = _short(_read_as(sentence, span, span))
    assert sentence[got.start - 100:got.end - 100] == got.text
    return got.text

@pytest.mark.parametrize("span, short", [
    ("commune (gmina", "commune"),  # stopped inside a parenthesis: cut before it
    ("Park Ujazdowski (close to the Sejm and John Lennon street", "Park Ujazdowski"),
    ("Australian Broadcasting Corporation (ABC)", "Australian Broadcasting Corporation"),  # edge ")" trimmed first
    ("14th century), the temple", "14th century"),  # began inside one: ends before its close
    ('Informal imperialism" is less direct', "Informal imperialism"),  # an odd straight quote
    ("“businesslike”", "businesslike"),
    ("the Doctors’ companions", "the Doctors’ companions"),  # an apostrophe, not a quote
    ("Mr. Crocker (the U.S. ambassador) said", "Mr. Crocker (the U.S. ambassador) said"),  # balanced: kept
])
def test_a_short_answer_never_leaves_a_bracket_or_quote_open(span, short):
    assert _short_of(f"By then {span} was known.", span) == short


@pytest.mark.parametrize("sentence, span, short", [
    ("He directed The Wojciech Bogusławski Theatre in 1833.", "The Wojciech", "The Wojciech Bogusławski Theatre"),
    ("The serial The Three Doctors opened the season.", "Three", "Three Doctors"),
    ("Talks were held with Iran Tuesday in Baghdad.", "Iran", "Iran"),  # a weekday is not part of the name
    ("It was sent to Iran Mr. Kazemi said.", "Iran", "Iran"),
    ("It was led by the Ambassador U.S. officials said.", "Ambassador", "Ambassador"),
    ("She taught at the Fryderyk Chopin University of Music until 1990.", "Fryderyk Chopin University",
     "Fryderyk Chopin University of Music"),  # a body's name goes on with "of"
    ("It is now the Museum of the Moving Image in London.", "Museum", "Museum of the Moving Image"),
    ("Mr. Kazemi of Iran said so.", "Kazemi", "Kazemi"),  # a person's does not
    ("The offices of Prime Minister Nouri al-Maliki were used.", "Prime Minister Nouri", "Prime Minister Nouri al-Maliki"),
    ("It was led by Charles de Gaulle in 1944.", "Charles", "Charles de Gaulle"),
])
def test_a_short_answer_that_stops_inside_a_name_ends_with_it(sentence, span, short):
    assert _short_of(sentence, span) == short

def _lead(question: str, sentence: str, region: str, span: str):
    """The short answer the answerer leads with when the reader's own best span in ``sentence``
    is ``region`` and its end moves in to ``span``: the answer is composed as for real."""
    from types import SimpleNamespace

    from rag.answerers.extractive import ExtractiveAnswerer, read_question
    from rag.settings import Settings

    c = _read_as(sentence, region, span, at=0, kind=read_question(question)[0], prob=0.6)
    no_store = SimpleNamespace(articles={})  # citations fall back to the passage's own title
    ans = ExtractiveAnswerer(no_store, Settings().answer)._compose_read(question, [c], [c.passage])
    assert ans.short is None or sentence[ans.short.start:ans.short.end] == ans.short.text
    return ans.short.text if ans.short else None


SEEN = ("He became known as the author of a best-known legend of the city, which the world still tells "
        "with pride and which every child in the city knows.")


def test_what_questions_get_the_head_of_a_clause_long_span():
    region = SEEN[SEEN.index("best-known legend"):-1]
    assert len(region) > 60
    assert _lead("What did he give to the world?", SEEN, region, "best-known legend") == "best-known legend"
    assert _lead("Which tale did he write?", SEEN, region, "best-known legend") == "best-known legend"


def test_where_and_how_questions_do_not_get_a_guess_from_a_clause():
    s = ("The talks were the first meeting since the United States broke relations with Tehran after the "
         "1979 Islamic Revolution and the seizure of the U.S. Embassy.")
    region = s[s.index("Tehran"):-1]
    assert _lead("Where were the talks held?", s, region, "Tehran") is None
    assert _lead("How were the relations broken?", s, region, "Tehran") is None
    assert _lead("Where were the talks held?", s, "Tehran", "Tehran") == "Tehran"  # not a clause: a short answer


# -- readable quotes ---------------------------------------------------------------------
def test_a_leading_pronoun_gets_its_referent_in_brackets():
    before = "Mr. Kazemi said U.S. efforts to rebuild those forces were inadequate."
    assert with_referent("He said he also had offered help.", before) == "He [Mr. Kazemi] said he also had offered help."
    assert with_referent("He said so.", "Iranian Ambassador Hassan Kazemi Qomi spoke.") == "He [Iranian Ambassador Hassan Kazemi Qomi] said so."
    assert with_referent("The talks ended.", before) == "The talks ended."  # no pronoun: unchanged
    assert with_referent("He said so.", "the meeting ended.") == "He said so."  # nobody named: unchanged


def test_a_shortened_quote_marks_every_cut_and_keeps_the_answer():
    s = ("Mr. Crocker declined to detail what Mr. Kazemi had said in the session, but the Iranian diplomat "
         "formerly a top official in the elite Revolutionary Guards Quds Force said he had offered to train "
         "and equip the Iraqi army and police to create “a new military and security structure” for Iraq.")
    keep = (s.index("the Iranian diplomat"), s.index("the Iranian diplomat") + 20)
    out = shortened(s, keep, 200)
    assert out.startswith("…") and "the Iranian diplomat" in out and len(out) <= 202
    assert shortened("Short sentence.", None, 200) == "Short sentence."
    tail = shortened(s, (0, 11), 120)
    assert tail.startswith("Mr. Crocker") and tail.endswith("…")


def test_follow_ups_are_made_standalone():
    assert standalone("and the Americans?", "What did Iran offer?", "") == "What did the Americans offer?"
    assert standalone("What did he say?", "Who is the U.S. ambassador?", "**Ryan Crocker** — \"…\"") \
        == "What did Ryan Crocker say?"
    assert standalone("What is its capital?", "Where is Kenya located?", "") == "What is Kenya's capital?"
    assert standalone("How long did it last?", "When did the French and Indian War start?", "") \
        == "How long did the French and Indian War last?"
    assert standalone("Who made that offer?", "What did Iran offer?", "") == "Who made the offer?"
    # "it" points at the last named thing, not at the person acting on it
    assert standalone("What planet is it from?", "Who followed Matt Smith in the role of Doctor Who?", "") \
        == "What planet is Doctor Who from?"
    assert standalone("When did it become the capital?", "What year did King Sigismund III Vasa move his court to "
                      "Warsaw?", "") == "When did Warsaw become the capital?"
    assert standalone("What attracts tourists to it?", "What is Kenya's HDI?", "") == "What attracts tourists to Kenya?"


def test_he_in_a_third_turn_is_the_person_a_who_question_was_answered_with():
    """A later answer names places and bodies in passing ("New Hampshire"); "he" stays the
    person the conversation's who-question found."""
    from rag.conversation import resolve

    history = [{"role": "user", "content": "Who was driving the truck?"},
               {"role": "assistant", "content": "**Zhukovskyy** — \"Zhukovskyy was driving a pickup truck.\" [1]"},
               {"role": "user", "content": "What was he charged with?"},
               {"role": "assistant", "content": "\"Police in New Hampshire said the court had set bail.\" [1]"}]
    assert resolve("Has he crashed before?", history).question == "Has Zhukovskyy crashed before?"


def test_she_after_a_who_answer_is_the_person_not_the_office_before_the_name():
    """News names people after their office: "she" is Wanda Vázquez Garced, not "Puerto Rico's"
    (the question's focus) nor "Secretary of Justice Wanda…"."""
    from rag.conversation import resolve

    history = [{"role": "user", "content": "Who was sworn in as Puerto Rico's governor after the ruling?"},
               {"role": "assistant", "content": "**Secretary of Justice Wanda Vázquez Garced** — \"Following the "
                "ruling, Secretary of Justice Wanda Vázquez Garced was sworn in.\" [1]"}]
    assert resolve("What job did she hold before?", history).question == "What job did Wanda Vázquez Garced hold before?"
    from rag.conversation import _without_title

    assert _without_title("President of Argentina Alberto Fernández") == "Alberto Fernández"
    assert _without_title("Bank of England") == "Bank of England"  # no name after the office: kept whole


def test_a_follow_up_made_whole_searches_for_itself():
    from rag.conversation import resolve

    history = [{"role": "user", "content": "Where is Kenya located?"},
               {"role": "assistant", "content": "Kenya lies on the equator. [1]"}]
    assert resolve("What is the capital of it?", history).query == "What is the capital of Kenya?"
    leaning = resolve("Who made that offer?", [{"role": "user", "content": "What did Iran offer?"},
                                                {"role": "assistant", "content": "Mr. Kazemi offered help. [1]"}])
    assert leaning.question == "Who made the offer?" and "What did Iran offer?" in leaning.query



def test_a_sentence_carried_by_two_articles_is_quoted_once(tmp_path):
    """Wire copy: the same sentence in two stored stories is one quote, not two (real model)."""
    from ingest import ingest
    from rag import ArticleQA

    line = "The ferry operator said services to the islands would resume on Thursday morning."
    (tmp_path / "a.md").write_text(f"# Ferries to resume\n\n{line} Storms had halted crossings for a week.\n")
    (tmp_path / "b.md").write_text(f"# Island ferries\n\n{line} Passengers were told to check the timetable.\n")
    ingest([str(tmp_path / "a.md"), str(tmp_path / "b.md")], db=tmp_path / "db")
    ans = ArticleQA(db=tmp_path / "db").ask("When will ferry services to the islands resume?")
    assert not ans.refused and "Thursday" in ans.text
    assert sum(c.quote.count("resume on Thursday") for c in ans.citations) == 1


def test_the_best_sentence_is_quoted_whole_when_it_fits(tmp_path):
    """A long best sentence (< 320 chars) is not cut around its short answer: when that short
    answer is the wrong part, the right one is still in the quote (real model)."""
    from ingest import ingest
    from rag import ArticleQA

    line = ("The city council voted on Tuesday to close the old harbour bridge to lorries from March, after "
            "engineers found corrosion in two of its steel supports, and to spend 4 million pounds on repairs "
            "that the mayor said would keep it open to cars and cyclists for another twenty years.")
    assert 200 < len(line) < 320
    (tmp_path / "a.md").write_text(f"# Harbour bridge to close to lorries\n\n{line} Hauliers said the detour "
                                   "would add an hour to deliveries. The bridge opened in 1931.\n")
    ingest([str(tmp_path / "a.md")], db=tmp_path / "db")
    ans = ArticleQA(db=tmp_path / "db").ask("Why will the harbour bridge close to lorries?")
    assert not ans.refused
    assert ans.citations[0].quote == line
    assert f'"{line}" [1]' in ans.text

