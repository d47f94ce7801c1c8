"""The Gradio app for real: gradio_client against a launched app, and headless Chromium."""
from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow]
FIRST_WORDS = "offered to"  # the streamed answer to "What did Iran offer?" has begun
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _launch(app) -> str:
    import ui

    port = _free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=ui.CSS)
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    import ui
    from rag import ArticleQA
    from rag.settings import Settings

    settings = Settings(db=tmp_path_factory.mktemp("ui") / "db")
    ui.ensure_articles(settings)  # empty store: the bundled sample is ingested
    evil = tmp_path_factory.mktemp("evil") / "evil-article.txt"
    evil.write_text("The harbor of Sidon reopened on Monday. Officials wrote <script>window.__xss=1</script> "
                    "and <img src=x onerror=\"window.__xss=2\"> on the harbor notice board.\n", encoding="utf-8")
    from ingest import ingest

    ingest([str(evil)], settings=settings)
    app = ui.build_app(ArticleQA(settings=settings))
    yield _launch(app)
    app.close()


@pytest.fixture(scope="module")
def dead_llm_app_url(sample_db):
    """The app configured with an OpenAI-compatible endpoint nobody listens on."""
    import ui
    from rag import ArticleQA
    from rag.settings import Settings

    settings = Settings(db=sample_db, llm="openai:gpt-4o-mini", llm_api_key="sk-test",
                        llm_base_url=f"http://127.0.0.1:{_free_port()}/v1", llm_timeout=3)
    app = ui.build_app(ArticleQA(settings=settings))
    yield _launch(app)
    app.close()


def test_gradio_client_asks_and_ingests(app_url, tmp_path):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    ans = client.predict("What did Iran offer?", api_name="/ask")
    assert not ans["refused"] and ans["citations"]
    assert any("train and equip" in c["quote"] for c in ans["citations"])
    report = client.predict("# Port strike ends\n\nDock workers in Rotterdam ended a five-day strike on Tuesday.",
                            api_name="/ingest_text")
    assert "1 added" in report
    ans = client.predict("How long was the strike in Rotterdam?", api_name="/ask")
    assert "five-day strike" in ans["answer"]


def test_gradio_client_follows_up_and_gets_one_line_errors(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    first = client.predict("What did Iran offer?", api_name="/ask")
    history = [{"role": "user", "content": "What did Iran offer?"}, {"role": "assistant", "content": first["answer"]}]
    again = client.predict("Who made that offer?", history, api_name="/ask")
    assert "Kazemi" in again["answer"]
    with pytest.raises(Exception, match="the question is empty"):
        client.predict("", api_name="/ask")


def test_each_answer_keeps_its_own_sources(app_url, page):
    """After a follow-up, the first answer's [1] still leads to the first answer's source 1."""
    page.goto(app_url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    _ask(page, "What did Iran offer?")
    box = page.locator("#question textarea")
    box.fill("How long did the meeting last?")
    box.press("Enter")
    page.wait_for_selector("#sources #source-2-1", timeout=60_000)
    first = page.locator("#sources #source-1-1 mark").inner_text()
    second = page.locator("#sources #source-2-1 mark").inner_text()
    assert "offered" in first and "four-hour" in second
    assert page.locator("#chat a[href='#source-1-1']").count() >= 1
    assert page.locator("#chat a[href='#source-2-1']").count() >= 1


def test_clicking_an_example_asks_it(app_url, page):
    page.goto(app_url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.get_by_text("What did Iran offer?", exact=True).first.click()
    page.wait_for_function("document.querySelector('#chat').innerText.includes('train and equip')", timeout=60_000)
    page.wait_for_selector("#sources mark", timeout=60_000)


def test_gradio_client_ingests_a_file(app_url, tmp_path):
    from gradio_client import Client, handle_file

    story = tmp_path / "glacier.html"
    story.write_text("<html><head><title>Glacier retreats</title></head><body><article><h1>Glacier retreats</h1>"
                     "<p>The Rhone glacier lost forty metres of length last summer, the survey found.</p>"
                     "</article></body></html>", encoding="utf-8")
    client = Client(app_url, verbose=False)
    assert "1 added" in client.predict(handle_file(str(story)), api_name="/ingest_file")
    assert "1 unchanged" in client.predict(handle_file(str(story)), api_name="/ingest_file")
    ans = client.predict("How much length did the Rhone glacier lose?", api_name="/ask")
    assert "forty metres" in ans["answer"] and ans["citations"][0]["title"] == "Glacier retreats"


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "browser tests need Debian's chromium (apt-get install -y chromium)"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield pg
        browser.close()


def _ask(page, question: str):
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_selector("#sources mark", timeout=60_000)


def test_browser_chat_shows_highlighted_sources(app_url, page):
    import time

    page.goto(app_url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    t0 = time.time()
    box = page.locator("#question textarea")
    box.fill("What did Iran offer?")
    box.press("Enter")
    page.wait_for_function(f"document.querySelector('#chat').innerText.includes('{FIRST_WORDS}')", timeout=60_000)
    first = time.time() - t0
    page.wait_for_selector("#sources mark", timeout=60_000)
    elapsed = time.time() - t0
    marks = page.locator("#sources mark").all_inner_texts()
    assert any("train and equip" in m for m in marks)
    assert "[1]" in page.locator("#chat").inner_text()
    page.locator("#chat a[href='#source-1-1']").first.click()
    page.screenshot(path=str(ARTIFACTS / "answered-sample-question.png"), full_page=True)
    (ARTIFACTS / "ui-timing.txt").write_text(f"enter-to-first-text {first:.2f}s\nenter-to-sources {elapsed:.2f}s\n")


def test_browser_summarize_button_adds_a_cited_summary(app_url, page):
    page.goto(app_url)
    page.wait_for_selector("#summarize", timeout=60_000)
    page.locator("#summarize").click()
    page.wait_for_function("document.querySelector('#chat').innerText.includes('27-year diplomatic freeze')",
                           timeout=60_000)
    page.wait_for_selector("#sources mark", timeout=60_000)
    chat = page.locator("#chat").inner_text()
    assert "Summarize" in chat and "[1]" in chat and "Washington Times" not in chat
    assert any("diplomatic freeze" in m for m in page.locator("#sources mark").all_inner_texts())


def test_browser_scope_limits_the_chat_to_chosen_articles(app_url, page):
    page.goto(app_url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.locator("#scope label", has_text=re.compile("evil article", re.I)).click()
    _ask_refused(page, "What did Iran offer?")  # answered from the sample, which is now out of scope
    assert "don't say" in page.locator("#chat").inner_text()
    page.locator("#scope label", has_text=re.compile("evil article", re.I)).click()
    _ask(page, "What did Iran offer?")
    assert any("train and equip" in m for m in page.locator("#sources mark").all_inner_texts())


def _ask_refused(page, question: str):
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_selector("#sources .refused", timeout=60_000)



def test_browser_escapes_article_markup_and_uploads(app_url, page, tmp_path):
    page.goto(app_url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    _ask(page, "What did officials write on the harbor notice board in Sidon?")
    assert "<script>window.__xss=1</script>" in page.locator("#sources").inner_text()
    assert page.evaluate("window.__xss") is None
    html_file = tmp_path / "scripted.html"
    html_file.write_text("<html><head><title>Bridge opens</title><script>window.__xss=3</script></head><body>"
                         "<article><h1>Bridge opens</h1><p>A new bridge over the Litani river opened on Sunday "
                         "after six years of work, the ministry said.</p><script>window.__xss=4</script>"
                         "</article></body></html>")
    page.get_by_role("tab", name="Library").click()
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Click to Upload").click()
    chooser.value.set_files(str(html_file))
    try:  # the upload reaches the app's server first: as long as the other waits here on a busy CI box
        page.wait_for_selector("text=scripted.html", timeout=60_000)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "library-upload-pending.png"), full_page=True)
        raise
    page.get_by_role("button", name="Add articles").click()
    try:
        page.wait_for_function("document.querySelector('#ingest-result').innerText.includes('added')", timeout=60_000)
    finally:
        page.screenshot(path=str(ARTIFACTS / "library-after-upload.png"), full_page=True)
    assert "1 added" in page.locator("#ingest-result").inner_text()
    page.screenshot(path=str(ARTIFACTS / "library-after-upload.png"), full_page=True)
    assert page.evaluate("window.__xss") is None


def test_browser_unreachable_llm_falls_back_offline_and_says_so(dead_llm_app_url, page):
    page.goto(dead_llm_app_url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    assert "LLM: openai" in page.inner_text("body")  # the status names the configured answerer
    _ask(page, "What did Iran offer?")
    assert any("train and equip" in m for m in page.locator("#sources mark").all_inner_texts())
    page.wait_for_selector("text=answering offline instead", timeout=10_000)  # the toast
    assert "unreachable: answered offline" in page.locator("#chat").inner_text()  # and the answer
    page.screenshot(path=str(ARTIFACTS / "llm-unreachable-fallback.png"), full_page=True)


def test_the_status_line_counts_articles_before_the_page_loads(sample_db, tmp_path):
    import shutil

    import ui
    from rag import ArticleQA

    shutil.copytree(sample_db, tmp_path / "db")
    assert ui._Chat(ArticleQA(db=tmp_path / "db")).status().startswith("**1 article(s)**")
