"""``DigestSet`` answers as a set would, across the merges of its batches."""

from __future__ import annotations

import sys

import pytest

from crawler import digests
from crawler.digests import DigestSet


def test_members_are_found_before_and_after_a_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digests, "BATCH", 7)
    members = [f"https://blog.example.com/posts/{i}/" for i in range(100)]
    seen = DigestSet()
    for i, url in enumerate(members):
        assert url not in seen
        seen.add(url)
        seen.add(url)  # twice is once
        assert url in seen
        assert len(seen) == i + 1
    assert all(url in seen for url in members)
    assert "https://blog.example.com/posts/100/" not in seen
    assert len(seen._sorted) == 98 and len(seen._recent) == 2  # merged in batches of 7


def test_bytes_and_strings_are_members_and_nothing_else_is() -> None:
    seen = DigestSet([b"\x00" * 20, "ünïcode/路径", "\ud800"])
    assert b"\x00" * 20 in seen and "ünïcode/路径" in seen and "\ud800" in seen
    assert b"\x01" * 20 not in seen and "unicode" not in seen
    assert 5 not in seen and None not in seen
    assert len(seen) == 3


def test_a_hundred_thousand_urls_take_a_tenth_of_a_set() -> None:
    urls = [f"http://127.0.0.1:8080/posts/{i}/" for i in range(100_000)]
    seen = DigestSet(urls)
    assert len(seen) == 100_000 and all(url in seen for url in urls[::997])
    held = seen._sorted.nbytes + sys.getsizeof(seen._recent)
    as_a_set = sys.getsizeof(set(urls)) + sum(sys.getsizeof(url) for url in urls)
    assert held < 1.1 * 2**20 and held < as_a_set / 10  # about 0.9 MB against 12
