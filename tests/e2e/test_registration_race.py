"""Workers that start at the same instant: none is ever taken for dead and fenced.

Registration and the first heartbeat are one Lua script (``register.lua``), so another
worker's recovery can never find a worker registered without its alive key.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from tests.helpers.crawl import table
from tests.helpers.redis import needs_redis, redis, wait_all, worker
from tests.helpers.sitegen import build_site, posts

pytestmark = needs_redis

WORKERS = 6
ROUNDS = 20


def test_simultaneous_starts_never_fence(redis_url: str) -> None:
    from crawler.distributed import scripts
    from crawler.distributed.keys import (
        ALIVE_PREFIX,
        DONE_PREFIX,
        LEASE_PREFIX,
        WORKERS_KEY,
        frontier_keys,
    )
    from crawler.distributed.worker import new_run

    settings = Settings()
    queue_key, _ = frontier_keys(settings)
    ttl_ms = 60_000
    for round_no in range(ROUNDS):
        barrier = threading.Barrier(WORKERS)
        evicted: list[str] = []
        fenced: list[str] = []

        def start(
            name: str,
            barrier: threading.Barrier = barrier,
            evicted: list[str] = evicted,
            fenced: list[str] = fenced,
        ) -> None:
            # What a worker does when it opens: register (with its first beat), recover the
            # dead ones, then beat again; each with a connection of its own.
            server = redis.Redis.from_url(redis_url)
            recover = scripts.register(server, "recover")
            beat = scripts.register(server, "heartbeat")
            barrier.wait()
            new_run(server, settings, name, ttl_ms)
            keys = [queue_key, WORKERS_KEY]
            found = recover(keys=keys, args=[ALIVE_PREFIX, LEASE_PREFIX, DONE_PREFIX])
            evicted.extend(w.decode() for w in found)
            if not beat(keys=[WORKERS_KEY, ALIVE_PREFIX + name], args=[name, ttl_ms]):
                fenced.append(name)
            server.close()

        names = [f"r{round_no:02d}-w{i}" for i in range(WORKERS)]
        threads = [threading.Thread(target=start, args=(n,)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert not evicted and not fenced, (round_no, evicted, fenced)
        client = redis.Redis.from_url(redis_url)
        assert {w.decode() for w in client.smembers(WORKERS_KEY)} == set(names)
        client.flushall()
        client.close()


def test_workers_started_together_all_finish(serve: Any, tmp_path: Path, redis_url: str) -> None:
    n = 12
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(n), per_page=6)
    base, _ = serve(site)
    procs = [
        worker(data, redis_url, "-a", f"start_urls={base}", log=tmp_path / f"w{i}.log")
        for i in range(3)
    ]
    codes = wait_all(procs)
    logs = "\n".join((tmp_path / f"w{i}.log").read_text(errors="replace") for i in range(3))
    assert codes == [0, 0, 0], logs[-3000:]
    assert "was replaced" not in logs and "stopped sending heartbeats" not in logs
    assert table(data, "articles").num_rows == n
