"""What one crawl did, per site, counted from Scrapy's signals: the numbers behind the
progress lines, the closing summary and the verdict on each start URL."""

from __future__ import annotations

import time
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.extensions.diagnosis import no_cards_cause
from crawler.render import RERENDER_META
from crawler.request_kind import KIND_META, RequestKind
from pipelines.model import Article, ListingHit, PageError
from pipelines.text.urls import site_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_TALLIES: weakref.WeakKeyDictionary[Crawler, Tally] = weakref.WeakKeyDictionary()


@dataclass
class SiteCounts:
    """What one crawl did on one site: pages, hits, articles, duplicates, errors, when."""

    listing_pages: int = 0
    article_pages: int = 0
    hits: int = 0
    articles: int = 0
    duplicates: int = 0
    errors: Counter[tuple[str, int | None]] = field(default_factory=Counter)
    first: float | None = None
    last: float | None = None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def touch(self, now: float) -> None:
        self.first = now if self.first is None else self.first
        self.last = now

    @property
    def seconds(self) -> float:
        return (self.last or 0.0) - (self.first or 0.0)


@dataclass
class StartPage:
    """What became of a start URL's first listing page."""

    url: str
    site: str
    state: str = "pending"  # pending, cards, empty (fetched, no card) or error
    cause: str = ""


def errors_in_words(errors: Counter[tuple[str, int | None]]) -> str:
    """``download: 3 (HTTP 404 ×2), extract: 1``, largest stage first."""
    by_stage: dict[str, Counter[int | None]] = {}
    for (stage, status), n in errors.items():
        by_stage.setdefault(stage, Counter())[status] += n
    parts = []
    for stage, statuses in sorted(by_stage.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(statuses.values())
        http = [f"HTTP {s} ×{n}" for s, n in sorted(statuses.items(), key=str) if s]
        parts.append(f"{stage} {total}" + (f" ({', '.join(http)})" if http else ""))
    return ", ".join(parts)


class Tally:
    """Per-site counters of one crawler, fed by signals; made on first use by ``of``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sites: dict[str, SiteCounts] = {}
        self.starts: dict[str, StartPage] = {}
        self._first_pages: dict[str, str] = {}  # response url of a first page -> start url
        self.pages = 0
        self.started = time.monotonic()

    @classmethod
    def of(cls, crawler: Crawler) -> Tally:
        tally = _TALLIES.get(crawler)
        if tally is None:
            tally = _TALLIES[crawler] = cls(crawler)
            crawler.signals.connect(tally.response_received, signal=signals.response_received)
            crawler.signals.connect(tally.item_scraped, signal=signals.item_scraped)
            crawler.signals.connect(tally.item_dropped, signal=signals.item_dropped)
        return tally

    def site(self, host: str) -> SiteCounts:
        if host not in self.sites:
            self.sites[host] = SiteCounts()
        return self.sites[host]

    def expect(self, start_urls: list[str]) -> None:
        for url in start_urls:
            self.starts.setdefault(url, StartPage(url, site_of(url)))
            self.site(site_of(url))

    # -- signals ------------------------------------------------------------------------

    def response_received(self, response: Any, request: Any, spider: Any = None) -> None:
        now = time.monotonic()
        self.pages += 1
        kind = request.meta.get(KIND_META)
        if kind not in (RequestKind.LISTING, RequestKind.ARTICLE):
            return
        counts = self.site(site_of(request.url))
        counts.touch(now)
        if kind == RequestKind.ARTICLE:
            counts.article_pages += 1
            return
        if request.meta.get(RERENDER_META):  # a page counted already, now read in a browser
            return
        if request.meta.get("empty_listing"):  # the robots.txt an empty listing led to
            return
        if request.meta.get("feed_guess") and response.status >= 400:  # no feed there
            return
        counts.listing_pages += 1
        start = self.starts.get(request.meta.get("start_url", ""))
        if request.meta.get("listing_page") == 1 and start is not None:
            self._first_pages[response.url] = start.url
            if start.state == "pending":
                start.state = "empty"
                start.cause = no_cards_cause(response.body, response.status)

    def _start_of(self, url: str) -> StartPage | None:
        return self.starts.get(self._first_pages.get(url, url))

    def card_seen(self, item: ListingHit, meta: dict[str, Any]) -> None:
        """A card as the spider gave it, before anything holds or filters its row."""
        self.site(site_of(item.listing_url)).hits += 1
        # Any page of the start URL's listing counts: a sitemap index or a declared feed
        # gives its cards one page later than the start page.
        start = self.starts.get(meta.get("start_url", ""))
        if start is not None:
            start.state = "cards"

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        if isinstance(item, Article):
            counts = self.site(item.site or site_of(item.url))
            counts.articles += 1
            counts.duplicates += bool(item.duplicate_of)
            counts.touch(time.monotonic())
        elif isinstance(item, PageError) and not item.gone:
            # An article that left the site is news about the site, not a failure of the run.
            counts = self.site(site_of(item.url))
            counts.errors[(item.stage, item.status)] += 1
            counts.touch(time.monotonic())
            start = self._start_of(item.url)
            if start is not None and start.state != "cards":
                start.state = "error"
                start.cause = item.error

    def item_dropped(
        self, item: Any, response: Any = None, exception: Any = None, spider: Any = None
    ) -> None:
        if isinstance(item, Article) and "already stored" in str(exception):
            self.site(item.site or site_of(item.url)).duplicates += 1

    # -- questions ----------------------------------------------------------------------

    def start_failures(self) -> list[str]:
        """One clause per start URL whose first listing page gave no cards."""
        out = []
        for start in self.starts.values():
            if start.state == "empty":
                out.append(
                    f"site {start.site}: its first listing page {start.url} shows no article "
                    f"cards; {start.cause}"
                )
            elif start.state == "error":
                out.append(
                    f"site {start.site}: its first listing page {start.url} could not be "
                    f"fetched ({start.cause})"
                )
        return out

    def site_error_failures(self, max_share: float) -> list[str]:
        """One clause per crawled site whose article pages mostly ended as errors."""
        out = []
        # A site whose first page failed is named once, by its start verdict.
        failed_first = {s.site for s in self.starts.values() if s.state in ("empty", "error")}
        for host in {s.site for s in self.starts.values()} - failed_first:
            counts = self.sites.get(host)
            if counts is None:
                continue
            attempted = counts.articles + counts.error_count
            if attempted and counts.error_count / attempted > max_share:
                out.append(
                    f"{counts.error_count} of {attempted} pages on {host} ended as errors "
                    f"({errors_in_words(counts.errors)}), more than "
                    f"LISTINGS_MAX_ERROR_SHARE={max_share:g}"
                )
        return sorted(out)
