"""Feeds and sitemaps: RSS/Atom (feedparser) and XML sitemaps (incl. Google News sitemaps)
become a list of entries — page URL, title, date — whose pages are then fetched, cleaned and
stored like any URL, with the entry's title and date filling in what a page lacks.

- Every fetch (the feed, a sitemap index's children, each page) goes through
  ``ingest.fetch``: http(s) only, one deadline, a size cap. Links are untrusted: an entry
  that is not http(s) fails; a feed on a public host may not point at local or private
  addresses (unless ``fetch.allow_private_urls``), so a hostile feed cannot make us fetch an
  intranet page. A feed that itself lives on the intranet may list intranet pages.
- Sitemaps are read with lxml (entities and network access off). trafilatura's sitemap helper
  is not used: it fetches by itself, outside these rules, and drops the ``lastmod`` and
  ``news:publication_date`` dates that are the point of a news sitemap.
- An entry already stored (same URL) is skipped without fetching unless the feed says it was
  updated after it was stored; the same text under another URL is caught by the content hash.
"""
from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from ingest.errors import SourceError
from ingest.fetch import addresses_of, fetch, is_public

MAX_ENTRIES = 1000  # per feed or sitemap: a runaway file is cut, not followed forever
MAX_SITEMAPS = 20  # child sitemaps read from one sitemap index


@dataclass(frozen=True)
class Entry:
    url: str
    title: str | None = None
    published: str | None = None  # ISO date of the story
    updated: str | None = None  # ISO datetime the feed says the entry last changed


@dataclass
class Listing:
    entries: list[Entry]
    failed: list[tuple[str, str]]  # (entry or child sitemap, reason)
    private_ok: bool  # may its entries point at private addresses (the listing itself is on one)


def read_feed(url: str, settings) -> Listing:
    """The entries of an RSS 2.0 or Atom feed."""
    import feedparser

    got = _get(url, settings, allow_private=True)
    parsed = feedparser.parse(got.body)
    if parsed.bozo and not parsed.entries:
        raise SourceError(f"not an RSS or Atom feed ({type(parsed.bozo_exception).__name__}); check the URL")
    entries, failed = [], []
    for e in parsed.entries[:MAX_ENTRIES]:
        link = (e.get("link") or "").strip()
        if not link:
            failed.append((e.get("title") or e.get("id") or "(untitled entry)", "feed entry without a link"))
            continue
        stamp = e.get("published_parsed") or e.get("updated_parsed")
        changed = e.get("updated_parsed")
        entries.append(Entry(urljoin(got.url, link), (e.get("title") or "").strip() or None,
                             _day(stamp), _iso(changed)))
    return Listing(entries, failed, intranet(got.hops or (got.url,)))


def read_sitemap(url: str, settings) -> Listing:
    """The pages of a sitemap (``urlset``) or of the sitemaps a sitemap index lists."""
    got = _get(url, settings, allow_private=True)
    private_ok = intranet(got.hops or (got.url,))
    root = _xml(got.body)
    if _tag(root) == "sitemapindex":
        entries, failed = [], []
        for child in [_text(s, "loc") for s in root if _tag(s) == "sitemap"][:MAX_SITEMAPS]:
            try:
                sub = _xml(_get(child, settings, allow_private=private_ok or settings.fetch.allow_private_urls).body)
            except SourceError as e:
                failed.append((child, str(e)))
                continue
            entries += _urlset(sub, failed)
        return Listing(entries[:MAX_ENTRIES], failed, private_ok)
    if _tag(root) != "urlset":
        raise SourceError(f"not a sitemap (root element <{_tag(root)}>); check the URL")
    failed: list[tuple[str, str]] = []
    return Listing(_urlset(root, failed)[:MAX_ENTRIES], failed, private_ok)


def _urlset(root, failed: list[tuple[str, str]]) -> list[Entry]:
    out = []
    for i, u in enumerate(root):
        if _tag(u) != "url":
            continue
        if not _text(u, "loc"):
            failed.append((f"sitemap entry {i + 1}", "sitemap entry without a <loc> URL"))
            continue
        news = next((c for c in u if _tag(c) == "news"), None)
        published = _text(news, "publication_date") if news is not None else None
        title = _text(news, "title") if news is not None else None
        lastmod = _text(u, "lastmod")
        out.append(Entry(_text(u, "loc"), title, (published or lastmod or "")[:10] or None, lastmod))
    return out


def _xml(body: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError as e:
        raise SourceError(f"not valid XML ({e.msg}); check the sitemap URL") from None


def _tag(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _text(el, name: str) -> str | None:
    for c in el:
        if _tag(c) == name and c.text and c.text.strip():
            return c.text.strip()
    return None


def _get(url: str, settings, allow_private: bool):
    f = settings.fetch
    return fetch(url, max_bytes=int(settings.chunking.max_file_mb * 1e6), deadline=f.timeout,
                 allow_private=allow_private, max_redirects=f.max_redirects)


def intranet(hops) -> bool:
    """May a listing fetched through ``hops`` (the URLs asked for, redirects included) point at
    private addresses? Only when it lives on the intranet entirely: every address of every hop
    is private. A host with one public address among private ones, or a public URL that
    redirects to an intranet feed, is public: a hostile feed cannot unlock intranet pages."""
    for url in hops:
        parts = urlsplit(url)
        found = addresses_of(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        if not found or any(is_public(a) for a in found):
            return False
    return bool(hops)


def _day(stamp) -> str | None:
    return time.strftime("%Y-%m-%d", stamp) if stamp else None


def _iso(stamp) -> str | None:
    if not stamp:
        return None
    return datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc).isoformat(timespec="seconds")
