"""PDF articles: text with page numbers, so a citation can say "p. 2"; a scan without a text
layer fails with a clear reason instead of becoming an empty article."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from ingest import ingest
from ingest.clean import clean
from ingest.load import load
from rag.api import ArticleQA
from rag.cli.main import main as rag_main
from tests.conftest import SAMPLE

ASCII = {"\u201c": '"', "\u201d": '"', "\u2019": "'", "\u2018": "'", "\u2014": "-", "\u2013": "-"}


def make_pdf(path, paragraphs_per_page: list[list[str]], title: str = "") -> None:
    """A real PDF (fpdf2), one list of paragraphs per page."""
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_auto_page_break(True, 15)
    for paras in paragraphs_per_page:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for p in paras:
            pdf.multi_cell(0, 6, "".join(ASCII.get(c, c) for c in p))
            pdf.ln(4)
    pdf.output(str(path))


def sample_pdf(path) -> list[list[str]]:
    """The sample article over three pages (byline first, footer last, as a saved web page)."""
    paras = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    third = len(paras) // 3
    pages = [paras[:third], paras[third:2 * third], paras[2 * third:]]
    make_pdf(path, pages, title="U.S., Iran hold talks in Baghdad")
    return pages


def test_pdf_pages_map_offsets_to_page_numbers(tmp_path):
    pdf = tmp_path / "story.pdf"
    make_pdf(pdf, [["Page one opens the story. It has two sentences."],
                   ["Page two continues it."], ["The third page ends it."]], title="A three-page story")
    doc = clean(load(str(pdf)))
    assert doc.title == "A three-page story"
    assert len(doc.pages) == 3 and doc.pages[0] == 0
    for n, words in ((1, "Page one opens"), (2, "Page two continues"), (3, "The third page")):
        at = doc.text.index(words)
        assert doc.pages[n - 1] <= at and (n == 3 or at < doc.pages[n])


def test_scanned_pdf_without_text_layer_fails_clearly(tmp_path):
    pdf = tmp_path / "scan.pdf"
    make_pdf(pdf, [[], []])  # pages with nothing to extract, as a scan's images are
    report = ingest([str(pdf)], db=tmp_path / "db")
    assert report.added == [] and len(report.failed) == 1
    assert "no text layer" in report.failed[0][1] and "OCR" in report.failed[0][1]


@pytest.mark.slow
def test_pdf_of_the_sample_answers_with_a_page_number(tmp_path):
    pdf = tmp_path / "us-iran-talks.pdf"
    sample_pdf(pdf)
    db = tmp_path / "db"
    report = ingest([str(pdf)], db=db)
    assert len(report.added) == 1, report.failed
    qa = ArticleQA(db=db)
    ans = qa.ask("What did Iran offer?")
    assert not ans.refused and ans.citations
    article = qa.article(ans.citations[0].article_id)
    assert article.published == "2007-05-29"  # from the byline on page 1, which is not article text
    assert "Washington Times welcomes your comments" not in article.text  # the web footer is gone
    for c in ans.citations:
        assert article.text[c.start:c.end] == c.quote
        assert c.page == article.page_at(c.start) and c.page in (1, 2, 3)
        assert c.published == "2007-05-29"
    out = CliRunner().invoke(rag_main, ["ask", "What did Iran offer?", "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert f"2007-05-29, p. {ans.citations[0].page}" in out.output
