"""The crawl's one process pool: article extraction and listing card detection share it.

``LISTINGS_EXTRACT_WORKERS`` processes (pebble), so that the reactor stays free to download
while pages are parsed; a page that takes longer than ``LISTINGS_EXTRACT_TIMEOUT`` seconds
or kills its worker fails alone, and the pool replaces the worker. With 0 workers every
call runs inline, in the crawl process. The crawl's runtime (``CrawlRuntime.pool``) holds
it; it starts with the spider (or on first use) and closes with it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any

from crawler.memory import then_release
from pipelines.text.language import load_profiles

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def extract_workers(value: object) -> int:
    """``auto`` (one per core, the default), or a number: 0 works in the crawl process."""
    if value in (None, "", "auto"):
        return os.cpu_count() or 1
    return int(value)


class WorkPool:
    """Runs picklable page functions in worker processes, or inline with 0 workers."""

    def __init__(self, workers: int, timeout: float) -> None:
        self.workers = workers
        self.timeout = timeout
        self._pool: Any = None
        self._closed = False

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> WorkPool:
        try:
            workers = max(extract_workers(settings.get("LISTINGS_EXTRACT_WORKERS")), 0)
        except ValueError:
            workers = 0  # the crawl's arguments check refuses the value, in one sentence
        return cls(workers, settings.getfloat("LISTINGS_EXTRACT_TIMEOUT"))

    def start(self) -> None:
        """Fork the workers (once); nothing with 0 workers."""
        if self.workers and self._pool is None and not self._closed:
            from pebble import ProcessPool

            load_profiles()  # before the fork: the workers share langdetect's profiles
            self._pool = ProcessPool(max_workers=self.workers)

    def close(self) -> None:
        """Let the workers finish what they hold, then stop them."""
        self._closed = True
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close()
            pool.join(timeout=30)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker (awaited without blocking the reactor), or inline.

        In a worker, a call past the timeout raises ``TimeoutError`` and a dead worker
        pebble's ``ProcessExpired``; ``failure`` says either in one clause.
        """
        if not self.workers:
            return fn(*args)
        self.start()
        if self._pool is None:
            raise RuntimeError("the worker pool is closed")
        future = self._pool.schedule(then_release, args=(fn, *args), timeout=self.timeout)
        return await asyncio.wrap_future(future)

    def failure(self, exc: BaseException, what: str) -> str:
        """The ``errors.error`` of a call that raised ``exc``: ``what`` took too long or failed."""
        if self.workers and isinstance(exc, FutureTimeout):
            return f"{what} took longer than {self.timeout:g} s"
        return f"{what} failed: {type(exc).__name__}: {exc}"
