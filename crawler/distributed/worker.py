"""One worker of a shared crawl: its id, its leases, the hosts it may fetch, and how it
joins a run (registration and first heartbeat in one step)."""

from __future__ import annotations

import contextlib
import weakref
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.settings import BaseSettings
from scrapy_redis import connection

from crawler.distributed import scripts
from crawler.distributed.keys import (
    ALIVE_PREFIX,
    HOSTS_KEY,
    WORKERS_KEY,
    frontier_keys,
    worker_keys,
)
from crawler.runtime import CrawlRuntime


def new_run(server: Any, settings: BaseSettings, worker: str = "", ttl_ms: int = 0) -> bool:
    """Register ``worker`` with its first heartbeat (if given); True when a new run started.

    One Lua script does both, so another worker's recovery never sees this one registered
    without its alive key (and never evicts a worker younger than its TTL).
    """
    queue_key, seen_key = frontier_keys(settings)
    alive = ALIVE_PREFIX + worker if worker else ALIVE_PREFIX
    keys = [WORKERS_KEY, queue_key, seen_key, alive]
    return bool(scripts.register(server, "register")(keys=keys, args=[worker, max(ttl_ms, 1)]))


def host_allowed(host: str, domains: list[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    # OffsiteMiddleware's rule: a domain allows itself and its subdomains.
    return any(host == d or host.endswith("." + d) for d in domains)


class Worker:
    """What the queue and the extension of one crawler share: its id, its leases and hosts."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.id = CrawlRuntime.of(crawler).crawl_id
        self.server = connection.from_settings(crawler.settings)
        self.lease_key, self.done_key = worker_keys(self.id)
        # Popped requests not yet known to be fully handled, with their queue encoding.
        self.leased: dict[Request, bytes] = {}
        self.fenced = False
        # What one worker may hold at once; the rest stays in the queue for the others.
        s = crawler.settings
        self.prefetch = s.getint("LISTINGS_WORKER_PREFETCH") or s.getint(
            "CONCURRENT_REQUESTS_PER_DOMAIN"
        )
        self._finished = scripts.register(self.server, "finished")

    @classmethod
    def of(cls, crawler: Crawler) -> Worker:
        worker = _WORKERS.get(crawler)
        if worker is None:
            worker = _WORKERS[crawler] = cls(crawler)
        return worker

    def allow_host_of(self, request: Request) -> None:
        """Make sure the request's host is allowed here: it may come from another worker's
        start URLs (pushers add the hosts before the requests, so one refresh suffices)."""
        spider = self.crawler.spider
        host = urlsplit(request.url).hostname or ""
        if spider is None or host_allowed(host, list(spider.allowed_domains or [])):
            return
        self.refresh_hosts()

    def release_finished(self) -> None:
        """Move the leases of fully handled requests to the done set."""
        if not self.leased:
            return
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if slot is None:  # not open yet, or already closed
            return
        in_progress = getattr(slot, "inprogress", None)
        if in_progress is None:  # another Scrapy: only an idle engine tells for sure
            if not engine.spider_is_idle():
                return
            in_progress = set()
        # The engine keeps a popped request in its in-progress set until its response (or
        # failure) went through the callback and every item it yielded through the pipelines.
        # No signal says so (item signals do not tell when a callback is exhausted), hence
        # this look at the engine's slot.
        finished = [r for r in self.leased if r not in in_progress]
        if finished:
            data = [self.leased.pop(r) for r in finished]
            self._finished(keys=[self.lease_key, self.done_key], args=data)

    def refresh_hosts(self) -> None:
        spider = self.crawler.spider
        hosts = {h.decode() for h in self.server.smembers(HOSTS_KEY)}
        spider.allowed_domains = sorted(hosts | set(spider.allowed_domains or []))
        # The host rules of crawler.middlewares.scope (when present) take the shared hosts as start hosts.
        with contextlib.suppress(ImportError):
            from crawler.middlewares.scope import CrawlScope

            add_hosts = getattr(CrawlScope.of(self.crawler), "add_hosts", None)
            if add_hosts is not None:
                add_hosts(spider.allowed_domains)


_WORKERS: weakref.WeakKeyDictionary[Any, Worker] = weakref.WeakKeyDictionary()


_WORKERS: weakref.WeakKeyDictionary[Crawler, Worker] = weakref.WeakKeyDictionary()
