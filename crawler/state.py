"""What the components of one crawl share: its id, the dataset, the state index,
the site overrides and the table writers. One per crawler, made on first use."""

from __future__ import annotations

import secrets
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.dedup import DatasetIndex, crawl_of_file, stored_by_other_crawl
from pipelines.sites import GENERIC, SiteConfig, load_sites, site_for_host
from pipelines.storage import (
    Dataset,
    DatasetLock,
    TableWriter,
    lean_arrow_for_writing,
    open_dataset,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_STATES: weakref.WeakKeyDictionary[Any, CrawlState] = weakref.WeakKeyDictionary()
DEFAULT_SITES_FILE = Path(__file__).resolve().parent.parent / "sites.toml"


def new_crawl_id(now: datetime) -> str:
    # Sortable by time, unique across workers started in the same second.
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def sites_file(settings: Any) -> Path:
    return Path(settings.get("LISTINGS_SITES_FILE") or DEFAULT_SITES_FILE)


def dataset_of(settings: Any) -> Dataset:
    """``DATA_DIR``: a path, or an object store URI (StorageError if it is neither)."""
    return open_dataset(
        str(settings.get("DATA_DIR", "data")), settings.get("LISTINGS_STATE_DIR") or None
    )


@dataclass
class CrawlState:
    dataset: Dataset
    crawl_id: str
    started: datetime
    sites: dict[str, SiteConfig]
    row_group_rows: int
    roll_rows: int
    redis_url: str | None = None
    _index: Any = None
    writers: dict[str, TableWriter] = field(default_factory=dict)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlState:
        state = _STATES.get(crawler)
        if state is None:
            lean_arrow_for_writing()
            settings = crawler.settings
            started = datetime.now(UTC)
            state = cls(
                dataset=dataset_of(settings),
                crawl_id=settings.get("LISTINGS_CRAWL_ID") or new_crawl_id(started),
                started=started,
                sites=load_sites(sites_file(settings)),
                row_group_rows=settings.getint("PARQUET_ROW_GROUP_ROWS", 500),
                roll_rows=settings.getint("PARQUET_ROLL_ROWS", 5000),
                redis_url=settings.get("REDIS_URL") or None,
            )
            _STATES[crawler] = state
        return state

    _finished: set[str] | None = None
    _lock: DatasetLock | None = None

    @property
    def finished_crawls(self) -> set[str]:
        """Ids of earlier crawls that ran to their end (a killed one left no crawls/ row)."""
        if self._finished is None:
            self._finished = set()
            for name in self.dataset.files("crawls"):
                table = self.dataset.read("crawls", name, ["crawl_id", "finish_reason"])
                for row in table.to_pylist():
                    if row["finish_reason"] == "finished":
                        self._finished.add(row["crawl_id"])
        return self._finished

    def stored_completely(self, url: str) -> bool:
        """Stored by an earlier crawl that finished, so what was listed after it is stored too."""
        file = self.index.file_of(url)
        if file is None or not stored_by_other_crawl(file, self.crawl_id):
            return False
        crawl = crawl_of_file(file)
        return crawl is None or crawl in self.finished_crawls

    def site_for(self, host: str) -> SiteConfig:
        return site_for_host(self.sites, host) if self.sites else GENERIC

    @property
    def index(self) -> DatasetIndex:
        """Which articles are stored: embedded SQLite, or shared in Redis for many workers."""
        if self._index is None:
            self._lock = self.dataset.open_for_writing()
            if self.redis_url:
                from pipelines.redis_index import RedisIndex

                self._index = RedisIndex(self.redis_url, self.dataset)
            else:
                self._index = DatasetIndex(self.dataset)
            self._index.reconcile()
        return self._index

    def writer(self, table: str) -> TableWriter:
        if table not in self.writers:
            on_commit = self._articles_committed if table == "articles" else None
            self.writers[table] = TableWriter(
                self.dataset,
                table,
                self.crawl_id,
                row_group_rows=self.row_group_rows,
                roll_rows=self.roll_rows,
                on_commit=on_commit,
            )
        return self.writers[table]

    def _articles_committed(self, table: str, name: str) -> None:
        self.index.commit_file(name, name)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.commit()
        if self._index is not None:
            self._index.close()
            self._index = None

    def release(self) -> None:
        """Let compaction in: called once the last row of the crawl (crawls/) is written."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None
