"""The Redis keys of a shared crawl: its frontier, its workers and their leases."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from pipelines.store.redis_index import ALIVE_PREFIX, INDEX, PREFIX, WORKERS_KEY

__all__ = [
    "ALIVE_PREFIX",
    "DONE_PREFIX",
    "HOSTS_KEY",
    "INDEX",
    "LEASE_PREFIX",
    "SEQUENCE_KEY",
    "STATS_PREFIX",
    "WORKERS_KEY",
    "frontier_keys",
    "worker_keys",
]

QUEUE_KEY = "%(spider)s:requests"
DUPEFILTER_KEY = "%(spider)s:dupefilter"
HOSTS_KEY = PREFIX + "hosts"
LEASE_PREFIX = PREFIX + "lease:"
DONE_PREFIX = PREFIX + "done:"
STATS_PREFIX = PREFIX + "stats:"
SEQUENCE_KEY = PREFIX + "pushes"


def frontier_keys(settings: BaseSettings, spider_name: str = "listings") -> tuple[str, str]:
    """The shared queue and seen-set keys, as scrapy-redis's scheduler names them."""
    names = {"spider": spider_name}
    return (
        (settings.get("SCHEDULER_QUEUE_KEY") or QUEUE_KEY) % names,
        (settings.get("SCHEDULER_DUPEFILTER_KEY") or DUPEFILTER_KEY) % names,
    )


def worker_keys(worker: str) -> tuple[str, str]:
    """The lease set (in flight) and done set (handled, not yet committed) of a worker."""
    return LEASE_PREFIX + worker, DONE_PREFIX + worker
