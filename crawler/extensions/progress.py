"""``Progress``: one line every ``LISTINGS_PROGRESS_SECONDS`` saying how the crawl is going.

Listing pages, new articles, articles skipped as already stored, errors and pages per
second, then the same per site when there are several. Scrapy's own once-a-minute line,
which counts listing hits, articles and errors alike as "items", is left at DEBUG.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.extensions.tally import Tally

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def plural(n: int, word: str) -> str:
    """``n word``, with ``word`` in the plural unless ``n`` is 1."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Progress:
    """Extension logging a progress line every ``LISTINGS_PROGRESS_SECONDS``."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.tally = Tally.of(crawler)
        self._loop: task.LoopingCall | None = None
        self._last = (time.monotonic(), 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("LISTINGS_PROGRESS_SECONDS")
        if interval <= 0:
            raise NotConfigured("progress lines are off")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self._last = (time.monotonic(), 0)
        self._loop = task.LoopingCall(self.report)
        self._loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()

    def line(self) -> str:
        """The progress line, as logged."""
        now, pages = time.monotonic(), self.tally.pages
        then, before = self._last
        self._last = (now, pages)
        rate = (pages - before) / (now - then) if now > then else 0.0
        sites = {h: c for h, c in self.tally.sites.items() if c.listing_pages or c.article_pages}
        listing = sum(c.listing_pages for c in sites.values())
        new = sum(c.articles for c in sites.values())
        errors = sum(c.error_count for c in self.tally.sites.values())
        stats = self.crawler.stats
        skipped = int(stats.get_value("listings/articles_already_stored", 0) or 0)
        text = (
            f"Progress: {plural(listing, 'listing page')}, {plural(new, 'new article')}"
            + (f", {skipped} already stored" if skipped else "")
            + f", {plural(errors, 'error')}; {rate:.1f} pages/s"
        )
        if len(sites) > 1:
            text += " | " + "; ".join(
                f"{host}: {c.listing_pages} listing, {c.articles} new, {c.error_count} errors"
                for host, c in sorted(sites.items())
            )
        return text

    def report(self) -> None:
        logger.info(self.line())
