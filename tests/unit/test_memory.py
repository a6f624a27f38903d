"""Freed memory handed back: after a page in a worker once 32 MB are free (or 4 MB, ten
seconds after the last time), on a timer in the crawl process."""

from __future__ import annotations

import time

import pytest

from crawler import memory
from crawler.memory import release_memory, then_release


@pytest.fixture
def trims(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(memory, "_MALLOC_TRIM", lambda pad: calls.append(pad) or 1)
    return calls


def free_heap(monkeypatch: pytest.MonkeyPatch, size: int | None) -> None:
    monkeypatch.setattr(memory, "free_heap_bytes", lambda: size)


@pytest.fixture(autouse=True)
def just_released(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker released a moment ago: the 32 MB threshold holds."""
    monkeypatch.setattr(memory, "_worker_released_at", time.monotonic())


def released_long_ago(monkeypatch: pytest.MonkeyPatch) -> None:
    ago = time.monotonic() - memory.WORKER_SETTLE_SECONDS - 1
    monkeypatch.setattr(memory, "_worker_released_at", ago)


def test_a_page_function_gives_its_value_and_then_a_large_free_heap_is_released(
    trims: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    free_heap(monkeypatch, memory.WORKER_FREE_BYTES + 1)
    assert then_release(divmod, 7, 2) == (3, 1)
    assert trims == [0]


def test_a_small_free_heap_is_kept_for_the_next_page(
    trims: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    free_heap(monkeypatch, memory.WORKER_FREE_BYTES)
    assert then_release(divmod, 7, 2) == (3, 1)
    assert trims == []
    assert release_memory() is True and trims == [0]  # the timer's call: always


def test_ten_seconds_on_a_few_free_mb_are_released_once(
    trims: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a page that grew the heap left behind, under the 32 MB threshold.
    free_heap(monkeypatch, memory.WORKER_FREE_BYTES - 1)
    released_long_ago(monkeypatch)
    assert then_release(divmod, 7, 2) == (3, 1)
    assert trims == [0]
    # The clock starts again: the next page keeps its free heap.
    assert then_release(divmod, 7, 2) == (3, 1)
    assert trims == [0]


def test_ten_seconds_on_a_heap_with_little_free_is_kept(
    trims: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    free_heap(monkeypatch, memory.WORKER_SETTLED_FREE_BYTES)
    released_long_ago(monkeypatch)
    assert then_release(divmod, 7, 2) == (3, 1)
    assert trims == []


def test_memory_is_released_after_a_page_function_that_fails(
    trims: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    free_heap(monkeypatch, None)  # cannot tell: released
    with pytest.raises(ZeroDivisionError):
        then_release(divmod, 1, 0)
    assert trims == [0]


def test_without_glibc_nothing_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_MALLOC_TRIM", None)
    assert release_memory() is False


def test_the_heap_says_what_it_holds_free() -> None:
    free = memory.free_heap_bytes()
    assert free is None or free >= 0
