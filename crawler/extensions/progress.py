"""``Progress``: one line every ``LISTINGS_PROGRESS_SECONDS`` saying how the crawl is going.

Listing pages, new articles, articles skipped as already stored, errors and pages per
second, then the same per site when there are several. Scrapy's own once-a-minute line,
which counts listing hits, articles and errors alike as "items", is left at DEBUG.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from crawler.extensions.tally import Tally
from crawler.extensions.timer import Every

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def plural(n: int, word: str) -> str:
    """``n word``, with ``word`` in the plural unless ``n`` is 1."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Progress(Every):
    """Extension logging a progress line every ``LISTINGS_PROGRESS_SECONDS``."""

    SETTING = "LISTINGS_PROGRESS_SECONDS"
    OFF = "progress lines are off"

    def __init__(self, crawler: Crawler, interval: float) -> None:
        super().__init__(crawler, interval)
        self.tally = Tally.of(crawler)
        self._last = (time.monotonic(), 0)

    def spider_opened(self, spider: Any) -> None:
        self._last = (time.monotonic(), 0)
        super().spider_opened(spider)

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

    def tick(self) -> None:
        logger.info(self.line())
