"""The ``listings`` spider: walks listing pages, follows every card to its article.

It only wires requests to the pure functions: ``read_listing`` (``detect_cards``) for HTML
listing pages, run in the crawl's worker pool like the extraction of articles, ``read_feed``
for feeds and sitemaps (a start URL may be either), and ``ArticlePage`` items that the
pipelines extract. No selectors live here.

With ``LISTINGS_DISCOVER`` on, an HTML listing is read together with the feed it declares:
the feed is fetched once, before the listing's articles are asked for, so that its dates,
titles and summaries fill what the cards leave out; the posts the feed lists and the cards
did not are crawled too, once the listing has been read to its end. A start listing with no
cards reads its declared feed instead, or else the sitemaps its site's robots.txt names.
That state and its logic live in ``crawler.discovery`` (``FeedGaps``, ``RobotsSitemaps``);
whether an article page is rendered in the browser, in ``crawler.render`` (``ArticleRender``).
The callbacks of their requests stay methods here, so that a JOBDIR queue can store them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.arguments import plan_crawl, switch
from crawler.discovery import FEEDS, FeedEntry, FeedGaps, Parked, RobotsSitemaps, Source
from crawler.extensions.diagnosis import no_cards_cause
from crawler.middlewares.warc_archive import WARC_META
from crawler.recheck import CHECK_META, gone, recheck_requests, unchanged, validators
from crawler.render import (
    APP_CAUSE,
    RENDER_META,
    RERENDER_META,
    ArticleRender,
    RenderMode,
    RenderUnavailable,
    looks_like_feed,
    missing_renderer,
)
from crawler.render import render_mode as read_render_mode
from crawler.request_kind import KIND_META, RequestKind
from crawler.runtime import CrawlRuntime, sites_file
from pipelines.model import ArticlePage, CardInfo, FetchedPage, ListingHit, PageError, Stage
from pipelines.pages.feeds import FeedError, FeedKind, feed_kind, merge_cards, read_feed
from pipelines.pages.listing import Card, read_listing
from pipelines.store.crawl_lock import CrawlBusy
from pipelines.text.urls import BadURL, canonical_url, site_of

# Card URLs of a listing's earlier pages kept to read its later ones: a widget lists a few.
EARLIER_CARDS = 200


class ListingsSpider(scrapy.Spider):
    name = "listings"
    # Log lines name items by type and URL: a page body or an article text never gets there.
    custom_settings: ClassVar[dict[str, Any]] = {"LOG_FORMATTER": "crawler.log.QuietLogFormatter"}
    # What a spider made without a crawler (``scrapy push`` builds requests with one) does:
    # no request is marked for the browser there; the worker that fetches it still may.
    render_mode: RenderMode = RenderMode.NEVER

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.spider_args = {k: kwargs.pop(k) for k in ("start_urls", "site") if k in kwargs}
        super().__init__(*args, **kwargs)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ListingsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        plan = plan_crawl(spider.spider_args, crawler.settings, sites_file(crawler.settings))
        spider.start_urls = list(plan.start_urls)
        spider.allowed_domains = sorted({site_of(u) for u in plan.start_urls})
        spider.max_pages = crawler.settings.getint("LISTINGS_MAX_PAGES")
        spider.site_override = plan.site
        spider.discover = switch(crawler.settings, "LISTINGS_DISCOVER")
        spider.render_mode = read_render_mode(crawler.settings)
        # Start URLs whose listing turned out to be built by a script: its pages are rendered.
        spider.rendered_starts = set()
        # Start URL -> the card URLs of its listing's pages read so far (the first
        # EARLIER_CARDS), which tell a later page's "recent posts" widget from its list.
        spider.earlier_cards = {}
        # Read beside HTML listings: not where a worker of a shared crawl keeps no state.
        feeds_beside = spider.discover and not crawler.settings.get("REDIS_URL")
        guesses = tuple(n.strip() for n in crawler.settings.getlist("LISTINGS_FEED_GUESSES"))
        guesses = tuple(n for n in guesses if n)
        spider.feed_gaps = FeedGaps(spider, feeds_beside, guesses)
        spider.robots = RobotsSitemaps(spider)
        min_chars = crawler.settings.getint("LISTINGS_MIN_TEXT_CHARS")
        spider.article_render = ArticleRender(spider, min_chars)
        crawler.signals.connect(spider.feed_gaps.release_stalled, signal=signals.spider_idle)
        claim_dataset(crawler)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.listing_request(url, page=1, start_url=url)
        # Edited articles: stored ones asked for again after the listings (LISTINGS_RECHECK_DAYS).
        hosts = set(self.allowed_domains)
        for request in recheck_requests(self.crawler, hosts, self.parse_recheck, self.on_error):
            yield request

    def listing_request(self, url: str, page: int, start_url: str) -> scrapy.Request:
        meta = {KIND_META: RequestKind.LISTING, "listing_page": page, "start_url": start_url}
        if self.renders(url, start_url):
            meta[RENDER_META] = True
        return scrapy.Request(url, callback=self.parse_listing, errback=self.on_error, meta=meta)

    def renders(self, url: str, start_url: str) -> bool:
        """Is this listing page fetched through the browser from the start?"""
        if self.render_mode is RenderMode.NEVER or looks_like_feed(url):
            return False
        return (
            self.render_mode is RenderMode.ALWAYS
            or start_url in self.rendered_starts
            or bool(getattr(self.site_for(url), "render", False))
        )

    def render_instead(self, response: Response) -> Any:
        """A page with no cards that a script builds: the same page again, through the browser
        (``LISTINGS_RENDER=auto``); an errors/ row saying what to install when it cannot be."""
        if self.render_mode is not RenderMode.AUTO or response.meta.get(RENDER_META):
            return None
        cause = no_cards_cause(response.body, response.status)
        if not cause.startswith(APP_CAUSE):
            return None
        missing = missing_renderer(self.crawler.settings)
        if missing:
            self.logger.warning("No article cards on %s: %s.", response.url, missing)
            return self.error(response.url, Stage.DOWNLOAD, missing, response.status)
        self.logger.info(
            "No article cards on %s and it looks like a JavaScript app: rendering it in Chromium.",
            response.url,
        )
        self.crawler.stats.inc_value("listings/render/listings")
        start_url = response.meta["start_url"]
        self.rendered_starts.add(start_url)
        request = self.listing_request(response.url, response.meta["listing_page"], start_url)
        request.meta[RERENDER_META] = True
        return request.replace(dont_filter=True)

    def site_for(self, url: str) -> Any:
        return self.site_override or CrawlRuntime.of(self.crawler).site_for(site_of(url))

    async def parse_listing(self, response: Response) -> AsyncIterator[Any]:
        page = fetched_page(response)
        kind = feed_kind(page.body, page.content_type)
        if kind is not None:
            for out in self.parse_feed(response, page, kind):
                yield out
            return
        if not hasattr(response, "text"):
            yield self.error(
                response.url, Stage.DOWNLOAD, "listing page is not text", response.status
            )
            return
        page_no = response.meta["listing_page"]
        start_url = response.meta["start_url"]
        seen = self.earlier_cards.get(start_url, frozenset()) if page_no > 1 else frozenset()
        # Parsed and read in the crawl's worker pool, as article pages are: the reactor keeps
        # downloading meanwhile. A page that hangs or kills its worker ends its listing.
        pool = CrawlRuntime.of(self.crawler).pool
        try:
            site = self.site_for(response.url)
            read = await pool.run(read_listing, page, site, self.discover, seen)
        except Exception as exc:
            reason = pool.failure(exc, "card detection")
            self.logger.warning("Could not read the listing page %s: %s.", response.url, reason)
            self.crawler.stats.inc_value("listings/listing_errors")
            yield self.error(response.url, Stage.EXTRACT, reason, response.status)
            for out in self.feed_gaps.listing_ended(response.meta["start_url"]):
                yield out
            return
        listing = read.listing
        earlier = self.earlier_cards.get(start_url, frozenset()) if page_no > 1 else frozenset()
        if listing.cards and len(earlier) < EARLIER_CARDS:
            self.earlier_cards[start_url] = earlier | {c.url for c in listing.cards}
        self.crawler.stats.inc_value("listings/listing_pages")
        if pool.workers:
            self.crawler.stats.inc_value("listings/listing_pages_in_pool")
        if listing.cards:
            feed, feed_request = self.feed_gaps.beside(response, read.feeds, listing.cards)
            if feed is not None and not feed.done:
                # The rows now, the articles once the feed has said what the cards leave out.
                if feed_request is not None:
                    yield feed_request
                for out in self.hits(response, listing.cards, Source.HTML):
                    yield out
                feed.waiting.append(Parked(response, listing.cards, listing.next_url))
                return
            for out in self.cards(response, listing.cards, Source.HTML):
                yield out
            for out in self.go_on(response, listing.next_url):
                yield out
            return
        first = page_no == 1 and not response.meta.get("discovered")
        feeds = read.feeds
        if first and feeds:
            # A listing built in the browser, or one the detector cannot read: the feed
            # the page declares lists the same posts.
            self.logger.info(
                "No article cards on %s: reading the feed it declares, %s.",
                response.url,
                feeds[0],
            )
            self.crawler.stats.inc_value("listings/feeds_discovered")
            request = self.listing_request(feeds[0], 1, response.meta["start_url"])
            request.meta["discovered"] = True
            yield request
            return
        rendered = self.render_instead(response)
        if isinstance(rendered, scrapy.Request):
            yield rendered
            return
        # No cards, no feed: the sitemaps robots.txt names, once per host.
        robots = self.robots.request(response, rendered) if first and self.discover else None
        if robots is not None:
            yield robots
            return
        if rendered is not None:
            yield rendered
        self.logger.info("No article cards on %s: the listing ends here.", response.url)
        for out in self.feed_gaps.listing_ended(response.meta["start_url"]):
            yield out

    def parse_robots(self, response: Response) -> Iterator[Any]:
        return self.robots.read(response)

    def on_robots_error(self, failure: Failure) -> Iterator[Any]:
        # No robots.txt is no sitemap: not an error of the crawl.
        meta = failure.request.meta  # type: ignore[attr-defined]
        return self.robots.none(meta, f"no robots.txt ({_describe(failure)})")

    def parse_gap_feed(self, response: Response) -> Iterator[Any]:
        return self.feed_gaps.read_page(response, fetched_page(response))

    def on_gap_feed_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        return self.feed_gaps.failed(request, _describe(failure))

    def parse_feed(self, response: Response, page: FetchedPage, kind: FeedKind) -> Iterator[Any]:
        """A feed or a sitemap as a listing: its entries are cards, its index more pages."""
        try:
            listing = read_feed(page)
        except FeedError as exc:
            yield self.error(response.url, Stage.EXTRACT, str(exc), response.status)
            return
        self.crawler.stats.inc_value("listings/feed_pages")
        if listing.refused:
            self.crawler.stats.inc_value("listings/feed_entries_refused", listing.refused)
        page_no = response.meta["listing_page"]
        for offset, sitemap in enumerate(listing.sitemaps, start=1):
            if page_no + offset > self.max_pages:
                self.logger.warning(
                    "Stopped reading the sitemaps of %s: LISTINGS_MAX_PAGES=%d reached.",
                    response.url,
                    self.max_pages,
                )
                break
            yield self.listing_request(sitemap, page_no + offset, response.meta["start_url"])
        source = Source.FEED if kind in FEEDS else Source.SITEMAP
        yield from self.cards(response, listing.cards, source)
        yield from self.go_on(response, listing.next_url)

    def cards(self, response: Response, cards: list[Card], source: Source) -> Iterator[Any]:
        """A listing hit and an article request for each card of a listing page."""
        yield from self.hits(response, cards, source)
        yield from self.articles(response, cards)

    def hits(self, response: Response, cards: list[Card], source: Source) -> Iterator[Any]:
        page_no = response.meta["listing_page"]
        yield from self.hits_of(response.url, page_no, response, cards, source)

    @staticmethod
    def hits_of(
        listing_url: str, page: int, response: Response | None, cards: list[Card], source: Source
    ) -> Iterator[ListingHit]:
        """The listing_hits rows of cards as their listing showed them."""
        now = datetime.now(UTC)
        warc = warc_of(response) if response is not None else {}
        for card in cards:
            yield ListingHit(
                seen_at=now,
                listing_url=listing_url,
                page=page,
                position=card.position,
                url=card.url,
                card_url=card.url,
                source=str(source),
                **warc,
                title=card.title,
                excerpt=card.excerpt,
                category=card.category,
                published=card.published,
            )

    def articles(self, response: Response, cards: list[Card]) -> Iterator[scrapy.Request]:
        """The article requests of a listing page's cards, each card's gaps filled from the
        entry of the feed read beside the listing, if it lists the post."""
        fill = self.feed_gaps.entries(response.meta.get("start_url", ""))
        yield from self.articles_of(response.url, cards, fill)

    def articles_of(
        self, listing_url: str, cards: list[Card], fill: Mapping[str, FeedEntry]
    ) -> Iterator[scrapy.Request]:
        for card in cards:
            self.feed_gaps.listed.add(card.url)
            entry = fill.get(card.url)
            if entry is not None:
                card = merge_cards(card, entry.card)
            info = CardInfo(card.title, card.excerpt, card.published, card.category)
            yield scrapy.Request(
                card.url,
                callback=self.parse_article,
                errback=self.on_error,
                meta={KIND_META: RequestKind.ARTICLE, "listing_url": listing_url, "card": info},
            )

    def go_on(self, response: Response, next_url: str | None) -> Iterator[Any]:
        """The next listing page, within ``LISTINGS_MAX_PAGES``; or the listing's end."""
        page_no = response.meta["listing_page"]
        if next_url and page_no < self.max_pages:
            yield self.listing_request(next_url, page_no + 1, response.meta["start_url"])
            return
        if next_url:
            self.logger.warning(
                "Stopped paging at %s: LISTINGS_MAX_PAGES=%d reached.", response.url, self.max_pages
            )
        yield from self.feed_gaps.listing_ended(response.meta["start_url"])

    def parse_article(self, response: Response) -> Iterator[Any]:
        rendered = self.article_render.request(response)
        yield rendered if rendered is not None else self.article_page(response)

    def article_page(self, response: Response) -> ArticlePage:
        page = fetched_page(response)
        # Every address that led here: the card's link, each redirect hop, the final URL.
        hops = [
            *response.meta.get("article_hops", ()),
            *response.meta.get("redirect_urls", ()),
            response.url,
        ]
        return ArticlePage(
            url=canonical_url(page.url),
            body=page.body,
            content_type=page.content_type,
            status=page.status,
            fetched_at=page.fetched_at,
            listing_url=response.meta.get("listing_url"),
            card=response.meta.get("card"),
            aliases=_canonical_all(hops),
            **warc_of(response),
            **validators(response),
        )

    def parse_recheck(self, response: Response) -> Iterator[Any]:
        """A stored article asked for again: 304 and 404/410 end here, a page goes on to
        extraction, where a changed text becomes a new version."""
        check = response.meta[CHECK_META]
        if response.status == 304:
            unchanged(self.crawler, check, response)
        elif response.status in (404, 410):
            yield from gone(self.crawler, check, response.status)
        else:
            page = self.article_page(response)
            page.recheck = True
            yield page

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        reason = f"HTTP {status}" if status else _describe(failure)
        if isinstance(failure.value, RenderUnavailable):
            reason = str(failure.value)  # what to install, already one sentence
        # The row names the URL the crawl was given, not where its redirects led.
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        if url != request.url:
            reason = f"{reason} (redirected to {request.url})"
        self.logger.info("Could not download %s: %s", url, reason)
        yield self.error(url, Stage.DOWNLOAD, reason, status)
        if request.meta.get(KIND_META) == RequestKind.LISTING and "start_url" in request.meta:
            yield from self.feed_gaps.listing_ended(request.meta["start_url"])

    @staticmethod
    def error(url: str, stage: Stage, reason: str, status: int | None = None) -> PageError:
        return PageError.of(url, stage, reason, status=status)


def claim_dataset(crawler: Any) -> None:
    """One local crawl per ``DATA_DIR``: a second one exits at once, status 2.

    Checked while the spider is made, before the engine starts: nothing was fetched or
    written, no process started, so leaving at once is clean (an exception here would only
    end as a traceback and status 1).
    """
    try:
        CrawlRuntime.of(crawler).claim_dataset()
    except CrawlBusy as exc:
        # Like a bad argument: one sentence on stderr, status 2, nothing done.
        for handler in logging.getLogger().handlers:
            handler.flush()
        print(f"Error: {exc}", file=sys.stderr, flush=True)
        os._exit(2)


def _canonical_all(urls: list[str]) -> list[str]:
    out: dict[str, None] = {}
    for url in urls:
        try:
            out[canonical_url(url)] = None
        except BadURL:
            continue
    return list(out)


def _describe(failure: Failure) -> str:
    name = failure.type.__name__ if failure.type else "error"
    message = str(failure.value).strip()
    return f"{name}: {message}" if message else name


def fetched_page(response: Response) -> FetchedPage:
    """The page record of a response: what every page function takes."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
    return FetchedPage(
        response.url, response.body, content_type, response.status, datetime.now(UTC)
    )


def warc_of(response: Response) -> dict[str, Any]:
    """``warc_file`` and ``warc_offset`` of the response's record (None when not archived)."""
    location = response.meta.get(WARC_META)
    return {
        "warc_file": getattr(location, "file", None),
        "warc_offset": getattr(location, "offset", None),
    }
