"""The web app's news controls in a real browser: the collection picker and the date range."""
from __future__ import annotations

import pytest

from tests.test_ui import _ask, _ask_refused, _launch, page  # noqa: F401 - the browser fixture

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def two_library_url(tmp_path_factory):
    import ui
    from ingest import ingest
    from rag import ArticleQA
    from rag.settings import Settings

    tmp = tmp_path_factory.mktemp("libs")
    settings = Settings(db=tmp / "db")
    ui.ensure_articles(settings)  # "news": the bundled sample (2007-05-29)
    race = tmp / "race.md"
    race.write_text("# Kenyan wins Lakeside marathon\n\nApril 11, 2005\n\nKenyan runner Paul Kirui won the Lakeside "
                    "marathon on Sunday in 2 hours 9 minutes. About 9,000 runners started the race.\n")
    ingest([str(race)], settings=settings.override(collection="sport"))
    app = ui.build_app(ArticleQA(settings=settings))
    yield _launch(app)
    app.close()


def test_browser_collection_picker_and_date_range(two_library_url, page):  # noqa: F811
    page.goto(two_library_url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    _ask(page, "What did Iran offer?")
    assert "2007-05-29" in page.locator("#sources").inner_text()  # every source shows its date
    page.locator("#collection input").click()
    page.get_by_role("option", name="sport").click()
    page.wait_for_function("document.body.innerText.includes('1 article(s)') && "
                           "!document.querySelector('#chat').innerText.includes('Iran')", timeout=30_000)
    _ask(page, "Who won the Lakeside marathon?")
    assert any("Paul Kirui" in m for m in page.locator("#sources mark").all_inner_texts())
    page.locator("#since input").fill("2010-01-01")
    _ask_refused(page, "How many runners started the race?")
    assert "no article is dated since 2010-01-01" in page.locator("#chat").inner_text()
    page.locator("#since input").fill("not a date")
    page.locator("#question textarea").fill("Who won?")
    page.locator("#question textarea").press("Enter")
    page.wait_for_function("document.querySelector('#chat').innerText.includes(\"cannot read the since date\")",
                           timeout=30_000)
