"""Cleaning and chunking: footer gone, date found, sentences whole, offsets exact."""
from __future__ import annotations

from ingest.chunk import chunk
from ingest.clean import clean
from ingest.load import RawDoc, load
from tests.conftest import SAMPLE

FOOTER = ["Copyright", "Comment Policy", "Click to Read More", "Click to Hide", "Spot.im"]


def test_sample_footer_stripped_and_byline_becomes_date():
    doc = clean(load(str(SAMPLE)))
    assert doc.published == "2007-05-29"
    assert doc.text.startswith("BAGHDAD - The United States and Iran")
    assert doc.text.endswith("Condoleezza Rice and Mr. Mottaki.")
    for marker in FOOTER:
        assert marker not in doc.text


def test_chunks_end_on_sentence_boundaries_with_exact_offsets():
    text = clean(load(str(SAMPLE))).text
    chunks = chunk(text, max_chars=300)
    assert len(chunks) > 5
    for c in chunks:
        assert text[c.start:c.end] == c.text
        assert c.text[-1] in ".”\"?!", c.text[-40:]
        assert c.text[0].isupper() or c.text[0] in "“\"", c.text[:40]
        for s, e in c.sentences:
            assert c.start <= s < e <= c.end
    # Every sentence of the article lands in exactly one chunk.
    covered = [span for c in chunks for span in c.sentences]
    assert len(covered) == len(set(covered))


def test_long_sentence_is_its_own_chunk_not_cut():
    long = "This sentence " + "goes on and on " * 60 + "until it ends."
    chunks = chunk(f"Short one. {long} Another short one.", max_chars=200)
    assert [c.text for c in chunks][1] == long


def test_html_extraction_drops_scripts_and_keeps_title(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("""<html><head><title>Harbor reopens</title><script>window.__xss=1</script></head>
    <body><nav>Home | World | Sports</nav><article><h1>Harbor reopens</h1>
    <p>The harbor of Tyre reopened on Friday after a three-week closure caused by storms.</p>
    <p>Fishermen said the closure cost them most of the season's income, according to the mayor.</p>
    </article><footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>""")
    doc = clean(load(str(page)))
    assert doc.title == "Harbor reopens"
    assert "three-week closure" in doc.text
    assert "__xss" not in doc.text and "All rights reserved" not in doc.text


def test_markdown_heading_is_title():
    doc = clean(RawDoc("/x/a.md", "markdown", "# Storm hits coast\n\nA storm hit the coast on May 3, 2020. It was strong.", "a"))
    assert doc.title == "Storm hits coast"
    assert doc.published == "2020-05-03"
    assert not doc.text.startswith("#")


def test_a_one_paragraph_story_that_mentions_subscribers_is_kept():
    """Footer words inside the only paragraph are the story, not site furniture."""
    text = ("# The Sunday Times\n\nIn common with other newspapers, The Sunday Times has been hit by a fall in "
            "circulation. It has a number of digital-only subscribers, which numbered 59,000 by March 2014.\n")
    doc = clean(RawDoc("x.md", "markdown", text, "x"))
    assert "59,000" in doc.text
    ad = "Death Wish Coffee beat out nine other contenders for the free advertisement."
    assert clean(RawDoc("y.md", "markdown", f"# Ads\n\n{ad}\n\nAdvertisement\n", "y")).text == ad


def test_a_sentence_is_not_cut_inside_an_abbreviation_the_splitter_misses():
    """"then-U.S.-president" was cut after "U.", and answers quoted "S.-president Jimmy Carter …"."""
    from rag.text import sentence_spans

    text = ("The six were hidden by Canadian diplomats. Their escape was approved by then-U.S.-president "
            "Jimmy Carter, though it stayed secret. He met U.S. officials.\n\nJ. Smith said so.")
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "The six were hidden by Canadian diplomats.",
        "Their escape was approved by then-U.S.-president Jimmy Carter, though it stayed secret.",
        "He met U.S. officials.", "J. Smith said so."]
