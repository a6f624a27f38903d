"""The shared queue: scrapy-redis's priority queue, popping into the worker's lease set."""

from __future__ import annotations

from typing import Any

from scrapy.http import Request
from scrapy_redis.queue import PriorityQueue

from crawler.distributed import scripts
from crawler.distributed.keys import SEQUENCE_KEY, WORKERS_KEY
from crawler.distributed.worker import Worker


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue, popping into the worker's lease set.

    Among requests of equal priority the newest comes first, as in Scrapy's own (LIFO)
    scheduler: the next listing page, yielded after its cards, is walked at once and the
    frontier grows as fast as in an embedded crawl. (scrapy-redis orders ties by the bytes
    of the pickled request, that is at random.)
    """

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self._pop = scripts.register(server, "pop")

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
