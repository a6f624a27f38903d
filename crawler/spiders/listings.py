"""The ``listings`` spider: walks listing pages, follows every card to its article.

It only wires requests to the pure functions: ``detect_cards`` for listing pages, and
``ArticlePage`` items that the pipelines extract. No selectors live here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.arguments import plan_crawl
from crawler.request_kind import KIND_META, RequestKind
from crawler.runtime import CrawlRuntime, sites_file
from pipelines.model import ArticlePage, CardInfo, FetchedPage, ListingHit, PageError, Stage
from pipelines.pages.html import parse_page
from pipelines.pages.listing import detect_cards
from pipelines.text.urls import canonical_url, site_of


class ListingsSpider(scrapy.Spider):
    name = "listings"

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
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.listing_request(url, page=1, start_url=url)

    def listing_request(self, url: str, page: int, start_url: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self.on_error,
            meta={KIND_META: RequestKind.LISTING, "listing_page": page, "start_url": start_url},
        )

    def site_for(self, url: str) -> Any:
        return self.site_override or CrawlRuntime.of(self.crawler).site_for(site_of(url))

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if not hasattr(response, "text"):
            yield self.error(
                response.url, Stage.DOWNLOAD, "listing page is not text", response.status
            )
            return
        now = datetime.now(UTC)
        page_no = response.meta["listing_page"]
        site = self.site_for(response.url)
        listing = detect_cards(parse_page(fetched_page(response)), response.url, site)
        self.crawler.stats.inc_value("listings/listing_pages")
        if not listing.cards:
            self.logger.info("No article cards on %s: the listing ends here.", response.url)
        for card in listing.cards:
            yield ListingHit(
                seen_at=now,
                listing_url=response.url,
                page=page_no,
                position=card.position,
                url=card.url,
                title=card.title,
                excerpt=card.excerpt,
                category=card.category,
                published=card.published,
            )
            info = CardInfo(card.title, card.excerpt, card.published, card.category)
            yield scrapy.Request(
                card.url,
                callback=self.parse_article,
                errback=self.on_error,
                meta={KIND_META: RequestKind.ARTICLE, "listing_url": response.url, "card": info},
            )
        if listing.next_url and page_no < self.max_pages:
            yield self.listing_request(listing.next_url, page_no + 1, response.meta["start_url"])
        elif listing.next_url:
            self.logger.warning(
                "Stopped paging at %s: LISTINGS_MAX_PAGES=%d reached.", response.url, self.max_pages
            )

    def parse_article(self, response: Response) -> Iterator[Any]:
        page = fetched_page(response)
        yield ArticlePage(
            url=canonical_url(page.url),
            body=page.body,
            content_type=page.content_type,
            status=page.status,
            fetched_at=page.fetched_at,
            listing_url=response.meta.get("listing_url"),
            card=response.meta.get("card"),
        )

    def on_error(self, failure: Failure) -> Iterator[PageError]:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        reason = f"HTTP {status}" if status else _describe(failure)
        # The row names the URL the crawl was given, not where its redirects led.
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        if url != request.url:
            reason = f"{reason} (redirected to {request.url})"
        self.logger.info("Could not download %s: %s", url, reason)
        yield self.error(url, Stage.DOWNLOAD, reason, status)

    @staticmethod
    def error(url: str, stage: Stage, reason: str, status: int | None = None) -> PageError:
        return PageError.of(url, stage, reason, status=status)


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
