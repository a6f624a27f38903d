"""Scrapy's duplicate-request filter with its fingerprints on disk instead of in a set.

Scrapy's ``RFPDupeFilter`` keeps every request fingerprint seen in a Python set, about
90 bytes a request: 9 MB at 100,000 pages, 90 MB at a million, for as long as the crawl
runs. ``DiskDupeFilter`` keeps them in SQLite, whose page cache is bounded, with the same
fingerprints and the same answers. With ``JOBDIR`` they persist in
``JOBDIR/requests.seen.sqlite``, so a paused crawl resumes without fetching a page twice;
without it they go to a private temporary database that SQLite deletes when it closes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

# Inserts per transaction: one commit per page would cost more than the lookup itself.
BATCH = 1000
CACHE_KIB = 4096


class DiskDupeFilter(RFPDupeFilter):
    """Scrapy's ``RFPDupeFilter`` with its fingerprints in SQLite instead of a set."""

    def __init__(self, path: str | None = None, debug: bool = False, **kwargs: Any) -> None:
        # The parent without a path: no requests.seen file, and its set stays empty.
        super().__init__(None, debug, **kwargs)
        # "" is SQLite's private temporary database, deleted when it closes.
        db_file = str(Path(path, "requests.seen.sqlite")) if path else ""
        self._db = sqlite3.connect(db_file, isolation_level=None)
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("PRAGMA journal_mode = " + ("WAL" if path else "OFF"))
        self._db.execute("CREATE TABLE IF NOT EXISTS seen (fp BLOB PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("BEGIN")
        self._pending = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskDupeFilter:
        return cls(
            job_dir(crawler.settings),
            crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )

    def request_seen(self, request: Request) -> bool:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO seen (fp) VALUES (?)", (self._fingerprint(request),)
        )
        if cursor.rowcount == 0:
            return True
        self._pending += 1
        if self._pending >= BATCH:
            self._db.execute("COMMIT")
            self._db.execute("BEGIN")
            self._pending = 0
        return False

    def close(self, reason: str) -> None:
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._db.close()
        super().close(reason)
