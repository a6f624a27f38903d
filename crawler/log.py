"""``QuietLogFormatter``: Scrapy's item log lines without the item.

Scrapy's default lines print an item's repr: for a page, its whole body. Here an item is
named by its type and URL only, so no log line carries a page, an item or an article text.
"""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


def describe(item: Any) -> str:
    """``ArticlePage <url>``: what a log line says of an item."""
    url = getattr(item, "url", None)
    return f"{type(item).__name__} {url}" if url else type(item).__name__


class QuietLogFormatter(LogFormatter):
    """Scrapy's item log lines, naming an item by its type and URL only."""

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        result = super().scraped(item, response, spider)
        return {**result, "msg": "Scraped %(item)s", "args": {"item": describe(item)}}

    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {**result, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}

    def item_error(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        result = super().item_error(item, exception, response, spider)
        return {**result, "msg": "Error processing %(item)s", "args": {"item": describe(item)}}
