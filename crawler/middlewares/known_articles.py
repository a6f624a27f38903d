"""``KnownArticlesMiddleware`` (spider middleware): scheduled crawls do only new work.

No download of an article an earlier crawl already stored, under its own URL or any of its
aliases (a card's link, a redirect hop, a non-canonical address), and no further paging
once a listing page shows only such articles.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from scrapy.http import Request, Response

from crawler.request_kind import RequestKind, kind_of
from crawler.runtime import CrawlRuntime
from pipelines.text.urls import canonical_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class KnownArticlesMiddleware:
    """Incremental crawls: no download of an article an earlier crawl already stored,
    and no further paging once a listing page shows only such articles."""

    def __init__(self, crawler: Crawler, stop_on_known_page: bool) -> None:
        self.crawler = crawler
        self.stop_on_known_page = stop_on_known_page

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownArticlesMiddleware:
        return cls(crawler, crawler.settings.getbool("LISTINGS_STOP_ON_KNOWN_PAGE"))

    def _filter(self, result: Iterable[Any]) -> Iterable[Any]:
        state = CrawlRuntime.of(self.crawler)
        stats = self.crawler.stats
        cards = known = complete = 0
        held_next: list[Request] = []
        index = state.index
        for item in result:
            if not isinstance(item, Request):
                yield item
                continue
            kind = kind_of(item)
            if kind is RequestKind.ARTICLE:
                cards += 1
                url = canonical_url(item.url)
                target = index.resolve(url)
                # An alias of an article stored or being stored is that article: no download.
                if index.stored_before(target, state.crawl_id) or (
                    target != url and index.is_known(target)
                ):
                    known += 1
                    complete += state.stored_completely(target)
                    stats.inc_value("listings/articles_already_stored")
                    if target != url:
                        stats.inc_value("listings/aliases_skipped")
                    logger.debug("Already stored: %s", item.url)
                    continue
            elif kind is RequestKind.LISTING and item.meta.get("listing_page", 1) > 1:
                held_next.append(item)
                continue
            yield item
        # Stop only where an earlier crawl that finished stored every card: after a killed
        # run, older pages may still hold articles nobody stored.
        if held_next and self.stop_on_known_page and cards and complete == cards:
            stats.inc_value("listings/paging_stopped_early")
            self.crawler.spider.logger.info(
                "Every article on this listing page is already stored: not paging further."
            )
            return
        yield from held_next

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        return self._filter(result)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        items = [item async for item in result]
        for item in self._filter(items):
            yield item
