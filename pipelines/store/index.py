"""The article index: which articles the dataset holds, and which text is nearly theirs.

Two implementations answer the same questions with the same meaning: ``SQLiteIndex``
(embedded, one crawl at a time) and ``RedisIndex`` (shared by distributed workers). Both are
derived from the Parquet files and reconciled with them at every start.

Aliases (every URL under which an article was linked or reached, ``aliases/``) map to the
article's URL: ``resolve`` answers the article a requested URL stands for. An alias is
only ever added, never dropped: one left behind by a killed run points at an article that
is not stored, and the article's own entry decides what is stored.
"""

from __future__ import annotations

import re
from typing import Protocol

PENDING = "pending:"


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
    def close(self) -> None: ...


def crawl_of_file(name: str) -> str | None:
    """The crawl that wrote a data file (``part-<crawl_id>-<seq>.parquet``); None if merged."""
    m = re.fullmatch(r"part-(.+)-\d{5}\.parquet", name)
    return m.group(1) if m else None


def stored_by_other_crawl(file: str, crawl_id: str) -> bool:
    return not file.startswith(PENDING) and crawl_of_file(file) != crawl_id
