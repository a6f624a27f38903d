"""The extension that keeps a worker in the shared crawl: heartbeats, lease bookkeeping,
checkpoints, recovery of dead workers, and draining at the end of a run."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from crawler.distributed import scripts
from crawler.distributed.keys import (
    ALIVE_PREFIX,
    DONE_PREFIX,
    HOSTS_KEY,
    LEASE_PREFIX,
    STATS_PREFIX,
    WORKERS_KEY,
    frontier_keys,
)
from crawler.distributed.worker import Worker, new_run
from crawler.runtime import CrawlRuntime
from pipelines.store.base import StorageError

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.5
STATS_SECONDS = 5.0
STATS_KEEP_SECONDS = 7 * 24 * 3600


class DistributedWorker:
    """Heartbeats, lease bookkeeping, checkpoints, recovery of dead workers and draining."""

    def __init__(self, crawler: Crawler) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.worker = Worker.of(crawler)
        self.server = self.worker.server
        self.queue_key, self.seen_key = frontier_keys(s, crawler.spidercls.name)
        self.drain_seconds = s.getfloat("LISTINGS_DRAIN_SECONDS")
        self.ttl_ms = int(1000 * s.getfloat("LISTINGS_WORKER_TTL"))
        self.checkpoint_seconds = s.getfloat("LISTINGS_CHECKPOINT_SECONDS")
        self.heartbeat_seconds = min(5.0, self.ttl_ms / 4000)
        self._heartbeat = scripts.register(self.server, "heartbeat")
        self._recover = scripts.register(self.server, "recover")
        self._give_back = scripts.register(self.server, "give_back")
        self._frontier = scripts.register(self.server, "frontier")
        self.loop: LoopingCall | None = None
        self.last_beat = self.last_checkpoint = self.last_stats = time.monotonic()
        self.empty_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedWorker:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("REDIS_URL is not set")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    # -- life cycle --

    def spider_opened(self, spider: Any) -> None:
        if not getattr(spider, "spider_args", None):
            # No start URLs given: this worker only takes its share of the shared queue.
            spider.start_urls = []
            spider.allowed_domains = []
        if spider.allowed_domains:
            self.server.sadd(HOSTS_KEY, *spider.allowed_domains)
        self.worker.refresh_hosts()
        # Reading the dataset into the index can take long: do it before registering, so
        # that a slow start is never mistaken for a dead worker.
        CrawlRuntime.of(self.crawler).index  # noqa: B018
        if new_run(self.server, self.crawler.settings, self.worker.id, self.ttl_ms):
            logger.info("The shared queue was empty and no worker running: a new run starts.")
        self.last_beat = time.monotonic()
        self.recover()
        queued = self.server.zcard(self.queue_key)
        logger.info(
            "Worker %s joins the shared crawl on %s (%d requests queued).",
            self.worker.id,
            self.crawler.settings.get("REDIS_URL"),
            queued,
        )
        self.loop = LoopingCall(self.tick)
        self.loop.start(TICK_SECONDS, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        worker = self.worker
        if not worker.fenced:
            if CrawlRuntime.of(self.crawler).store_failure:
                # Files were dropped: whatever this worker did since its last checkpoint
                # must be done again, by someone.
                self._give_back(
                    keys=[self.queue_key, WORKERS_KEY],
                    args=[ALIVE_PREFIX, LEASE_PREFIX, DONE_PREFIX, worker.id],
                )
            else:
                # The files were committed when the pipelines closed: all work is durable.
                with self.server.pipeline() as pipe:
                    pipe.delete(worker.lease_key, worker.done_key)
                    pipe.srem(WORKERS_KEY, worker.id)
                    pipe.delete(ALIVE_PREFIX + worker.id)
                    pipe.execute()
        worker.leased.clear()
        self.publish_stats(reason)

    # -- the periodic work --

    def tick(self) -> None:
        try:
            now = time.monotonic()
            if now - self.last_beat >= self.heartbeat_seconds:
                self.beat()
                self.recover()
            if self.worker.fenced:
                return
            self.worker.release_finished()
            if now - self.last_checkpoint >= self.checkpoint_seconds:
                self.checkpoint()
            if now - self.last_stats >= STATS_SECONDS:
                self.publish_stats()
            self._wake_engine()
        except Exception:  # a Redis hiccup must not stop the heartbeats for good
            logger.exception("Distributed bookkeeping failed; trying again shortly.")

    def beat(self) -> None:
        self.last_beat = time.monotonic()
        alive = self._heartbeat(
            keys=[WORKERS_KEY, ALIVE_PREFIX + self.worker.id], args=[self.worker.id, self.ttl_ms]
        )
        if not alive and not self.worker.fenced:
            self.fence()

    def recover(self) -> None:
        recovered = self._recover(
            keys=[self.queue_key, WORKERS_KEY], args=[ALIVE_PREFIX, LEASE_PREFIX, DONE_PREFIX]
        )
        for worker in recovered:
            logger.warning(
                "Worker %s stopped sending heartbeats: its unfinished requests are queued again.",
                worker.decode() if isinstance(worker, bytes) else worker,
            )
            self.crawler.stats.inc_value("listings/workers_recovered")

    def fence(self) -> None:
        """This worker was given up for dead (it stalled longer than its TTL) and its work
        was handed to others: drop the unfinished files and stop."""
        self.worker.fenced = True
        logger.error(
            "Worker %s missed its heartbeats for longer than LISTINGS_WORKER_TTL=%gs and was "
            "replaced; dropping its unfinished files and stopping.",
            self.worker.id,
            self.ttl_ms / 1000,
        )
        for writer in CrawlRuntime.of(self.crawler).writers.values():
            writer.abort()
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="worker_replaced"))

    def checkpoint(self) -> None:
        """Commit the files in progress, then release the leases of what they hold."""
        self.last_checkpoint = time.monotonic()
        self.worker.release_finished()
        if self.worker.fenced or not self.server.zcard(self.worker.done_key):
            return
        self.beat()  # never commit files whose work was just handed to others
        if self.worker.fenced:
            return
        state = CrawlRuntime.of(self.crawler)
        try:
            for writer in state.writers.values():
                writer.commit()
        except StorageError as exc:
            state.fail_storage(f"could not commit the dataset files: {exc}")
            self.crawler.stats.inc_value("listings/store_errors")
            logger.error("Could not commit the dataset files, the crawl stops: %s", exc)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_error"))
            return
        self.server.delete(self.worker.done_key)
        self.crawler.stats.inc_value("listings/checkpoints")

    def _wake_engine(self) -> None:
        # The engine looks at its scheduler every 5 s when idle; requests pushed by other
        # workers should start at once. Asking it is cheap: one Redis pop when there is work.
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def publish_stats(self, finished: str | None = None) -> None:
        self.last_stats = time.monotonic()
        stats = self.crawler.stats
        get = lambda key: int(stats.get_value(key, 0) or 0)  # noqa: E731
        state = CrawlRuntime.of(self.crawler)
        values = {
            "worker": self.worker.id,
            "started": state.started.isoformat(),
            "updated": time.time(),
            "state": finished or ("replaced" if self.worker.fenced else "running"),
            "pages": get("response_received_count"),
            "articles": get("listings/rows/articles"),
            "listing_hits": get("listings/rows/listing_hits"),
            "errors": get("listings/rows/errors"),
            "duplicates": get("listings/duplicates"),
            "in_flight": len(self.worker.leased),
        }
        key = STATS_PREFIX + self.worker.id
        with self.server.pipeline() as pipe:
            pipe.hset(key, mapping=values)
            pipe.expire(key, STATS_KEEP_SECONDS)
            pipe.execute()

    # -- draining --

    def spider_idle(self, spider: Any) -> None:
        """Nothing to do here right now: wait for work, or close once the crawl is over."""
        if self.worker.fenced:
            return
        self.worker.release_finished()
        self.recover()
        queued, busy, held, _ = self._frontier(
            keys=[self.queue_key, WORKERS_KEY, self.seen_key], args=[LEASE_PREFIX, DONE_PREFIX, ""]
        )
        if queued:
            self.empty_since = None
            raise DontCloseSpider
        if not busy and self.server.zcard(self.worker.done_key):
            # Every worker is waiting: make this one's work durable so the run can end.
            self.checkpoint()
            held = 1  # look again on the next call
        if busy or held:
            self.empty_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.empty_since is None:
            self.empty_since = now
        if now - self.empty_since < self.drain_seconds:
            raise DontCloseSpider
        *_, cleared = self._frontier(
            keys=[self.queue_key, WORKERS_KEY, self.seen_key],
            args=[LEASE_PREFIX, DONE_PREFIX, "clear"],
        )
        if not cleared:
            self.empty_since = None
            raise DontCloseSpider
        logger.info(
            "The shared queue has been empty for %gs with no worker busy: the crawl is over.",
            self.drain_seconds,
        )
