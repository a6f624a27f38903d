"""The article index: which articles the dataset holds, and which text is nearly theirs.

Two implementations answer the same questions with the same meaning: ``SQLiteIndex``
(embedded, one crawl at a time) and ``RedisIndex`` (shared by distributed workers). Both are
derived from the Parquet files and reconciled with them at every start.

Aliases (every URL under which an article was linked or reached, ``aliases/``) map to the
article's URL: ``resolve`` answers the article a requested URL stands for. An alias is
only ever added, never dropped: one left behind by a killed run points at an article that
is not stored, and the article's own entry decides what is stored.

Checks (``LISTINGS_RECHECK_DAYS``): per article, its latest version, content hash, HTTP
validators (``ETag``, ``Last-Modified``) and when it was last checked, so a scheduled run
can ask the site again with a conditional GET. Derived from ``articles/`` like the rest
(``first_seen`` of the latest version stands for its last check); a check that found
nothing new (a 304, or the same text) lives only in the index, so a rebuilt index
rechecks such an article a little earlier than needed, never later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from pipelines.text.urls import site_of

if TYPE_CHECKING:
    from pipelines.store.base import Dataset

PENDING = "pending:"


@dataclass
class Check:
    """What the index knows of a stored article for its next recheck."""

    url: str
    version: int
    content_hash: str | None
    etag: str | None
    last_modified: str | None
    checked_at: datetime
    # 404 or 410 at a recheck: the article left the site and is not asked for again.
    gone: bool = False

    def newer_than(self, other: Check) -> bool:
        return (self.version, self.checked_at) > (other.version, other.checked_at)


_CHECK_COLUMNS = ["url", "content_hash", "version", "etag", "last_modified", "first_seen"]


def checks_in_file(dataset: Dataset, name: str) -> list[Check]:
    """The checks an ``articles/`` file stands for, the latest version per URL."""
    try:
        rows = dataset.read("articles", name, _CHECK_COLUMNS).to_pylist()
    except Exception:  # a file of schema 1.1 or older: no version nor validators
        rows = dataset.read("articles", name, ["url", "content_hash", "first_seen"]).to_pylist()
    out: dict[str, Check] = {}
    for row in rows:
        check = Check(
            url=row["url"],
            version=row.get("version") or 1,
            content_hash=row["content_hash"],
            etag=row.get("etag"),
            last_modified=row.get("last_modified"),
            checked_at=row["first_seen"] or datetime.fromtimestamp(0, UTC),
        )
        if check.url not in out or check.newer_than(out[check.url]):
            out[check.url] = check
    return list(out.values())


def due(checks: Iterable[Check], hosts: set[str] | None, limit: int) -> list[Check]:
    """The first ``limit`` checks (oldest first, as given) of articles on ``hosts``."""
    out = []
    for check in checks:
        if len(out) >= limit:
            break
        if hosts is None or site_of(check.url) in hosts:
            out.append(check)
    return out


class ArticleIndex(Protocol):
    """What the crawl asks of an article index."""

    def reconcile(self) -> tuple[int, int]: ...
    def is_known(self, url: str) -> bool: ...
    def near_duplicate_of(self, content_hash: str, fingerprint: int) -> str | None: ...
    def file_of(self, url: str) -> str | None: ...
    def stored_before(self, url: str, crawl_id: str) -> bool: ...
    def count(self) -> int: ...
    def reserve(self, url: str, content_hash: str, fingerprint: int, pending_file: str) -> bool: ...
    def rename_files(self, renamed: dict[str, str]) -> None: ...
    def commit_file(self, pending_file: str, name: str) -> None: ...
    def resolve(self, url: str) -> str: ...
    def add_aliases(self, url: str, aliases: list[str]) -> list[str]: ...
    def check_of(self, url: str) -> Check | None: ...
    def record_check(self, check: Check, pending_file: str | None = None) -> None: ...
    def due_for_recheck(
        self, checked_before: datetime, limit: int, hosts: set[str] | None = None
    ) -> list[Check]: ...
    def close(self) -> None: ...


def crawl_of_file(name: str) -> str | None:
    """The crawl that wrote a data file (``part-<crawl_id>-<seq>.parquet``); None if merged."""
    m = re.fullmatch(r"part-(.+)-\d{5}\.parquet", name)
    return m.group(1) if m else None


def stored_by_other_crawl(file: str, crawl_id: str) -> bool:
    return not file.startswith(PENDING) and crawl_of_file(file) != crawl_id
