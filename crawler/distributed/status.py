"""What ``scrapy push --status`` shows: the state of the shared crawl."""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from crawler.distributed.keys import (
    ALIVE_PREFIX,
    HOSTS_KEY,
    INDEX,
    STATS_PREFIX,
    WORKERS_KEY,
    frontier_keys,
    worker_keys,
)


def status(server: Any, settings: BaseSettings) -> dict[str, Any]:
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
