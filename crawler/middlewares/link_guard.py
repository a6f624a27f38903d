"""``LinkGuard`` (spider middleware): a link the crawl will not follow becomes an errors/ row.

Another host, a private address reached from a public page, a URL longer than
``URLLENGTH_LIMIT``, an article beyond ``DEPTH_LIMIT``: each is a row instead of silence.
Listing pages stop one level earlier, so that ``DEPTH_LIMIT`` never drops an article
silently. An exception while reading a listing page becomes a row too.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.http import Request, Response

from crawler.middlewares.scope import COUNTED_KEY, CrawlScope
from crawler.request_kind import RequestKind, kind_of
from pipelines.model import PageError, Stage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class LinkGuard:
    """Spider middleware: links that will not be followed become rows, not silence."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.depth_limit = crawler.settings.getint("DEPTH_LIMIT")
        self.max_url_length = crawler.settings.getint("URLLENGTH_LIMIT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkGuard:
        return cls(crawler)

    def _check(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        scope = CrawlScope.of(self.crawler)
        stats = self.crawler.stats
        depth = response.meta.get("depth", 0) + 1
        for item in result:
            kind = kind_of(item) if isinstance(item, Request) else None
            if kind is None:
                yield item
                continue
            reason = scope.refusal(item.url, response.url)
            if reason is None and self.max_url_length and len(item.url) > self.max_url_length:
                reason = f"URL longer than URLLENGTH_LIMIT={self.max_url_length}"
            if reason is None and kind is RequestKind.LISTING and 0 < self.depth_limit <= depth:
                # Its articles would lie beyond the limit: stop paging here instead.
                stats.inc_value("listings/limits/depth")
                logger.warning(
                    "Stopped paging at %s: DEPTH_LIMIT=%d reached.", response.url, self.depth_limit
                )
                continue
            if reason is None and self.depth_limit and depth > self.depth_limit:
                reason = f"beyond DEPTH_LIMIT={self.depth_limit}"
            if reason is None:
                # Counted here, so that a link farm's surplus never reaches the scheduler.
                reason = scope.count(urlsplit(item.url).hostname or "")
                item.meta[COUNTED_KEY] = True
            if reason is None:
                yield item
                continue
            stats.inc_value("listings/refused")
            logger.debug("Not following %s: %s", item.url, reason)
            yield PageError.of(item.url, Stage.DOWNLOAD, f"not followed: {reason}")

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        return self._check(response, result)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        items = [item async for item in result]
        for item in self._check(response, items):
            yield item

    def process_spider_exception(
        self, response: Response, exception: Exception
    ) -> Iterable[Any] | None:
        # A page that breaks the reader is one errors/ row; the crawl goes on.
        request = response.request
        if request is None or kind_of(request) is None:
            return None
        self.crawler.stats.inc_value("listings/reader_errors")
        logger.warning(
            "Could not read %s: %s: %s", response.url, type(exception).__name__, exception
        )
        reason = f"could not read the page: {type(exception).__name__}: {exception}"
        return [PageError.of(response.url, Stage.EXTRACT, reason[:500], status=response.status)]
