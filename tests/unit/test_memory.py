"""Freed memory handed back: after every page in a worker, on a timer in the crawl process."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler import memory
from crawler.extensions.memory import ReleaseMemory
from crawler.memory import release_memory, then_release


@pytest.fixture
def trims(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(memory, "_MALLOC_TRIM", lambda pad: calls.append(pad) or 1)
    return calls


def test_a_page_function_gives_its_value_and_then_memory_is_released(trims: list[int]) -> None:
    assert then_release(divmod, 7, 2) == (3, 1)
    assert trims == [0]


def test_memory_is_released_after_a_page_function_that_fails(trims: list[int]) -> None:
    with pytest.raises(ZeroDivisionError):
        then_release(divmod, 1, 0)
    assert trims == [0]


def test_without_glibc_nothing_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_MALLOC_TRIM", None)
    release_memory()  # no error, nothing to call


def test_the_timer_is_read_from_settings_and_zero_turns_it_off() -> None:
    ext = ReleaseMemory.from_crawler(
        get_crawler(settings_dict={"LISTINGS_RELEASE_MEMORY_SECONDS": 2})
    )
    assert ext.interval == 2.0
    with pytest.raises(NotConfigured):
        ReleaseMemory.from_crawler(
            get_crawler(settings_dict={"LISTINGS_RELEASE_MEMORY_SECONDS": 0})
        )
