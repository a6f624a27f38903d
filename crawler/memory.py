"""Freed memory handed back to the system, so that a long crawl's resident size follows
what it holds rather than the most it ever held.

Python and lxml free a page's trees after it, but glibc's heap keeps the pages they used
(and, between live objects, cannot give them back by itself): a process's resident memory
stays at its largest moment. ``malloc_trim`` returns every free page. Elsewhere than glibc
there is nothing to call and nothing is done.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable
from typing import Any

# A worker hands its heap back once it holds this much free, not after every page: pages
# given back are faulted in again by the next page: about 1.8 ms more system time a real page
# when done every time, 0.9 ms more with this threshold, for most of the memory
# (benchmarks/release_memory.py, BENCHMARKS.md).
WORKER_FREE_BYTES = 32 * 2**20
# And once this long has passed since it last did, whatever is free past a few MB: a page that
# grew the heap would otherwise leave up to 32 MB free with the worker for the rest of the
# crawl. Once in ten seconds costs nothing measurable.
WORKER_SETTLE_SECONDS = 10.0
WORKER_SETTLED_FREE_BYTES = 4 * 2**20


# glibc's struct mallinfo2, every field a size_t; fordblks is the free bytes.
_MALLINFO2_FIELDS = "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _MALLINFO2_FIELDS.split(" ")]


def _libc_function(name: str, restype: Any = ctypes.c_int) -> Any:
    try:
        fn = getattr(ctypes.CDLL(None), name)
    except (AttributeError, OSError, TypeError):  # not glibc, or too old a glibc
        return None
    fn.restype = restype
    return fn


_MALLOC_TRIM = _libc_function("malloc_trim")
_MALLINFO2 = _libc_function("mallinfo2", _MallInfo2)


def free_heap_bytes() -> int | None:
    """Bytes the C heap holds free (glibc 2.33 and later), or None when it cannot tell."""
    return _MALLINFO2().fordblks if _MALLINFO2 is not None else None


def release_memory(above: int = 0) -> bool:
    """Hand the C heap's free pages back to the system when it holds more than ``above``
    bytes free (always, when it cannot tell); whether it did."""
    if _MALLOC_TRIM is None:
        return False
    if above:
        free = free_heap_bytes()
        if free is not None and free <= above:
            return False
    _MALLOC_TRIM(0)
    return True


_worker_released_at = float("-inf")


def release_worker_memory() -> bool:
    """A worker's heap handed back after a page: past ``WORKER_FREE_BYTES`` free, or past
    ``WORKER_SETTLED_FREE_BYTES`` once ``WORKER_SETTLE_SECONDS`` have passed since the last
    time; whether it was."""
    global _worker_released_at
    now = time.monotonic()
    settled = now - _worker_released_at >= WORKER_SETTLE_SECONDS
    if release_memory(WORKER_SETTLED_FREE_BYTES if settled else WORKER_FREE_BYTES):
        _worker_released_at = now
        return True
    return False


def then_release(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, then the worker's heap handed back when it holds enough free
    (``release_worker_memory``): what a pool worker runs for each page."""
    try:
        return fn(*args)
    finally:
        release_worker_memory()
