"""Following feeds and sitemaps: one round reads every listing and stores what is new; with
``--every`` the rounds repeat until Ctrl-C (or ``--rounds N``), one summary line each.

A round is an ordinary ingestion run (``Ingestor``): an interrupted round is completed by
the next (the store's dirty flag), and the same text never becomes two articles.
"""
from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Callable
from urllib.parse import urlsplit

from ingest.errors import SourceError
from ingest.feeds import Listing, read_feed, read_sitemap
from ingest.load import load_url
from ingest.pipeline import IngestReport, Ingestor, article_id
from rag.errors import BadInputError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")


def parse_every(text: str) -> float:
    """'30m', '1h', '90s', '1h30m', '2d' → seconds (at least 1)."""
    spec = (text or "").strip().lower()
    if not re.fullmatch(rf"(?:{_PART.pattern}\s*)+", spec):
        raise BadInputError(f"cannot read the interval {text!r}; write it like 30m, 1h, 90s or 1h30m")
    seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(spec))
    if seconds < 1:
        raise BadInputError("the interval must be at least 1s, e.g. --every 30m")
    return seconds


class Polite:
    """Waits ``delay`` seconds between two fetches from one host (a feed's entries mostly live
    on the feed's own site, fetched one after another)."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.delay, self.clock, self.sleep = delay, clock, sleep
        self.last: dict[str, float] = {}

    def wait(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        if host in self.last:
            self.sleep(max(0.0, self.last[host] + self.delay - self.clock()))
        self.last[host] = self.clock()


def add_listing(run: Ingestor, listing: Listing, polite: Polite | None = None) -> None:
    """Fetch and stage each entry's page; entries already stored are skipped without a fetch
    unless the listing says they changed after they were stored."""
    s = run.settings
    polite = polite or Polite(s.fetch.host_delay)
    run.report.failed += listing.failed
    for entry in listing.entries:
        old = run.known.get(article_id(entry.url))
        if old and not (entry.updated and entry.updated > (old.updated or old.added or "")):
            run.report.unchanged.append(old.id)
            continue
        polite.wait(entry.url)
        try:
            raw = load_url(entry.url, s.chunking.max_file_mb, s.fetch.timeout,
                           listing.private_ok or s.fetch.allow_private_urls, s.fetch.max_redirects)
        except SourceError as e:
            run.report.failed.append((entry.url, str(e)))
            continue
        raw.title, raw.published = entry.title, entry.published
        run.add_raw(raw)


def one_round(settings, sources: list[str], feeds: list[str], sitemaps: list[str], embedder=None,
              progress: Callable[[str], None] | None = None, prune: bool = False) -> IngestReport:
    """Files/URLs, then every feed and sitemap, in one ingestion run."""
    run = Ingestor(settings, embedder=embedder)
    run.add_all(sources, progress, pruning=prune)
    polite = Polite(settings.fetch.host_delay)  # one per round: several feeds of one site share it
    for readers, urls in ((read_feed, feeds), (read_sitemap, sitemaps)):
        for url in urls:
            try:
                add_listing(run, readers(url, settings), polite)
            except SourceError as e:
                run.report.failed.append((url, str(e)))
            if progress:
                progress(url)
    if prune:
        run.prune(sources)
    return run.finish()


def follow(settings, sources, feeds, sitemaps, every: float, rounds: int | None,
           echo: Callable[[str], None], sleep: Callable[[float], None] = time.sleep) -> int:
    """Rounds every ``every`` seconds until Ctrl-C or ``rounds``; returns the rounds done."""
    from rag.embedders import get_embedder

    embedder = get_embedder(settings.embedding)  # loaded once, not per round
    done = 0
    try:
        while True:
            started = time.monotonic()
            report = one_round(settings, sources, feeds, sitemaps, embedder)
            done += 1
            echo(f"round {done} at {datetime.now():%Y-%m-%d %H:%M:%S}: {report.summary()}")
            if rounds and done >= rounds:
                return done
            sleep(max(0.0, every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        echo(f"stopped after {done} round(s)")
        return done
