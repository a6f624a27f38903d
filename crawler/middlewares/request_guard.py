"""``RequestGuard`` (downloader middleware, before robots.txt and the network).

The host rules for every request, ``LISTINGS_MAX_REQUESTS_PER_HOST``, and the wait before a
retry (exponential backoff, or the server's ``Retry-After``).
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Request
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro

from crawler.middlewares.scope import COUNTED_KEY, RETRY_AFTER_KEY, CrawlScope
from crawler.request_kind import kind_of
from pipelines.model import PageError, Stage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class RequestGuard:
    """Downloader middleware: host rules, per-host limit, and the wait before a retry."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.backoff = s.getfloat("LISTINGS_RETRY_BACKOFF")
        self.backoff_max = s.getfloat("LISTINGS_RETRY_BACKOFF_MAX")
        self.maxsize = s.getint("DOWNLOAD_MAXSIZE")
        self._received: weakref.WeakKeyDictionary[Request, int] = weakref.WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestGuard:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(mw.request_dropped, signal=signals.request_dropped)
        if mw.maxsize:
            crawler.signals.connect(mw.bytes_received, signal=signals.bytes_received)
        return mw

    def spider_opened(self, spider: Any) -> None:
        # Before any download: the resolver must know which start hosts are private.
        CrawlScope.of(self.crawler)

    def _fingerprint(self, request: Request) -> bytes:
        return bytes(self.crawler.request_fingerprinter.fingerprint(request))

    def request_scheduled(self, request: Request, spider: Any) -> None:
        if kind_of(request) is None:
            return
        scope = CrawlScope.of(self.crawler)
        scope.seen.add(self._fingerprint(request))
        redirects = request.meta.get("redirect_urls")
        if not redirects:
            return
        # A redirect made after ResponseGuard looked (a <meta refresh>): checked here,
        # where the offsite filter would otherwise drop it without a trace.
        reason = scope.refusal(request.url, redirects[-1])
        if reason:
            self._emit(
                PageError.of(
                    redirects[0], Stage.DOWNLOAD, f"redirect to {request.url} refused: {reason}"
                )
            )
            raise IgnoreRequest(reason)

    def request_dropped(self, request: Request, spider: Any) -> None:
        # Duplicate requests are dropped on purpose; a redirected one would lose its URL.
        redirects = request.meta.get("redirect_urls")
        if kind_of(request) is None or not redirects:
            return
        self._emit(
            PageError.of(
                redirects[0],
                Stage.DOWNLOAD,
                f"redirects to {request.url}, which this crawl already fetched",
            )
        )

    def _emit(self, item: PageError) -> None:
        self.crawler.stats.inc_value("listings/refused")
        scraper = self.crawler.engine.scraper
        deferred_from_coro(scraper.start_itemproc_async(item, response=None))

    async def process_request(self, request: Request) -> None:
        kind = kind_of(request)
        if kind is not None:
            scope = CrawlScope.of(self.crawler)
            host = urlsplit(request.url).hostname or ""
            redirects = request.meta.get("redirect_urls")
            reason = scope.refusal(request.url, redirects[-1] if redirects else None)
            # Start requests; links were counted by LinkGuard, retries are the same page.
            fresh = not request.meta.get("retry_times") and not request.meta.get(COUNTED_KEY)
            if reason is None and fresh:
                reason = scope.count(host)
                request.meta[COUNTED_KEY] = True
            if reason:
                self.crawler.stats.inc_value("listings/refused")
                raise IgnoreRequest(reason)
        await self._back_off(request)

    def bytes_received(self, data: bytes, request: Request, spider: Any) -> None:
        self._received[request] = self._received.get(request, 0) + len(data)

    def process_exception(self, request: Request, exception: Exception) -> None:
        # A body cut at DOWNLOAD_MAXSIZE surfaces as a bare "cancelled": say why.
        if isinstance(exception, DownloadCancelledError) and not str(exception):
            received = self._received.get(request, 0)
            if received > self.maxsize:
                raise IgnoreRequest(
                    f"body larger than DOWNLOAD_MAXSIZE ({self.maxsize} bytes): "
                    f"cut after {received} bytes"
                ) from exception
        # robots.txt that cannot be fetched (DNS, reset, timeout) means "no rules", as in
        # Scrapy; said in one line rather than a traceback in the middle of the log.
        if (
            request.meta.get("dont_obey_robotstxt")
            and urlsplit(request.url).path == "/robots.txt"
            and not isinstance(exception, IgnoreRequest)
        ):
            logger.warning(
                "No robots.txt from %s (%s): crawling as if it allowed everything.",
                urlsplit(request.url).netloc,
                type(exception).__name__,
            )
            raise IgnoreRequest(f"robots.txt could not be fetched: {exception}") from exception

    async def _back_off(self, request: Request) -> None:
        retries = request.meta.get("retry_times", 0)
        if retries:
            wait = min(self.backoff * 2 ** (retries - 1), self.backoff_max)
            wait = max(wait, request.meta.get(RETRY_AFTER_KEY) or 0.0)
            if wait > 0:
                self.crawler.stats.inc_value("listings/retry_wait_seconds", int(wait))
                await sleep(wait)
