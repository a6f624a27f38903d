"""Add-ons of the listings project.

``DistributedCrawl`` makes the crawl one worker of a distributed crawl when ``REDIS_URL`` is
set (``-s REDIS_URL=redis://host:6379/0``): scrapy-redis's scheduler, request queue and
dupefilter replace the in-memory ones, and ``crawler.distributed`` adds leases, heartbeats
and draining (see docs/distributed.md). Without ``REDIS_URL`` it changes nothing: the crawl
stays embedded, and neither scrapy-redis nor redis is imported.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# Set with the add-on priority: a project setting or ``-s`` on the command line still wins.
DISTRIBUTED_SETTINGS: dict[str, Any] = {
    "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_QUEUE_CLASS": "crawler.distributed.LeasedPriorityQueue",
    "SCHEDULER_QUEUE_KEY": "%(spider)s:requests",
    "SCHEDULER_DUPEFILTER_KEY": "%(spider)s:dupefilter",
    # The frontier outlives every single worker; crawler.distributed clears the seen-set
    # when a run has drained, so that the next run walks the listings again.
    "SCHEDULER_PERSIST": True,
    "SCHEDULER_FLUSH_ON_START": False,
    # Never block the reactor in a pop: idle workers are woken by crawler.distributed.
    "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
}
WORKER_EXTENSION = "crawler.distributed.DistributedWorker"
EMBEDDED_DUPEFILTER = "crawler.dupefilter.DiskDupeFilter"


class DistributedCrawl:
    """Scrapy add-on: the switch between an embedded crawl and a distributed worker."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        missing = [m for m in ("scrapy_redis", "redis") if importlib.util.find_spec(m) is None]
        if missing:
            raise RuntimeError(
                f"REDIS_URL is set but {' and '.join(missing)} is not installed: "
                "pip install 'listings[distributed]'"
            )
        for name, value in DISTRIBUTED_SETTINGS.items():
            settings.set(name, value, priority="addon")
        # The embedded filter is a project setting, which outranks an add-on's: replace it
        # here, as the workers must share the seen-set in Redis.
        if settings.get("DUPEFILTER_CLASS") == EMBEDDED_DUPEFILTER:
            dupefilter = DISTRIBUTED_SETTINGS["DUPEFILTER_CLASS"]
            settings.set("DUPEFILTER_CLASS", dupefilter, priority="project")
        extensions = settings.getdict("EXTENSIONS")
        # Before CrawlRecord (100): a worker without start URLs is known as such when the
        # crawl's first log line and its crawls/ row are written.
        extensions.setdefault(WORKER_EXTENSION, 50)
        settings.set("EXTENSIONS", extensions, priority=settings.getpriority("EXTENSIONS") or 0)
