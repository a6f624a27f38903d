"""Rows of the dataset's tables, made up for tests."""

from __future__ import annotations

from datetime import UTC, datetime


def article(i: int, text: str = "正文") -> dict:
    return {
        "url": f"https://x.org/{i}",
        "site": "x.org",
        "text": f"{text} {i}",
        "tags": [],
        "published": datetime(2026, 1, 11, tzinfo=UTC),
        "crawl_id": "c1",
    }
