"""``ReleaseMemory``: the crawl process hands freed memory back to the system every
``LISTINGS_RELEASE_MEMORY_SECONDS`` (see ``crawler.memory``).

Responses, their bodies and the rows waiting for a row group come and go by the thousand;
without this the crawl process keeps the pages of its busiest moment to the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.memory import release_memory

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ReleaseMemory:
    """Extension calling ``release_memory`` on a timer while the spider runs."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReleaseMemory:
        interval = crawler.settings.getfloat("LISTINGS_RELEASE_MEMORY_SECONDS")
        if interval <= 0:
            raise NotConfigured("memory is not handed back on a timer")
        ext = cls(interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self._loop = task.LoopingCall(release_memory)
        self._loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
