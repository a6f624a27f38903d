"""``Every``: the base of extensions that do one thing on a timer while the spider runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class Every:
    """Calls ``tick`` every ``interval`` seconds (read from the setting ``SETTING``) from
    the spider's opening to its closing; a setting of 0 or less turns the extension off."""

    SETTING = ""
    OFF = "off"  # NotConfigured's message when the setting is 0

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat(cls.SETTING)
        if interval <= 0:
            raise NotConfigured(cls.OFF)
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def tick(self) -> None:
        raise NotImplementedError

    def spider_opened(self, spider: Any) -> None:
        self._loop = task.LoopingCall(self.tick)
        self._loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
