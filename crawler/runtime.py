"""The one per-crawler runtime object: what the components of one crawl share.

Its id, the dataset, the article index, the site overrides, the table writers, the worker
pool (``crawler/pool.py``), and whether the dataset could not be written (failure as a
value, read by every component that must stop writing). Made on first use by
``CrawlRuntime.of(crawler)``; the item pipelines reach it through the ``LISTINGS_RUNTIME``
setting, so ``pipelines/`` never imports ``crawler/``.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.packaged import packaged_file
from crawler.pool import WorkPool
from pipelines.model import ListingHit
from pipelines.pages.sites import GENERIC, SiteConfig, load_sites, site_for_host
from pipelines.store import open_dataset
from pipelines.store.base import Dataset
from pipelines.store.crawl_lock import CrawlLock
from pipelines.store.index import ArticleIndex, crawl_of_file, stored_by_other_crawl
from pipelines.store.local import DatasetLock
from pipelines.store.sqlite_index import SQLiteIndex
from pipelines.store.writer import TableWriter, lean_arrow_for_writing

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

_RUNTIMES: weakref.WeakKeyDictionary[Crawler, CrawlRuntime] = weakref.WeakKeyDictionary()


def new_crawl_id(now: datetime) -> str:
    """A new crawl's id: its start time, then 6 random hex digits."""
    # Sortable by time, unique across workers started in the same second.
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def sites_file(settings: BaseSettings) -> Path:
    """The per-site overrides file: ``LISTINGS_SITES_FILE``, or the project's ``sites.toml``
    (``crawler/sites.toml``, a link to the one at the root, shipped in every install)."""
    configured = settings.get("LISTINGS_SITES_FILE")
    return Path(configured) if configured else packaged_file("sites.toml")


def dataset_of(settings: BaseSettings) -> Dataset:
    """``DATA_DIR``: a path, or an object store URI (StorageError if it is neither)."""
    return open_dataset(str(settings["DATA_DIR"]), settings.get("LISTINGS_STATE_DIR") or None)


@dataclass
class CrawlRuntime:
    """What the components of one crawl share; ``CrawlRuntime.of(crawler)`` gives it."""

    dataset: Dataset
    crawl_id: str
    started: datetime
    sites: dict[str, SiteConfig]
    row_group_rows: int
    roll_rows: int
    redis_url: str | None = None
    # The processes that extract articles and read listing pages (LISTINGS_EXTRACT_WORKERS).
    pool: WorkPool = field(default_factory=lambda: WorkPool(0, 30.0))
    _index: ArticleIndex | None = None
    # Why the dataset could not be written, once it could not: every writer stops.
    store_failure: str | None = None
    writers: dict[str, TableWriter] = field(default_factory=dict)
    # Listing hits whose article is not resolved yet, by the card's URL: written once the
    # article (or its error) comes through, so that ``url`` is the article's URL.
    held_hits: dict[str, list[ListingHit]] = field(default_factory=dict)
    # Called first by ``close``, while the writers are still open (held rows are written).
    before_close: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlRuntime:
        """The crawler's runtime, made from its settings on first use."""
        state = _RUNTIMES.get(crawler)
        if state is None:
            lean_arrow_for_writing()
            settings = crawler.settings
            started = datetime.now(UTC)
            state = cls(
                dataset=dataset_of(settings),
                crawl_id=settings.get("LISTINGS_CRAWL_ID") or new_crawl_id(started),
                started=started,
                sites=load_sites(sites_file(settings)),
                row_group_rows=settings.getint("PARQUET_ROW_GROUP_ROWS"),
                roll_rows=settings.getint("PARQUET_ROLL_ROWS"),
                redis_url=settings.get("REDIS_URL") or None,
                pool=WorkPool.from_settings(settings),
            )
            _RUNTIMES[crawler] = state
            crawler.signals.connect(state.pool.start, signal=signals.spider_opened)
            crawler.signals.connect(state.pool.close, signal=signals.spider_closed)
        return state

    _finished: set[str] | None = None
    _lock: DatasetLock | None = None
    _crawl_lock: CrawlLock | None = None

    def claim_dataset(self) -> None:
        """One local crawl per dataset: raises CrawlBusy while another live crawl writes it.

        Workers of one distributed crawl share the lock; a local crawl holds it alone.
        """
        if self._crawl_lock is None:
            lock = CrawlLock(self.dataset.state_dir)
            lock.acquire(shared=bool(self.redis_url), where=f"DATA_DIR {self.dataset}")
            self._crawl_lock = lock

    def hold_hit(self, hit: ListingHit, key: str) -> None:
        """Keep ``hit`` until the article behind ``key`` (the card's URL) resolves."""
        self.held_hits.setdefault(key, []).append(hit)

    def release_hits(self, keys: list[str], url: str | None = None) -> list[ListingHit]:
        """The hits held for any of ``keys``, their ``url`` set to ``url`` when given."""
        released = [hit for key in dict.fromkeys(keys) for hit in self.held_hits.pop(key, ())]
        if url is not None:
            for hit in released:
                hit.url = url
        return released

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
        """The per-site overrides for ``host``, or the generic detection."""
        return site_for_host(self.sites, host) if self.sites else GENERIC

    @property
    def index(self) -> ArticleIndex:
        """Which articles are stored: embedded SQLite, or shared in Redis for many workers."""
        if self._index is None:
            self._lock = self.dataset.open_for_writing()
            if self.redis_url:
                from pipelines.store.redis_index import RedisIndex

                self._index = RedisIndex(self.redis_url, self.dataset)
            else:
                self._index = SQLiteIndex(self.dataset)
            self._index.reconcile()
        return self._index

    def writer(self, table: str) -> TableWriter:
        """The table's writer for this crawl, opened on first use."""
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

    def fail_storage(self, reason: str) -> bool:
        """Record that the dataset cannot be written; True for the first failure only."""
        first = self.store_failure is None
        if first:
            self.store_failure = reason
        return first

    def _articles_committed(self, table: str, name: str) -> None:
        self.index.commit_file(name, name)

    def close(self) -> None:
        """Write what is held, commit every open file and close the index."""
        hooks, self.before_close = self.before_close, []
        for hook in hooks:
            hook()
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
        if self._crawl_lock is not None:
            self._crawl_lock.release()
            self._crawl_lock = None


def crawl_runtime(crawler: Crawler) -> CrawlRuntime:
    """``CrawlRuntime.of`` as a plain function: the default of ``LISTINGS_RUNTIME``."""
    return CrawlRuntime.of(crawler)
