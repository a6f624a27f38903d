"""Where else a site lists its posts, read beside or instead of an HTML listing
(``LISTINGS_DISCOVER``): the feed a listing declares, read beside it (``FeedGaps``), and the
sitemaps its site's robots.txt names, read when a start listing shows no cards and declares
no feed (``RobotsSitemaps``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.digests import DigestSet
from crawler.request_kind import KIND_META, RequestKind
from pipelines.model import FetchedPage
from pipelines.pages.feeds import (
    FeedError,
    FeedKind,
    feed_kind,
    feed_of_listing,
    guessed_feeds,
    read_feed,
)
from pipelines.pages.listing import Card
from pipelines.text.dates import offset_stated
from pipelines.text.urls import BadURL, canonical_url, same_site, site_of

if TYPE_CHECKING:
    from crawler.spiders.listings import ListingsSpider


class Source(StrEnum):
    """Where a listing's cards came from."""

    HTML = "html"
    FEED = "feed"
    SITEMAP = "sitemap"


FEEDS = (FeedKind.RSS, FeedKind.ATOM, FeedKind.JSON_FEED)
# Bytes of robots.txt read for its Sitemap: lines; Google reads 500 KiB.
ROBOTS_MAX_BYTES = 512 * 1024
# Sitemaps taken from one robots.txt: a site needs a few, a hostile file may name thousands.
ROBOTS_MAX_SITEMAPS = 20


def robots_url(url: str) -> str:
    """The robots.txt of ``url``'s host."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def robots_sitemaps(body: bytes, url: str, limit: int = ROBOTS_MAX_SITEMAPS) -> list[str]:
    """The sitemaps a robots.txt at ``url`` names on its own host, in file order, at most
    ``limit``; sitemaps on other hosts are left out (a listing never leaves its site)."""
    found: list[str] = []
    for link in sitemap_urls_from_robots(body[:ROBOTS_MAX_BYTES], base_url=url):
        try:
            sitemap = canonical_url(link)
        except BadURL:
            continue
        if urlsplit(sitemap).scheme not in ("http", "https") or not same_site(sitemap, url):
            continue
        if sitemap not in found:
            found.append(sitemap)
        if len(found) >= limit:
            break
    return found


@dataclass
class FeedEntry:
    """A post a feed lists: its card, and the feed page and page number it came from."""

    card: Card
    feed_page: str
    page: int


@dataclass
class Parked:
    """An HTML listing page read, whose article requests wait for its feed."""

    response: Response
    cards: list[Card]
    next_url: str | None


@dataclass
class GapFeed:
    """A feed that an HTML listing declares, read beside it (``LISTINGS_DISCOVER``)."""

    url: str
    entries: dict[str, FeedEntry] = field(default_factory=dict)
    pages: set[str] = field(default_factory=set)  # feed pages asked for: paging never loops
    done: bool = False
    waiting: list[Parked] = field(default_factory=list)
    # Start URLs whose listing this feed is the feed of: its extra posts are crawled for them.
    fills: set[str] = field(default_factory=set)
    # A feed the listing does not declare: the places still to try, after ``url``; the
    # start URLs whose listings look for it there, and whether it was found.
    guesses: list[str] | None = None
    guessed_for: set[str] = field(default_factory=set)
    found: bool = False


class FeedGaps:
    """The feeds read beside HTML listings, and the listing pages that wait for them.

    Each feed is fetched once, before its listing's articles are asked for, so that its
    entries fill what the cards leave out; the posts it lists and no card did are crawled
    once the listing is read to its end. Requests it makes call back into the spider.
    """

    def __init__(
        self, spider: ListingsSpider, enabled: bool, guesses: tuple[str, ...] = ()
    ) -> None:
        self.spider = spider
        self.enabled = enabled
        self.guesses = guesses  # file names tried for a feed no listing page declares
        self.feeds: dict[str, GapFeed] = {}  # feed URL -> GapFeed
        self.start_feeds: dict[str, str | None] = {}  # start URL -> its feed's URL, or None
        self.listed = DigestSet()  # article URLs asked for from a card or a feed entry

    def of(self, start_url: str) -> GapFeed | None:
        url = self.start_feeds.get(start_url)
        return self.feeds.get(url) if url else None

    def entries(self, start_url: str) -> Mapping[str, FeedEntry]:
        """The entries of the feed read beside ``start_url``'s listing (none if none)."""
        feed = self.of(start_url)
        return feed.entries if feed else {}

    def beside(
        self, response: Response, declared: list[str], cards: list[Card]
    ) -> tuple[GapFeed | None, Any]:
        """The feed read beside this HTML listing (of the feeds it ``declared``), and the
        request for it when this is its first page with cards; None when discovery is off or
        the listing declares none and its cards need none (see ``guess``)."""
        start_url = response.meta["start_url"]
        request = None
        if not self.enabled:
            return None, None
        if start_url not in self.start_feeds and not declared:
            return self.guess(response, cards)
        if start_url not in self.start_feeds:
            feeds = declared
            self.start_feeds[start_url] = feeds[0] if feeds else None
            if feeds and feeds[0] not in self.feeds:
                self.feeds[feeds[0]] = GapFeed(feeds[0])
                self.spider.crawler.stats.inc_value("listings/feeds_beside")
                self.spider.logger.info("Reading %s beside the listing %s.", feeds[0], response.url)
                request = self.request(feeds[0], 1, start_url)
                self.feeds[feeds[0]].pages.add(feeds[0])
            # Page 1 as fetched (after its redirects) is the listing the feed must belong to.
            listing = response.url if response.meta.get("listing_page") == 1 else start_url
            if feeds and feed_of_listing(feeds[0], listing):
                self.feeds[feeds[0]].fills.add(start_url)
        return self.of(start_url), request

    def guess(self, response: Response, cards: list[Card]) -> tuple[GapFeed | None, Any]:
        """A listing that declares no feed, whose cards show no date or one with no offset:
        the feed a generator writes without linking it (``LISTINGS_FEED_GUESSES``), tried in
        turn, gives what the cards cannot; found in the listing's folder, the posts it alone
        lists are crawled too, as with a declared feed."""
        start_url = response.meta["start_url"]
        self.start_feeds[start_url] = None
        dated = all(c.published is not None and offset_stated(c.published) for c in cards)
        places = guessed_feeds(response.url, self.guesses) if self.guesses and not dated else []
        if not places:
            return None, None
        self.start_feeds[start_url] = places[0]
        if places[0] in self.feeds:  # another start URL of the same listing folder
            feed = self.feeds[places[0]]
            feed.guessed_for.add(start_url)
            if feed.found and feed_of_listing(feed.url, start_url):
                feed.fills.add(start_url)
            return feed, None
        feed = self.feeds[places[0]] = GapFeed(places[0], guesses=places[1:])
        feed.guessed_for.add(start_url)
        feed.pages.add(places[0])
        self.spider.crawler.stats.inc_value("listings/feed_guesses")
        return feed, self.request(places[0], 1, start_url, guess=True)

    def next_guess(self, feed: GapFeed, start_url: str) -> Iterator[Any]:
        """The next place a feed may be, or, when none is left, the listings go on without."""
        if not feed.guesses:
            yield from self.release(feed)
            return
        feed.url = feed.guesses.pop(0)
        feed.pages.add(feed.url)
        self.spider.crawler.stats.inc_value("listings/feed_guesses")
        yield self.request(feed.url, 1, start_url, guess=True)

    def request(self, url: str, page: int, start_url: str, guess: bool = False) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.spider.parse_gap_feed,
            errback=self.spider.on_gap_feed_error,
            # Our own record says whether it was read; the listing waits for it.
            dont_filter=True,
            priority=10,
            meta={
                KIND_META: RequestKind.LISTING,
                "gap_feed": self.start_feeds.get(start_url) or url,
                "feed_page": page,
                "start_url": start_url,
                # A place tried for a feed nobody declared: not found is no listing page.
                "feed_guess": guess,
            },
        )

    def read_page(self, response: Response, page: FetchedPage) -> Iterator[Any]:
        """A page of a feed read beside an HTML listing: its entries kept, its next page
        asked for, and at its end the listings that waited for it go on."""
        feed = self.feeds.get(response.meta["gap_feed"])
        if feed is None or feed.done:
            return  # a resumed crawl: its listing went on without it
        page_no = response.meta["feed_page"]
        try:
            if feed_kind(page.body, page.content_type) not in FEEDS:
                raise FeedError("not a feed")
            listing = read_feed(page)
        except FeedError as exc:
            if feed.guesses is not None and page_no == 1:
                yield from self.next_guess(feed, response.meta["start_url"])
                return
            self.spider.logger.warning("Could not read the feed %s: %s.", response.url, exc)
            yield from self.release(feed)
            return
        if feed.guesses is not None and page_no == 1:
            feed.guesses, feed.found = [], True
            start_url = response.meta["start_url"]
            feed.fills.update(s for s in feed.guessed_for if feed_of_listing(response.url, s))
            self.spider.crawler.stats.inc_value("listings/feeds_guessed")
            self.spider.logger.info(
                "Found the feed %s, which the listing %s does not declare: read beside it.",
                response.url,
                start_url,
            )
        self.spider.crawler.stats.inc_value("listings/feed_pages")
        for card in listing.cards:
            feed.entries.setdefault(card.url, FeedEntry(card, response.url, page_no))
        nxt = listing.next_url
        if nxt and nxt not in feed.pages and page_no < self.spider.max_pages:
            feed.pages.add(nxt)
            yield self.request(nxt, page_no + 1, response.meta["start_url"])
            return
        yield from self.release(feed)

    def failed(self, request: scrapy.Request, why: str) -> Iterator[Any]:
        """A feed request that failed: the listings waiting for it go on without it (a
        guessed place that is not there: the next one is tried)."""
        feed = self.feeds.get(request.meta["gap_feed"])
        if feed is not None and feed.guesses is not None and request.meta["feed_page"] == 1:
            if not feed.done:
                yield from self.next_guess(feed, request.meta["start_url"])
            return
        self.spider.logger.warning("Could not read the feed %s: %s.", request.url, why)
        if feed is not None and not feed.done:
            yield from self.release(feed)

    def release(self, feed: GapFeed) -> Iterator[Any]:
        """The feed is read: the listing pages that waited for it ask for their articles."""
        feed.done = True
        waiting, feed.waiting = feed.waiting, []
        for parked in waiting:
            # As deep as if the listing page had asked: a feed that failed hands them out
            # from an errback, whose output no depth is counted for.
            depth = parked.response.meta.get("depth", 0) + 1
            for out in chain(
                self.spider.articles(parked.response, parked.cards),
                self.spider.go_on(parked.response, parked.next_url),
            ):
                if isinstance(out, scrapy.Request):
                    out.meta.setdefault("depth", depth)
                yield out

    def release_stalled(self) -> None:
        """On idle: a feed request that never came back (refused before it was sent) lets
        the listings waiting for it go on, without the feed."""
        scheduled = False
        for feed in self.feeds.values():
            if feed.done:
                continue
            self.spider.logger.warning(
                "The feed %s was not read: the listing goes on without it.", feed.url
            )
            for request in self.release(feed):
                if isinstance(request, scrapy.Request):
                    self.spider.crawler.engine.crawl(request)
                    scheduled = True
        if scheduled:
            raise DontCloseSpider

    def listing_ended(self, start_url: str) -> Iterator[Any]:
        """A start URL's HTML listing is read to its end: the posts its feed lists and its
        cards did not are crawled now, each a ``feed`` hit."""
        feed = self.of(start_url)
        if feed is None or start_url not in feed.fills:
            return
        missing = [e for u, e in feed.entries.items() if u not in self.listed]
        if not missing:
            return
        self.spider.logger.info(
            "%s listed in %s on no card of %s: crawling %s too.",
            f"{len(missing)} post" + ("s" if len(missing) > 1 else ""),
            feed.url,
            start_url,
            "them" if len(missing) > 1 else "it",
        )
        self.spider.crawler.stats.inc_value("listings/feed_gaps", len(missing))
        for entry in missing:
            yield from self.spider.hits_of(
                entry.feed_page, entry.page, None, [entry.card], Source.FEED
            )
            yield from self.spider.articles_of(entry.feed_page, [entry.card], {})


class RobotsSitemaps:
    """A start listing with no cards and no feed: the sitemaps its site's robots.txt names,
    asked for once per host, become its listing."""

    def __init__(self, spider: ListingsSpider) -> None:
        self.spider = spider
        self.hosts: set[str] = set()  # hosts whose robots.txt was asked for its sitemaps

    def request(self, response: Response, unrendered: Any) -> scrapy.Request | None:
        """The robots.txt request for this empty listing; None if its host's was asked for."""
        host = site_of(response.url)
        if host in self.hosts:
            return None
        self.hosts.add(host)
        return scrapy.Request(
            robots_url(response.url),
            callback=self.spider.parse_robots,
            errback=self.spider.on_robots_error,
            meta={
                KIND_META: RequestKind.LISTING,
                "start_url": response.meta["start_url"],
                "empty_listing": response.url,
                "unrendered": unrendered,
            },
        )

    def read(self, response: Response) -> Iterator[Any]:
        """robots.txt of a start listing with no cards: its sitemaps become the listing."""
        spider = self.spider
        start_url = response.meta["start_url"]
        sitemaps = robots_sitemaps(response.body, response.url)
        if not sitemaps:
            yield from self.none(response.meta, "robots.txt names no sitemap of this site")
            return
        spider.logger.info(
            "No article cards on %s and no feed declared: reading the sitemap robots.txt "
            "names, %s.",
            response.meta["empty_listing"],
            sitemaps[0],
        )
        spider.crawler.stats.inc_value("listings/sitemaps_discovered")
        for page_no, sitemap in enumerate(sitemaps[: spider.max_pages], start=1):
            request = spider.listing_request(sitemap, page_no, start_url)
            request.meta["discovered"] = True
            yield request

    def none(self, meta: Mapping[str, Any], why: str) -> Iterator[Any]:
        """No sitemap to read: the listing ends, or is asked for again through the browser."""
        self.spider.logger.info(
            "No article cards on %s and %s: the listing ends here.", meta["empty_listing"], why
        )
        if meta.get("unrendered") is not None:
            yield meta["unrendered"]
