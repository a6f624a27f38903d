"""What Scrapy logs at INFO that a user running a crawl does not need: moved to DEBUG.

Startup dumps (versions, overridden settings, enabled components), the once-a-minute
"Crawled N pages ... scraped N items" line (our progress line replaces it) and the engine's
open/close lines. ``-L DEBUG`` shows them all again.
"""

from __future__ import annotations

import logging

QUIETED = (
    "scrapy.utils.log",
    "scrapy.addons",
    "scrapy.crawler",
    "scrapy.middleware",
    "scrapy.extensions.logstats",
    "scrapy.extensions.telnet",
    "scrapy.core.engine",
    "scrapy.statscollectors",
)


class ToDebug(logging.Filter):
    """Lowers INFO records of a logger to DEBUG, so handlers at INFO drop them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def quiet_scrapy_startup() -> None:
    """Install the filter on Scrapy's chatty loggers (idempotent)."""
    for name in QUIETED:
        log = logging.getLogger(name)
        if not any(isinstance(f, ToDebug) for f in log.filters):
            log.addFilter(ToDebug())
