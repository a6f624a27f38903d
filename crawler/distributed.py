"""Distributed crawling: many workers, one shared frontier in Redis, one dataset.

Switched on by ``crawler.addons.DistributedCrawl`` when ``REDIS_URL`` is set. The frontier
is scrapy-redis's: its scheduler, its dupefilter (the shared seen-set) and a subclass of its
priority queue. What this module adds:

- **Leases.** A plain scrapy-redis queue forgets a request the moment a worker pops it, so a
  worker killed mid-crawl loses its in-flight requests for good. ``LeasedPriorityQueue``
  pops atomically into a per-worker lease set instead (``listings:lease:<worker>``). A
  request stays leased until what it produced is durable: when it has been fully handled it
  moves to ``listings:done:<worker>``, and that set is emptied once the worker has committed
  its Parquet files (a checkpoint). Requests of a worker whose heartbeats stop are put back
  in the queue by any live worker.
- **Heartbeats.** Each worker is registered in ``listings:workers`` and refreshes
  ``listings:alive:<worker>`` (TTL ``LISTINGS_WORKER_TTL``). A worker given up for dead is
  removed from the registry; if it was only stalled, it notices, drops its unfinished files
  and stops, so nothing it was writing is stored twice.
- **Draining.** A worker closes when the shared queue is empty, no worker holds a lease,
  and that has lasted ``LISTINGS_DRAIN_SECONDS``. The run is then over: the seen-set is
  cleared (atomically, only if the frontier is still empty), so the next run re-walks the
  listings, while an interrupted run resumes where it stopped.
- **Sharing.** A worker holds at most ``LISTINGS_WORKER_PREFETCH`` requests; the rest stays
  in the queue for the others.
- **Hosts.** Requests may come from start URLs given to other workers or pushed with
  ``scrapy push``: the hosts of every start URL are kept in ``listings:hosts`` and become
  each worker's ``allowed_domains``.
- **Progress.** Each worker publishes its counters in ``listings:stats:<worker>``
  (``scrapy push --status`` shows them).
"""

from __future__ import annotations

import contextlib
import logging
import time
import weakref
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis import connection
from scrapy_redis.queue import PriorityQueue
from twisted.internet.task import LoopingCall

from crawler.runtime import CrawlRuntime
from pipelines.store.base import StorageError
from pipelines.store.redis_index import ALIVE_PREFIX, INDEX, PREFIX, WORKERS_KEY

logger = logging.getLogger(__name__)

QUEUE_KEY = "%(spider)s:requests"
DUPEFILTER_KEY = "%(spider)s:dupefilter"
HOSTS_KEY = PREFIX + "hosts"
LEASE_PREFIX = PREFIX + "lease:"
DONE_PREFIX = PREFIX + "done:"
STATS_PREFIX = PREFIX + "stats:"
SEQUENCE_KEY = PREFIX + "pushes"

TICK_SECONDS = 0.5
STATS_SECONDS = 5.0
STATS_KEEP_SECONDS = 7 * 24 * 3600

# KEYS: queue, lease set, registry. ARGV: worker. Only a registered worker may take work:
# once given up for dead it must not take requests nobody would ever give back.
_POP = """
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then return false end
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('ZADD', KEYS[2], top[2], top[1])
return top[1]
"""

# KEYS: lease set, done set. ARGV: the requests now fully handled.
_FINISHED = """
for i = 1, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('ZADD', KEYS[2], score, ARGV[i])
  end
end
return 0
"""

# KEYS: registry, alive key. ARGV: worker, ttl (ms). 0: this worker was given up for dead.
_HEARTBEAT = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return 1
"""

_REQUEUE_FN = """
local function requeue(queue, w)
  for _, key in ipairs({ARGV[2] .. w, ARGV[3] .. w}) do
    local items = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    for i = 1, #items, 2 do redis.call('ZADD', queue, items[i + 1], items[i]) end
    redis.call('DEL', key)
  end
  redis.call('SREM', KEYS[2], w)
  redis.call('DEL', ARGV[1] .. w)
end
"""

# KEYS: queue, registry. ARGV: alive prefix, lease prefix, done prefix. Returns the workers
# whose requests went back to the queue.
_RECOVER = (
    _REQUEUE_FN
    + """
local recovered = {}
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[1] .. w) == 0 then
    requeue(KEYS[1], w)
    table.insert(recovered, w)
  end
end
return recovered
"""
)

# Same, for one worker that gives its own work back. ARGV[4]: the worker.
_GIVE_BACK = (
    _REQUEUE_FN
    + """
requeue(KEYS[1], ARGV[4])
return 1
"""
)

# KEYS: registry, queue, seen-set. ARGV: the worker to register, or "" (a push). With no
# other worker registered and nothing queued, the last run is over (it may have been stopped
# just as it ended): its seen-set goes, and a new run starts.
_NEW_RUN = """
local others = redis.call('SCARD', KEYS[1])
if ARGV[1] ~= '' then
  others = others - redis.call('SISMEMBER', KEYS[1], ARGV[1])
  redis.call('SADD', KEYS[1], ARGV[1])
end
if others == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
  return redis.call('DEL', KEYS[3])
end
return 0
"""

# KEYS: queue, registry, seen-set. ARGV: lease prefix, done prefix, "clear".
# Returns {queued, leased in flight, leased done, cleared}. With "clear", the seen-set is
# dropped only if nothing is queued or leased anywhere: the run is over.
_FRONTIER = """
local queued = redis.call('ZCARD', KEYS[1])
local busy, held = 0, 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  busy = busy + redis.call('ZCARD', ARGV[1] .. w)
  held = held + redis.call('ZCARD', ARGV[2] .. w)
end
local cleared = 0
if ARGV[3] == 'clear' and queued + busy + held == 0 then
  redis.call('DEL', KEYS[3])
  cleared = 1
end
return {queued, busy, held, cleared}
"""


def worker_keys(worker: str) -> tuple[str, str]:
    """The lease set (in flight) and done set (handled, not yet committed) of a worker."""
    return LEASE_PREFIX + worker, DONE_PREFIX + worker


def frontier_keys(settings: Any, spider_name: str = "listings") -> tuple[str, str]:
    """The shared queue and seen-set keys, as scrapy-redis's scheduler names them."""
    names = {"spider": spider_name}
    return (
        (settings.get("SCHEDULER_QUEUE_KEY") or QUEUE_KEY) % names,
        (settings.get("SCHEDULER_DUPEFILTER_KEY") or DUPEFILTER_KEY) % names,
    )


def new_run(server: Any, settings: Any, worker: str = "") -> bool:
    """Register ``worker`` (if given); True when this started a new run (see _NEW_RUN)."""
    queue_key, seen_key = frontier_keys(settings)
    keys = [WORKERS_KEY, queue_key, seen_key]
    return bool(server.register_script(_NEW_RUN)(keys=keys, args=[worker]))


def host_allowed(host: str, domains: list[str]) -> bool:
    # OffsiteMiddleware's rule: a domain allows itself and its subdomains.
    return any(host == d or host.endswith("." + d) for d in domains)


class Worker:
    """What the queue and the extension of one crawler share: its id, its leases and hosts."""

    def __init__(self, crawler: Any) -> None:
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
        self._finished = self.server.register_script(_FINISHED)

    @classmethod
    def of(cls, crawler: Any) -> Worker:
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
        # The host rules of crawler.guards (when present) take the shared hosts as start hosts.
        with contextlib.suppress(ImportError):
            from crawler.guards import CrawlScope

            add_hosts = getattr(CrawlScope.of(self.crawler), "add_hosts", None)
            if add_hosts is not None:
                add_hosts(spider.allowed_domains)


_WORKERS: weakref.WeakKeyDictionary[Any, Worker] = weakref.WeakKeyDictionary()


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue, popping into the worker's lease set.

    Among requests of equal priority the newest comes first, as in Scrapy's own (LIFO)
    scheduler: the next listing page, yielded after its cards, is walked at once and the
    frontier grows as fast as in an embedded crawl. (scrapy-redis orders ties by the bytes
    of the pickled request, that is at random.)
    """

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self._pop = server.register_script(_POP)

    def push(self, request: Request) -> None:
        # Priorities are small integers; the push counter goes in the fraction (exact in a
        # double for 2**40 pushes), so that a later push sorts first.
        seq = int(self.server.incr(SEQUENCE_KEY)) % 2**40
        score = -request.priority - seq / 2**40
        self.server.zadd(self.key, {self._encode_request(request): score})

    def pop(self, timeout: int = 0) -> Request | None:
        worker = Worker.of(self.spider.crawler)
        if len(worker.leased) >= worker.prefetch:
            worker.release_finished()
            if len(worker.leased) >= worker.prefetch:
                return None
        data = self._pop(keys=[self.key, worker.lease_key, WORKERS_KEY], args=[worker.id])
        if not data:
            return None
        request = self._decode_request(data)
        worker.leased[request] = data
        worker.allow_host_of(request)
        return request


class DistributedWorker:
    """Heartbeats, lease bookkeeping, checkpoints, recovery of dead workers and draining."""

    def __init__(self, crawler: Any) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.worker = Worker.of(crawler)
        self.server = self.worker.server
        self.queue_key, self.seen_key = frontier_keys(s, crawler.spidercls.name)
        self.drain_seconds = s.getfloat("LISTINGS_DRAIN_SECONDS")
        self.ttl_ms = int(1000 * s.getfloat("LISTINGS_WORKER_TTL"))
        self.checkpoint_seconds = s.getfloat("LISTINGS_CHECKPOINT_SECONDS")
        self.heartbeat_seconds = min(5.0, self.ttl_ms / 4000)
        self._heartbeat = self.server.register_script(_HEARTBEAT)
        self._recover = self.server.register_script(_RECOVER)
        self._give_back = self.server.register_script(_GIVE_BACK)
        self._frontier = self.server.register_script(_FRONTIER)
        self.loop: LoopingCall | None = None
        self.last_beat = self.last_checkpoint = self.last_stats = time.monotonic()
        self.empty_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> DistributedWorker:
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
        if new_run(self.server, self.crawler.settings, self.worker.id):
            logger.info("The shared queue was empty and no worker running: a new run starts.")
        self.beat()
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


def status(server: Any, settings: Any) -> dict[str, Any]:
    """The state of the shared crawl: queue, seen-set, workers and their counters."""
    queue_key, seen_key = frontier_keys(settings)
    registered = {w.decode() for w in server.smembers(WORKERS_KEY)}
    workers: dict[str, dict[str, Any]] = {}
    for key in server.scan_iter(match=STATS_PREFIX + "*", count=500):
        raw = {k.decode(): v.decode() for k, v in server.hgetall(key).items()}
        workers[raw.get("worker", key.decode()[len(STATS_PREFIX) :])] = raw
    for worker in registered | set(workers):
        lease, done = worker_keys(worker)
        info = workers.setdefault(worker, {"worker": worker})
        info["registered"] = worker in registered
        info["alive"] = bool(server.exists(ALIVE_PREFIX + worker))
        info["leased"] = server.zcard(lease) + server.zcard(done)
    return {
        "queued": server.zcard(queue_key),
        "seen": server.scard(seen_key),
        "hosts": sorted(h.decode() for h in server.smembers(HOSTS_KEY)),
        "index_articles": server.hlen(INDEX + "url"),
        "workers": sorted(workers.values(), key=lambda w: str(w.get("started", ""))),
    }
