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


# -- hostile PDFs: each fails alone, with a reason; the run stores everything else ---------
def _raw_pdf(contents: list[bytes]) -> bytes:
    """A minimal PDF whose pages carry these (already compressed) FlateDecode content streams."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(contents)))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {len(contents)} >>".encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, content in enumerate(contents):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                    f"/Contents {5 + 2 * i} 0 R >>".encode())
        objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream")
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


def _text_bomb() -> bytes:
    """460 KB that inflate to 150 MB of text operators: ten pages of 15 MB each."""
    import zlib

    unit = b"BT /F1 12 Tf 72 720 Td (Hello world) Tj ET\n"
    page = zlib.compress(unit * ((15 << 20) // len(unit)), 9)
    return _raw_pdf([page] * 10)


def _encrypted(algorithm: str) -> bytes:
    import io

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(612, 792)
    w.encrypt("secret", algorithm=algorithm)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_hostile_and_encrypted_pdfs_fail_alone_and_the_run_goes_on(tmp_path):
    import resource
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bomb.pdf").write_bytes(_text_bomb())
    (folder / "rc4.pdf").write_bytes(_encrypted("RC4-128"))
    (folder / "aes.pdf").write_bytes(_encrypted("AES-256"))
    (folder / "z-good.pdf").touch()
    sample_pdf(folder / "z-good.pdf")
    before = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    report = ingest([str(folder)], db=tmp_path / "db")
    took = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_SELF)
    reasons = dict(report.failed)
    assert len(report.added) == 2, reasons  # both good files, whatever order they came in
    assert "inflates past" in reasons[str(folder / "bomb.pdf")]
    assert "encrypted PDF: remove the password first" in reasons[str(folder / "rc4.pdf")]
    assert "encrypted PDF: remove the password first" in reasons[str(folder / "aes.pdf")]
    # The hostile file was read in a bounded child: this process did not grow by its 150 MB.
    assert (after.ru_maxrss - before.ru_maxrss) < 150_000, after.ru_maxrss - before.ru_maxrss
    assert took < 60


def test_rag_ingest_names_a_bad_pdf_and_exits_1(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "locked.pdf").write_bytes(_encrypted("AES-256"))
    out = subprocess.run([sys.executable, "-m", "ingest", str(folder), "--db", str(tmp_path / "db")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "1 added" in out.stdout + out.stderr and "locked.pdf" in out.stdout + out.stderr
    assert "encrypted PDF" in out.stdout + out.stderr
