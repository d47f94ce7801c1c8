"""The app attacked the way SECURITY.md says it is defended: a real app process on loopback,
local HTTP servers standing in for internal pages and for slow or hostile news sites.

Each test reproduces one row of the security review (issue 13) and shows it is closed:
 1 server paths through /ingest_url      6 article HTML rendered while streaming
 2 SSRF, directly and via a redirect     7 pasted articles lost by a later --prune
 3 a slow-drip server holding a fetch    8 a remote error reason rendered as Markdown
 4 no login, server paths shown          9 an article deleted while answering
 5 huge uploads                         10 a literal "[1]" in an article faking a citation

The tests named ``test_rowN_…`` replay the numbered rows of the bounded-input attack run
(issue 31) against a real `rag serve` process, each checking its peak memory afterwards:
 1 a brotli bomb past the page cap        5 size limits on every path; the write lock
 2 a hostile or encrypted PDF                and a client that has gone
 3 PDF amplification                      6 URL fetches on request threads
 4 a public feed leading to the intranet  7 500s where 400s are documented
                                          8 Host names, private addresses named
"""
from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SAMPLE
from tests.server import free_port

pytestmark = [pytest.mark.slow]
PUBLIC = "127.0.0.3"  # tests/app_process.py treats this loopback address as "the internet"
SECRET = "The vault password is swordfish-42."


# -- local servers ------------------------------------------------------------------------
class _Site(http.server.BaseHTTPRequestHandler):
    """One handler for both servers; the paths say what each page does."""

    internal_url = ""
    pixel_hits = 0
    files: dict[str, tuple[bytes, str, str]] = {}  # path: (body, content type, content encoding)

    def do_GET(self):  # noqa: N802
        path = self.path.split("?")[0]
        if path == "/secret.html":
            self._send(200, f"<html><head><title>Internal wiki</title></head><body><article><p>{SECRET}</p>"
                            f"<p>Only staff may read this page.</p></article></body></html>")
        elif path == "/article.html":
            self._send(200, "<html><head><title>Ferry resumes</title></head><body><article><h1>Ferry resumes</h1>"
                            "<p>The ferry between Tyre and Sidon resumed service on Friday after a storm.</p>"
                            "</article></body></html>")
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", _Site.internal_url + "/secret.html")
            self.end_headers()
        elif path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif path == "/drip":
            self._drip()
        elif path == "/reason":
            self.send_response(404, "Not Found [claim your prize](http://evil.example/win)")
            self.end_headers()
        elif path in _Site.files:  # hostile bodies for the bounded-input rows (issue 31)
            body, kind, encoding = _Site.files[path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/feed-moved":
            self.send_response(301)
            self.send_header("Location", _Site.internal_url + "/feed.xml")
            self.end_headers()
        elif path == "/feed.xml":
            item = f"<item><title>Staff only</title><link>{_Site.internal_url}/secret.html</link></item>"
            self._send(200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>Intranet</title>{item}'
                            f"</channel></rss>")
        elif path.startswith("/pixel"):
            _Site.pixel_hits += 1
            self._send(200, "")
        else:
            self._send(404, "")

    def _send(self, code: int, body: str) -> None:
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drip(self) -> None:
        """One byte a second, for a minute: every read is quick, the whole fetch is not."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(60):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    def log_message(self, *args):
        pass


def _serve(host: str) -> tuple[str, http.server.ThreadingHTTPServer]:
    srv = http.server.ThreadingHTTPServer((host, 0), _Site)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return f"http://{host}:{srv.server_address[1]}", srv


@pytest.fixture(scope="module")
def sites():
    internal, a = _serve("127.0.0.1")
    public, b = _serve(PUBLIC)
    _Site.internal_url = internal
    yield internal, public
    a.shutdown()
    b.shutdown()


# -- the app process ----------------------------------------------------------------------
class AppProcess:
    """tests/app_process.py on a free port: the web app, or ``command=("serve",)`` `rag serve`
    (``path``: its API root, ``ready``: what answers once it is up)."""

    def __init__(self, db: Path, *flags: str, fetch_timeout: float = 5, command: tuple[str, ...] = (),
                 path: str = "/", ready: str = ""):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{path}"
        env = {**os.environ, "RAG_TEST_PUBLIC_ADDRESSES": PUBLIC, "RAG_FETCH__TIMEOUT": str(fetch_timeout),
               "PYTHONUNBUFFERED": "1"}
        self.log = open(db.parent / f"app-{self.port}.log", "wb")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "app_process.py"), *command, "--db", str(db),
                                      "--port", str(self.port), *flags], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self._wait(self.url + ready)

    def _wait(self, url: str, timeout: float = 240) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with {self.proc.returncode}: {Path(self.log.name).read_text()[-2000:]}")
            try:
                httpx.get(url, timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.5)
        raise RuntimeError(f"the app did not answer on {url} within {timeout}s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory, sites):
    """The app as a user starts it (sample ingested at first start), no flags."""
    proc = AppProcess(tmp_path_factory.mktemp("secapp") / "db")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app.url, verbose=False)


def _plain(markdown: str) -> str:
    """The report's text as rendered (Markdown escapes removed)."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown)


def _refused_or_without(ans: dict, words: str) -> bool:
    return words not in ans["answer"] and all(words not in c["quote"] for c in ans["citations"])


# -- 1: server paths --------------------------------------------------------------------------
def test_ingest_url_refuses_server_paths_and_folders(client, tmp_path):
    secret_dir = tmp_path / "private"
    secret_dir.mkdir()
    (secret_dir / "private-notes.txt").write_text(f"Staff notes. {SECRET}\n", encoding="utf-8")
    for attempt in (str(secret_dir / "private-notes.txt"), str(secret_dir), f"file://{secret_dir}/private-notes.txt"):
        report = client.predict(attempt, api_name="/ingest_url")
        assert "0 added" in report and "1 failed" in report and "only http" in report, report
    assert _refused_or_without(client.predict("What is the vault password?", api_name="/ask"), "swordfish")


# -- 2: SSRF ------------------------------------------------------------------------------------
def test_internal_addresses_are_not_fetched_directly_or_through_redirects(client, sites):
    internal, public = sites
    for url in (f"{internal}/secret.html", f"http://localhost:{internal.rsplit(':', 1)[1]}/secret.html",
                f"{public}/redirect", "http://169.254.169.254/latest/meta-data/", "http://[::1]:9/"):
        report = client.predict(url, api_name="/ingest_url")
        assert "0 added" in report and "local or private address" in report, (url, report)
    report = client.predict(f"{public}/to-file", api_name="/ingest_url")
    assert "0 added" in report and "not http" in report
    assert _refused_or_without(client.predict("What is the vault password?", api_name="/ask"), "swordfish")
    # an ordinary public page still works
    assert "1 added" in client.predict(f"{public}/article.html", api_name="/ingest_url")


# -- 3: slow drip ----------------------------------------------------------------------------------
def test_a_dripping_server_is_cut_at_the_deadline_and_blocks_no_other_fetch(client, sites):
    _, public = sites
    t0 = time.time()
    slow = client.submit(f"{public}/drip", api_name="/ingest_url")
    time.sleep(0.5)
    quick = client.predict("# Bridge reopens\n\nThe Litani bridge reopened to traffic on Sunday.",
                           api_name="/ingest_text")
    assert "1 added" in quick and not slow.done()  # pasted text did not wait for the slow fetch
    other = client.predict(f"{public}/article.html?again", api_name="/ingest_url")
    assert "0 failed" in other
    assert not slow.done()  # nor did another URL
    report = _plain(slow.result(timeout=60))
    elapsed = time.time() - t0
    assert "timed out" in report and "RAG_FETCH__TIMEOUT" in report
    assert elapsed < 15, f"the 5 s fetch deadline held the fetch for {elapsed:.0f} s"


# -- 4: login, read-only, paths shown -----------------------------------------------------------------
def test_login_is_required_when_set_and_read_only_has_no_library_changes(tmp_path_factory, sites):
    from gradio_client import Client

    db = tmp_path_factory.mktemp("authapp") / "db"
    proc = AppProcess(db, "--auth", "ana:s3cret-pass", "--read-only")
    try:
        assert httpx.post(f"{proc.url}gradio_api/call/ask", json={"data": ["What did Iran offer?"]}).status_code in (401, 403)
        with pytest.raises(Exception):
            Client(proc.url, verbose=False)  # no login: no API at all
        with pytest.raises(Exception):
            Client(proc.url, auth=("ana", "wrong"), verbose=False)
        c = Client(proc.url, auth=("ana", "s3cret-pass"), verbose=False)
        assert "train and equip" in c.predict("What did Iran offer?", api_name="/ask")["answer"]
        for name in ("/ingest_url", "/ingest_text", "/ingest_file"):
            with pytest.raises(Exception):
                c.predict("http://example.com/", api_name=name)
    finally:
        proc.stop()


def test_binding_beyond_loopback_without_login_refuses_to_start():
    from click.testing import CliRunner

    import ui

    result = CliRunner().invoke(ui.main, ["--host", "0.0.0.0", "--port", "9"])
    assert result.exit_code == 2 and "--auth" in result.output and "--insecure-no-auth" in result.output
    result = CliRunner().invoke(ui.main, ["--auth", "nocolon"])
    assert result.exit_code == 2 and "USER:PASSWORD" in result.output


def test_library_shows_sources_as_given_not_server_paths(fake_settings, tmp_path):
    import ui
    from ingest import ingest
    from rag import ArticleQA

    ingest([str(SAMPLE)], settings=fake_settings)
    lib = ui._Library(ArticleQA(settings=fake_settings))
    lib.text_api("# Pasted story\n\nA pasted sentence about the harbor.")
    rows = lib.refresh()[0]
    shown = {r[1] for r in rows}
    assert shown == {SAMPLE.name, "pasted text"}
    assert not any(str(tmp_path) in s or str(ROOT) in s for s in shown)


# -- 5: uploads ---------------------------------------------------------------------------------------
def test_an_upload_over_the_limit_is_refused(app):
    big = b"x" * int(21e6)
    r = httpx.post(f"{app.url}gradio_api/upload", files={"files": ("big.txt", big, "text/plain")}, timeout=60)
    assert r.status_code == 413 or (r.status_code >= 400 and "size" in r.text.lower()), (r.status_code, r.text[:200])


# -- 6: streamed rendering --------------------------------------------------------------------------------
def test_streamed_answers_never_render_article_html(app, client, sites, tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.test_ui import CHROMIUM, FLAGS

    _, public = sites
    overlay = (f'<div style="position:fixed;top:0;left:0">FAKE LOGIN</div><form action="{public}/steal">'
               f'<input name="pw"></form>' + "".join(f'<img src="{public}/pixel{i}.png">' for i in range(12)))
    text = (f"# Lighthouse notice\n\nThe Beirut lighthouse keeper posted a notice that read {overlay} "
            f"for all the sailors of the port to see, and the notice stayed up for a week.")
    assert "1 added" in client.predict(text, api_name="/ingest_text")
    hits_before = _Site.pixel_hits
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(app.url)
        page.wait_for_selector("#question textarea", timeout=60_000)
        seen = []
        page.expose_function("seen", lambda n: seen.append(n))
        page.evaluate("""() => new MutationObserver(() => {
              const chat = document.querySelector('#chat');
              window.seen(chat.querySelectorAll('img, form, input, div[style*="fixed"]').length);
            }).observe(document.querySelector('#chat'), {childList: true, subtree: true, characterData: true})""")
        box = page.locator("#question textarea")
        box.fill("What did the Beirut lighthouse keeper's notice read?")
        box.press("Enter")
        page.wait_for_selector("#sources mark", timeout=60_000)
        assert "FAKE LOGIN" in page.locator("#chat").inner_text()  # shown as text…
        browser.close()
    assert seen and max(seen) == 0  # …never as elements, not even while streaming
    assert _Site.pixel_hits == hits_before


# -- 7: pasted articles and --prune --------------------------------------------------------------------------
def test_pasted_articles_live_in_the_store_and_survive_prune(fake_settings, tmp_path):
    import tempfile

    import ui
    from ingest import ingest
    from rag import ArticleQA

    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha story. The alpha council met on Monday.\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("Beta story. The beta council met on Tuesday.\n", encoding="utf-8")
    ingest([str(folder), str(elsewhere)], settings=fake_settings)
    qa = ArticleQA(settings=fake_settings)
    lib = ui._Library(qa)
    before = set(os.listdir(tempfile.gettempdir()))
    assert "1 added" in lib.text_api("# Gamma story\n\nThe gamma council met on Wednesday.")
    assert set(os.listdir(tempfile.gettempdir())) == before  # nothing written to disk for it
    pasted = [a for a in qa.articles() if a.title == "Gamma story"]
    assert pasted and pasted[0].source.startswith("pasted:")
    (folder / "a.txt").unlink()
    elsewhere.unlink()
    report = ingest([str(folder)], prune=True, settings=fake_settings)
    assert len(report.removed) == 1  # a.txt: inside the folder given and gone
    titles = {a.title for a in qa.articles()}
    assert "Gamma story" in titles  # pasted: never pruned
    assert any("beta council" in a.text for a in qa.articles())  # a file outside this run's folders: kept
    lib.delete(f"Gamma story ⟨{pasted[0].id}⟩")
    assert "Gamma story" not in {a.title for a in qa.articles()}


# -- 8: remote error text --------------------------------------------------------------------------------------
def test_a_remote_error_reason_is_shown_as_text(client, sites):
    _, public = sites
    report = client.predict(f"{public}/reason", api_name="/ingest_url")
    assert "HTTP 404" in report and "claim your prize" in report
    assert "[claim your prize](" not in report  # escaped: no clickable link…
    assert "[claim your prize](http://evil.example/win)" in _plain(report)  # …but the words are all there


# -- 9: delete while answering -------------------------------------------------------------------------------------
def test_an_article_deleted_while_answering_never_shows_an_error(sample_db, tmp_path):
    import shutil

    import ui
    from rag import ArticleQA

    db = tmp_path / "db"
    shutil.copytree(sample_db, db)
    qa = ArticleQA(db=db)
    victim = qa.articles()[0].id
    chat = ui._Chat(qa)
    outputs = []
    for i, out in enumerate(chat.respond("What did Iran offer?", [], [])):
        if i == 0:
            qa.delete(victim)  # deleted after retrieval, before the sources are drawn
        outputs.append(out)
    history, sources, _ = outputs[-1]
    assert "error" not in history[-1]["content"]
    assert "train and equip" in sources  # the quote is shown even though its article is gone
    followup = list(chat.respond("What did Iran offer?", [], []))[-1][0][-1]["content"]
    assert "error" not in followup and "don't say" in followup


# -- 10: fake citations ------------------------------------------------------------------------------------------------
def test_a_literal_citation_marker_in_an_article_is_not_a_link(fake_settings):
    import ui
    from ingest.web import ingest_docs, pasted_doc
    from rag import ArticleQA

    ingest_docs([pasted_doc("The harbor report [1] said the new crane cost forty million euros [2].",
                            "Harbor report")], fake_settings)
    ans = ArticleQA(settings=fake_settings).ask("How much did the new crane cost?")
    assert not ans.refused and "[1] said" in ans.text
    md = ui.answer_markdown(ans)
    assert md.count("](#source-") == len(ans.citations) == 1
    assert "\\[1\\] said" in md and "\\[2\\]" in md  # the article's own markers: literal text


def test_the_library_says_it_is_still_fetching_then_why_it_gave_up(app, sites):
    from playwright.sync_api import sync_playwright

    from tests.test_ui import CHROMIUM, FLAGS

    _, public = sites
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(app.url)
        page.get_by_role("tab", name="Library").click()
        page.get_by_label("Article URL (http/https)").fill(f"{public}/drip")
        page.get_by_role("button", name="Add articles").click()
        page.wait_for_function("document.querySelector('#ingest-result').innerText.includes('Still fetching')",
                               timeout=30_000)
        page.wait_for_function("document.querySelector('#ingest-result').innerText.includes('timed out')",
                               timeout=30_000)
        assert "RAG_FETCH__TIMEOUT" in page.locator("#ingest-result").inner_text()
        browser.close()


def test_a_first_start_is_quiet_and_says_it_added_the_sample(tmp_path):
    """A new user's first `python ui.py`: an empty store and no model export yet."""
    cache = tmp_path / "onnx-cache"
    db = tmp_path / "db"
    env = {**os.environ, "RAG_EMBEDDING__CACHE_DIR": str(cache)}
    port = free_port()
    proc = subprocess.Popen([sys.executable, "ui.py", "--db", str(db), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 240
        while time.time() < deadline and proc.poll() is None:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0].decode()
    assert "added the bundled sample article (1 added" in out and str(db) in out
    for noise in ("Loading weights", "Warning", "warn(", "it/s]"):
        assert noise not in out, out



def test_the_login_can_come_from_rag_ui_auth(monkeypatch):
    import ui
    from rag.settings import Settings

    monkeypatch.setenv("RAG_UI_AUTH", "ana:s3cret-pass")
    settings = ui.app_settings(Settings(), None, None, None, None, None, None)
    assert ui.parse_auth(settings.ui_auth) == [("ana", "s3cret-pass")]
    assert ui.parse_auth(ui.app_settings(Settings(), None, None, None, "bo:pw", None, None).ui_auth) == [("bo", "pw")]


def test_failed_logins_are_slowed_down_per_name_and_a_right_one_resets():
    import ui

    waits, now = [], [0.0]
    check = ui.SlowedLogins([("ana", "s3cret-pass")], sleep=waits.append, clock=lambda: now[0])
    assert [check("ana", "wrong") for _ in range(3)] == [False] * 3 and waits == []  # a few typos are free
    assert not check("ana", "wrong") and not check("ana", "wrong")
    assert waits == [0.5, 1.0]
    for _ in range(20):
        check("ana", "wrong")
    assert waits[-1] == ui.SlowedLogins.MAX_WAIT  # 300 guesses now take ~25 minutes, not 0.3 s
    assert check("ana", "s3cret-pass") and not check("bo", "s3cret-pass")
    waits.clear()
    assert not check("ana", "wrong") and waits == []  # the right password reset the count
    now[0] += 1000
    assert all(not check("ana", "x") for _ in range(3)) and waits == []  # old failures expire


def _raw_request(url: str, head: str) -> str:
    """Send ``head`` (request line and headers, no body) and return the status line."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as s:
        s.sendall(head.encode())
        return s.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_the_app_refuses_huge_bodies_before_reading_them_and_foreign_host_names(app):
    """A 30 MB paste is refused on its declared size (nothing is read or parsed); a login-free
    app on loopback answers only loopback Host names (DNS rebinding)."""
    port = app.port
    status = _raw_request(app.url, f"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                                   "Content-Type: application/json\r\nContent-Length: 30000000\r\n\r\n")
    assert " 413 " in status, status
    assert httpx.get(app.url, headers={"Host": "attacker.example"}, timeout=10).status_code == 400
    assert httpx.get(app.url, timeout=10).status_code == 200


# -- bounded input (issue 31): a real `rag serve` attacked row by row ------------------------
# Each test replays one numbered row of the attack run against one `rag serve` process (and, for
# the feed row, a `rag-ingest --feed` process) and then checks the server's peak memory: every
# row once cost it a gigabyte or more, or held it for a minute. The limit is the server's own
# peak after start-up plus room for one ordinary ingest.
PEAK_ROOM_MB = 500


def _peak_mb(pid: int) -> float:
    """Peak resident memory of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


class ServeProcess(AppProcess):
    """`rag serve` on loopback without a key, over the sample article, with 127.0.0.3 standing
    in for the internet; its peak memory after start-up is the baseline of ``assert_bounded``."""

    def __init__(self, db: Path):
        db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "ingest", str(SAMPLE), "--db", str(db)], cwd=ROOT, check=True,
                       capture_output=True)
        super().__init__(db, fetch_timeout=10, command=("serve",), path="/v1", ready="/models")
        self.ask("What did Iran offer?")  # the models and the index loaded: the baseline peak
        self.limit_mb = _peak_mb(self.proc.pid) + PEAK_ROOM_MB

    def ask(self, question: str) -> str:
        r = httpx.post(f"{self.url}/chat/completions", json={"messages": [{"role": "user", "content": question}]},
                       timeout=60)
        assert r.status_code == 200, r.text
        return r.json()["choices"][0]["message"]["content"]

    def add(self, timeout: float = 60, **body) -> httpx.Response:
        return httpx.post(f"{self.url}/articles", json=body, timeout=timeout)

    def assert_bounded(self) -> None:
        """Still answering, and its peak memory never went past the limit."""
        assert self.proc.poll() is None
        assert "Ryan Crocker" in self.ask("Who is the U.S. ambassador?")
        assert _peak_mb(self.proc.pid) < self.limit_mb, (_peak_mb(self.proc.pid), self.limit_mb)


@pytest.fixture(scope="module")
def serve(tmp_path_factory, sites):
    from tests.test_fetch_bounds import _brotli_bomb
    from tests.test_pdf import _encrypted, _text_bomb

    _Site.files.update({"/news.html": (_brotli_bomb(), "text/html; charset=utf-8", "br"),
                        "/report.pdf": (_text_bomb(), "application/pdf", ""),
                        "/locked.pdf": (_encrypted("AES-256"), "application/pdf", "")})
    proc = ServeProcess(tmp_path_factory.mktemp("bounded") / "db")
    yield proc
    proc.stop()


def _refuses_url(serve, url: str, reason: str, within: float) -> None:
    """The URL is one 400 naming ``reason``, within ``within`` seconds; the server is unharmed."""
    t = time.perf_counter()
    r = serve.add(url=url)
    assert r.status_code == 400 and reason in r.json()["error"]["message"], r.text
    assert time.perf_counter() - t < within
    serve.assert_bounded()


def test_row1_a_brotli_bomb_is_refused_at_the_page_cap(serve, sites):
    _refuses_url(serve, f"{sites[1]}/news.html", "not added", within=30)


def test_row2_an_encrypted_pdf_is_one_clear_failure_and_the_server_goes_on(serve, sites):
    _refuses_url(serve, f"{sites[1]}/locked.pdf", "encrypted PDF: remove the password first", within=60)
    ok = serve.add(url=f"{sites[1]}/article.html")
    assert ok.status_code == 201 and ok.json()["added"], ok.text


def test_row3_a_pdf_that_inflates_to_150_mb_costs_bounded_time_and_memory(serve, sites):
    _refuses_url(serve, f"{sites[1]}/report.pdf", "inflates past", within=60)


def test_row4_a_public_feed_moved_to_the_intranet_brings_in_no_intranet_page(tmp_path, sites):
    """`rag-ingest --feed` at a public URL that redirects to an intranet feed: the feed is still
    public, so its intranet entries are refused one by one."""
    peak = tmp_path / "peak-kb"
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "app_process.py"), "rag-ingest", "--feed",
                           f"{sites[1]}/feed-moved", "--db", str(tmp_path / "db")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "RAG_TEST_PUBLIC_ADDRESSES": PUBLIC, "RAG_TEST_PEAK_FILE": str(peak)})
    assert "0 added" in proc.stdout, proc.stdout + proc.stderr
    assert "local or private address" in proc.stderr and SECRET not in proc.stdout + proc.stderr
    assert time.perf_counter() - t < 120 and int(peak.read_text()) / 1024 < 1500, peak.read_text()


def test_row5_size_limits_on_every_path_and_no_write_lock_for_a_gone_client(serve):
    import json
    import random

    huge = b'{"text": "' + b"word " * 6_000_000 + b'"}'  # 30 MB of paste: over the 20 MB cap
    assert _refused(f"{serve.url}/articles", huge)
    assert _refused(f"{serve.url}/chat/completions",  # 100 MB of chat
                    b'{"messages": [{"role": "user", "content": "' + b"word " * 20_000_000 + b'"}]}')
    del huge
    # A long paste whose client gives up while it is embedded holds up no other writer.
    rng = random.Random(5)
    words = "harbor crane ferry council budget storm tariff vote rail bridge school clinic".split()
    long_text = " ".join(f"Report {i}: the {rng.choice(words)} {rng.choice(words)} plan passed {i % 97} to {i % 89}."
                         for i in range(10_000))
    gave_up = threading.Thread(target=lambda: _ignore(lambda: serve.add(timeout=2, text=long_text, title="Long")))
    gave_up.start()
    time.sleep(1)
    t = time.perf_counter()
    r = serve.add(text="The ferry to Sidon was renamed the Cedar Star on Monday.", title="Ferry renamed")
    assert r.status_code == 201 and r.json()["added"], r.text
    assert time.perf_counter() - t < 5  # the long one takes ~15 s to embed on 2 cores
    gave_up.join()
    # A one-line article of 200,000 characters is cut into bounded sentences; quotes stay short.
    line = " ".join(f"clause{i} of the endless line" for i in range(8000))
    assert serve.add(text=line, title="One line").status_code == 201
    answer = serve.ask("What does clause7000 say about the endless line?")
    assert len(answer) < 3000
    json.dumps(answer)
    serve.assert_bounded()


def _refused(url: str, body: bytes) -> bool:
    """A 413 on the declared size, or the connection closed while the body was still going out
    (the server stopped reading it: what the memory check after it confirms)."""
    try:
        r = httpx.post(url, content=body, headers={"Content-Type": "application/json"}, timeout=60)
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        return True
    return r.status_code == 413


def _ignore(call) -> None:
    try:
        call()
    except httpx.HTTPError:
        pass


def test_row6_slow_urls_hold_no_other_request(serve, sites):
    threads = [threading.Thread(target=lambda: _ignore(lambda: serve.add(timeout=25, url=f"{sites[1]}/drip")))
               for _ in range(8)]
    for th in threads:
        th.start()
    time.sleep(1.5)
    t = time.perf_counter()
    assert httpx.get(f"{serve.url}/models", timeout=10).status_code == 200
    assert time.perf_counter() - t < 2
    for th in threads:
        th.join()
    serve.assert_bounded()


@pytest.mark.parametrize("body", [{"url": "http://[::1"}, {"url": "http://a\x00b/"}, {"url": "http://\u2603.com/"},
                                  {"url": "http://example.com/\r\nX: y"}, {"url": "http://e.com/" + "a" * 70_000}])
def test_row7_bad_input_is_an_openai_400_never_a_500(serve, body):
    r = serve.add(**body)
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error", r.text
    nested = '{"messages": [{"role": "user", "content": ' + "[" * 5000 + '"What did Iran offer?"' + "]" * 5000 + "}]}"
    r = httpx.post(f"{serve.url}/chat/completions", content=nested, headers={"Content-Type": "application/json"},
                   timeout=30)
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error", r.text
    serve.assert_bounded()


def test_row8_foreign_host_names_and_private_addresses_not_named(serve):
    r = httpx.post(f"{serve.url}/articles", json={"text": "A planted article."}, headers={"Host": "attacker.example"},
                   timeout=10)
    assert r.status_code == 400
    r = serve.add(url="http://localhost:9/page")
    assert r.status_code == 400 and "127.0.0.1" not in r.json()["error"]["message"]
    serve.assert_bounded()
