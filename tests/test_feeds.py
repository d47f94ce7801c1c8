"""Feeds and sitemaps against a real local HTTP server: RSS 2.0, Atom, a sitemap index with
a news sitemap; a malformed entry, a 404 entry and a duplicate entry; two --every rounds."""
from __future__ import annotations

import http.server
import json
import threading

import pytest
from click.testing import CliRunner

from ingest.cli import ingest_command
from ingest.feeds import Entry, Listing
from ingest.follow import add_listing, parse_every
from ingest.pipeline import Ingestor
from rag.api import ArticleQA

PAGES = {  # path → (body text); no <title>, no date: those come from the feed
    "/a1": "Dock workers in Rotterdam ended a five-day strike on Tuesday after a pay deal was agreed with the employers.",
    "/a2": "The Rhone glacier lost forty metres of length last summer, the Swiss glacier survey found in its report.",
    "/a3": "A giant panda cub was born at Riverside Zoo on Monday, the first in the zoo's history, keepers said.",
    "/a4": "Sydney eased its water restrictions on Tuesday after heavy rain lifted the dam levels to 57 percent.",
    "/a5": "The Northern rail line reopened on Tuesday, six weeks after a landslide near Hexham closed it.",
}
PAGES["/a1-copy"] = PAGES["/a1"]  # the same story under a second URL


def _page(text: str) -> bytes:
    return f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>".encode()


def _rss(base: str, extra: bool) -> bytes:
    items = [("Rotterdam strike ends", "/a1", "Tue, 19 Apr 2005 10:00:00 GMT"),
             ("Glacier retreats", "/a2", "Wed, 20 Apr 2005 09:30:00 GMT"),
             ("Strike ends (copy)", "/a1-copy", "Tue, 19 Apr 2005 11:00:00 GMT"),
             ("Gone", "/missing", "Thu, 21 Apr 2005 08:00:00 GMT")]
    if extra:
        items.append(("Panda cub born", "/a3", "Mon, 20 Aug 2007 08:00:00 GMT"))
    xml = "".join(f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{d}</pubDate></item>" for t, p, d in items)
    xml += "<item><title>No link here</title><description>malformed: no link</description></item>"
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test news</title><link>{base}/</link>'
            f"<description>t</description>{xml}</channel></rss>").encode()


def _atom(base: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title>'
            f'<id>urn:t</id><updated>2007-07-03T10:00:00Z</updated>'
            f'<entry><title>Sydney eases water restrictions</title><link href="{base}/a4"/><id>urn:a4</id>'
            f"<published>2007-07-03T09:00:00Z</published><updated>2007-07-03T10:00:00Z</updated></entry>"
            f'<entry><title>Glacier retreats</title><link href="{base}/a2"/><id>urn:a2</id>'
            f"<updated>2005-04-20T09:30:00Z</updated></entry></feed>").encode()


def _sitemaps(base: str) -> dict[str, bytes]:
    index = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{base}/news-sitemap.xml</loc></sitemap></sitemapindex>")
    news = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"<url><loc>{base}/a5</loc><news:news><news:publication_date>2006-04-18T07:00:00Z</news:publication_date>"
            f"<news:title>Northern rail line reopens</news:title></news:news></url>"
            f"<url><loc>{base}/a3</loc><lastmod>2007-08-21</lastmod></url>"
            f"<url><lastmod>2007-08-22</lastmod></url>"  # malformed: no <loc>
            f"<url><loc>{base}/missing</loc></url></urlset>")
    return {"/sitemap-index.xml": index.encode(), "/news-sitemap.xml": news.encode()}


class _Site:
    def __init__(self):
        self.rss_requests = 0
        self.pages: list[str] = []  # every page request
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                base = f"http://127.0.0.1:{self.server.server_port}"
                body, kind = site.body(self.path, base)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", kind)
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def body(self, path: str, base: str):
        if path == "/rss.xml":
            self.rss_requests += 1
            return _rss(base, extra=self.rss_requests > 1), "application/rss+xml"  # round 2 has one more
        if path == "/atom.xml":
            return _atom(base), "application/atom+xml"
        if path in _sitemaps(base):
            return _sitemaps(base)[path], "application/xml"
        if path in PAGES:
            self.pages.append(path)
            return _page(PAGES[path]), "text/html; charset=utf-8"
        return None, "text/plain"


@pytest.fixture
def site():
    s = _Site()
    yield s
    s.server.shutdown()


@pytest.fixture
def fake_env(monkeypatch):
    monkeypatch.setenv("RAG_EMBEDDING__BACKEND", "fake")


def _titles_dates(db) -> dict[str, str | None]:
    return {a.title: a.published for a in ArticleQA(db=db).articles()}


def test_rss_feed_counts_dates_titles_and_failures(site, tmp_path, fake_env):
    db = str(tmp_path / "db")
    r = CliRunner().invoke(ingest_command, ["--feed", f"{site.base}/rss.xml", "--db", db, "--json"])
    assert r.exit_code == 1  # some entries failed: said, and the rest stored
    report = json.loads(r.stdout)
    assert len(report["added"]) == 2 and report["updated"] == [] and report["unchanged"] == []
    assert [d["source"] for d in report["duplicates"]] == [f"{site.base}/a1-copy"]
    reasons = {f["source"]: f["reason"] for f in report["failed"]}
    assert reasons == {f"{site.base}/missing": "HTTP 404 Not Found", "No link here": "feed entry without a link"}
    assert _titles_dates(db) == {"Rotterdam strike ends": "2005-04-19", "Glacier retreats": "2005-04-20"}


def test_atom_and_sitemap_index_skip_what_is_stored(site, tmp_path, fake_env):
    db = str(tmp_path / "db")
    run = CliRunner().invoke
    r = run(ingest_command, ["--feed", f"{site.base}/atom.xml", "--db", db, "--json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)["added"]) == 2
    r = run(ingest_command, ["--sitemap", f"{site.base}/sitemap-index.xml", "--feed", f"{site.base}/atom.xml",
                             "--db", db, "--json"])
    report = json.loads(r.stdout)
    assert len(report["added"]) == 2 and len(report["unchanged"]) == 2  # the Atom entries: skipped by URL
    reasons = sorted(f["reason"] for f in report["failed"])
    assert reasons == ["HTTP 404 Not Found", "sitemap entry without a <loc> URL"]
    assert _titles_dates(db) == {"Sydney eases water restrictions": "2007-07-03", "Glacier retreats": "2005-04-20",
                                 "Northern rail line reopens": "2006-04-18", "A3": "2007-08-21"}


def test_every_two_rounds_add_only_the_new_entry(site, tmp_path, fake_env):
    db = str(tmp_path / "db")
    r = CliRunner().invoke(ingest_command, ["--feed", f"{site.base}/rss.xml", "--db", db, "--every", "1s", "--rounds", "2"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("round 1 at ") and lines[1].startswith("round 2 at ")
    assert lines[0].endswith("2 added, 0 updated, 0 unchanged, 0 removed, 2 failed, 1 duplicate")
    assert lines[1].endswith("1 added, 0 updated, 2 unchanged, 0 removed, 2 failed, 1 duplicate")
    assert sorted(_titles_dates(db)) == ["Glacier retreats", "Panda cub born", "Rotterdam strike ends"]


def test_usage_errors_name_the_fix(tmp_path, fake_env):
    run = CliRunner().invoke
    r = run(ingest_command, ["--db", str(tmp_path / "db")])
    assert r.exit_code == 2 and "nothing to ingest: give files, folders or URLs, or --feed URL" in r.output
    r = run(ingest_command, [str(tmp_path), "--every", "30m"])
    assert r.exit_code == 2 and "--every follows feeds and sitemaps: add --feed URL" in r.output
    r = run(ingest_command, ["--feed", "http://127.0.0.1:9/rss", "--every", "soon"])
    assert r.exit_code == 2 and "cannot read the interval 'soon'; write it like 30m" in r.output
    assert parse_every("1h30m") == 5400 and parse_every("90s") == 90
    r = run(ingest_command, ["--feed", "file:///etc/passwd", "--db", str(tmp_path / "db")])
    assert r.exit_code == 1 and "only http:// and https:// URLs" in r.output
    assert not (tmp_path / "db" / "x").exists()


def test_a_public_feed_cannot_point_at_private_addresses(site, fake_settings):
    run = Ingestor(fake_settings)
    add_listing(run, Listing([Entry(f"{site.base}/a1", "Strike")], [], private_ok=False))
    add_listing(run, Listing([Entry("file:///etc/passwd", "Secrets")], [], private_ok=True))
    report = run.finish()
    assert report.added == []
    assert "local or private address" in report.failed[0][1]
    assert "only http:// and https://" in report.failed[1][1]


def test_ctrl_c_between_rounds_stops_cleanly(site, fake_settings):
    from ingest.follow import follow

    said = []

    def interrupted(_seconds):
        raise KeyboardInterrupt

    assert follow(fake_settings, [], [f"{site.base}/atom.xml"], [], 1800, None, said.append, sleep=interrupted) == 1
    assert said[0].endswith("2 added, 0 updated, 0 unchanged, 0 removed, 0 failed") and said[1] == "stopped after 1 round(s)"
    assert len(ArticleQA(settings=fake_settings).articles()) == 2  # the round's work is stored


def test_entries_of_one_host_are_fetched_with_a_pause_between(site, tmp_path, fake_env, monkeypatch):
    """RAG_FETCH__HOST_DELAY: news sites throttle clients that fetch page after page at once.
    The times compared are when each fetch was let go (the server's arrival times add network
    jitter); every page the site served was asked for after such a pause."""
    from urllib.parse import urlsplit

    from ingest.follow import Polite

    starts, wait = [], Polite.wait

    def timed(self, url):
        wait(self, url)
        starts.append(self.last[urlsplit(url).hostname])

    monkeypatch.setattr(Polite, "wait", timed)
    monkeypatch.setenv("RAG_FETCH__HOST_DELAY", "0.4")
    r = CliRunner().invoke(ingest_command, ["--feed", f"{site.base}/rss.xml", "--db", str(tmp_path / "db"), "--json"])
    assert r.exit_code == 1 and len(json.loads(r.stdout)["added"]) == 2, r.output
    assert len(starts) >= 3 and len(site.pages) <= len(starts)
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.4


def test_the_pause_is_per_host():
    from ingest.follow import Polite

    now, slept = [100.0], []
    polite = Polite(1.0, clock=lambda: now[0], sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s)))
    polite.wait("https://news.example/a")
    polite.wait("https://other.example/b")  # another host: no wait
    now[0] += 0.25
    polite.wait("https://NEWS.example/c")  # 0.25 s after its last fetch: waits the rest
    assert slept == [0.75]


def test_only_a_feed_wholly_on_the_intranet_may_point_at_private_addresses(monkeypatch):
    """The exact rule: every address of every hop private. A resolver hook gives mixed answers
    (one public, one private address) and a public feed URL that redirects to an intranet one."""
    import socket

    from ingest.feeds import intranet

    answers = {"intra.example": ["10.0.0.5"], "mixed.example": ["93.184.216.34", "10.0.0.5"],
               "public.example": ["93.184.216.34"]}

    def resolve(host, port, *a, **k):
        if host not in answers:
            raise socket.gaierror("no such host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (addr, port)) for addr in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    assert intranet(["http://intra.example/feed.xml"])
    assert not intranet(["http://mixed.example/feed.xml"])  # one public address: public
    assert not intranet(["http://public.example/feed.xml", "http://intra.example/feed.xml"])  # redirected in
    assert not intranet(["http://nowhere.example/feed.xml"]) and not intranet([])


def test_a_feed_redirected_from_a_public_url_keeps_the_public_rule(site, fake_settings, monkeypatch):
    """read_feed judges the listing by every hop it took, not by where it landed."""
    import ingest.feeds as feeds
    from ingest.fetch import Fetched

    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>a</title>'
            f'<link>{site.base}/a1</link></item></channel></rss>').encode()
    monkeypatch.setattr(feeds, "_get", lambda url, settings, allow_private: Fetched(
        f"{site.base}/rss.xml", body, "application/rss+xml", "utf-8", ("http://93.184.216.34/feed", f"{site.base}/rss.xml")))
    assert feeds.read_feed("http://93.184.216.34/feed", fake_settings).private_ok is False
    monkeypatch.setattr(feeds, "_get", lambda url, settings, allow_private: Fetched(
        f"{site.base}/rss.xml", body, "application/rss+xml", "utf-8", (f"{site.base}/rss.xml",)))
    assert feeds.read_feed(f"{site.base}/rss.xml", fake_settings).private_ok is True
