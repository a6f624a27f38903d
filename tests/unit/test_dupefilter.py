"""The on-disk duplicate-request filter answers as Scrapy's in-memory one does."""

from __future__ import annotations

import random
from pathlib import Path

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

from crawler.dupefilter import BATCH, DiskDupeFilter


def requests(n: int, seed: int = 7) -> list[Request]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        i = rng.randrange(n // 2)  # about half the requests repeat an earlier one
        query = "a=1&b=2" if rng.random() < 0.5 else "b=2&a=1"  # same page for Scrapy
        out.append(Request(f"https://blog.example.com/posts/{i}/?{query}"))
    return out


def test_same_answers_as_scrapys_filter_across_batches() -> None:
    batch = requests(3 * BATCH)
    disk, memory = DiskDupeFilter(), RFPDupeFilter()
    answers = [disk.request_seen(r) for r in batch]
    assert answers == [memory.request_seen(r) for r in batch]
    assert 0 < answers.count(False) < len(batch)
    disk.close("finished")


def test_jobdir_keeps_what_was_seen_across_a_pause(tmp_path: Path) -> None:
    first = DiskDupeFilter(str(tmp_path))
    seen = requests(BATCH + 10)
    for r in seen:
        first.request_seen(r)
    first.close("shutdown")
    assert (tmp_path / "requests.seen.sqlite").is_file()

    resumed = DiskDupeFilter(str(tmp_path))
    assert all(resumed.request_seen(r) for r in seen)
    assert not resumed.request_seen(Request("https://blog.example.com/new/"))
    resumed.close("finished")


def test_without_jobdir_nothing_is_kept(tmp_path: Path) -> None:
    r = Request("https://blog.example.com/posts/1/")
    first = DiskDupeFilter()
    assert not first.request_seen(r) and first.request_seen(r)
    first.close("finished")
    second = DiskDupeFilter()
    assert not second.request_seen(r)
    second.close("finished")
