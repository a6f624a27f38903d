"""One local crawl per dataset: a lock in the dataset's state directory.

A local crawl holds it alone; the workers of a distributed crawl (``REDIS_URL``) hold it
together, since they share one queue and one index. It is a POSIX record lock
(``lockf``): the kernel drops it when the process ends, however it ends, so a lock left
by a killed crawl never blocks the next run, and the extraction processes a crawl forks
do not inherit it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = "crawl.lock"


class CrawlBusy(RuntimeError):
    """Another live crawl is writing this dataset; the message says which, in one sentence."""


class CrawlLock:
    """Held by a crawl from its start to its end (``release``, or the process's death)."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, shared: bool, where: str) -> None:
        """Take the lock without waiting: alone for a local crawl, shared for a worker.

        Raises CrawlBusy when a live crawl holds it the other way; a state directory that
        cannot be made is left for the crawl's own write check to report.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return
        try:
            fcntl.lockf(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError:
            holder = _read_holder(fd)
            os.close(fd)
            who = f" (process {holder})" if holder else ""
            if shared:
                raise CrawlBusy(
                    f"a local crawl{who} is writing to {where}; wait for it to end or use "
                    "another DATA_DIR before starting distributed workers on it."
                ) from None
            raise CrawlBusy(
                f"another crawl{who} is writing to {where}; this one stops without "
                "fetching anything (run it again once that crawl has ended)."
            ) from None
        # The holder's pid, for the message of the crawl that finds the dataset busy.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            if not shared:
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.lockf(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
            self._fd = None


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        text = os.pread(fd, 32, 0).decode("ascii").strip()
        if text.isdigit():
            return text
    return ""
