"""The Scrapy item pipelines, in crawl order. Each does one thing and counts what it did.

This is the one module of ``pipelines/`` that knows Scrapy: it wires the framework-free
page functions and dataset to the crawl. The per-crawl runtime (writers, index, sites) is
reached through the ``LISTINGS_RUNTIME`` setting, so nothing here imports ``crawler/``.

- ``ExtractArticles``: an ``ArticlePage`` becomes an ``Article`` or a ``PageError``
  (inline, or in the crawl's process pool that keeps both cores busy);
- ``DeduplicateArticles``: an article already stored is dropped, a near-duplicate is marked,
  the URLs that led to it are remembered (``aliases/``) and the listing hits held for it
  are written with its URL;
  a rechecked article (``LISTINGS_RECHECK_DAYS``) whose text changed goes through as a new
  version (and its versions to ``versions/``), an unchanged one only records the check;
- ``WriteDataset``: every row goes to its table's Parquet writer.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object

from pipelines.model import Alias, Article, ArticlePage, ListingHit, PageError, Version
from pipelines.pages.extract import ExtractOptions, extract_page
from pipelines.pages.sites import SiteConfig
from pipelines.store.base import Dataset, StorageError
from pipelines.store.index import ArticleIndex, Check
from pipelines.store.writer import TableWriter
from pipelines.text.clean import DEFAULT_BOILERPLATE
from pipelines.text.fingerprints import simhash
from pipelines.text.urls import site_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class CrawlContext(Protocol):
    """What the item pipelines need of the crawl's runtime object (``LISTINGS_RUNTIME``)."""

    crawl_id: str
    dataset: Dataset
    store_failure: str | None
    redis_url: str | None
    before_close: list[Callable[[], None]]
    pool: WorkerPool

    @property
    def index(self) -> ArticleIndex: ...
    def site_for(self, host: str) -> SiteConfig: ...
    def writer(self, table: str) -> TableWriter: ...
    def fail_storage(self, reason: str) -> bool: ...
    def hold_hit(self, hit: ListingHit, key: str) -> None: ...
    def release_hits(self, keys: list[str], url: str | None = None) -> list[ListingHit]: ...
    def close(self) -> None: ...


@functools.cache
def _runtime_factory(path: str) -> Callable[[Crawler], CrawlContext]:
    return load_object(path)  # type: ignore[no-any-return]


def runtime_of(crawler: Crawler) -> CrawlContext:
    """The crawler's runtime object, found through the ``LISTINGS_RUNTIME`` setting."""
    return _runtime_factory(crawler.settings["LISTINGS_RUNTIME"])(crawler)


class WorkerPool(Protocol):
    """The crawl's process pool (``crawler/pool.py``), shared with the spider's card detection."""

    workers: int
    timeout: float

    def start(self) -> None: ...
    async def run(self, fn: Callable[..., Any], *args: Any) -> Any: ...
    def failure(self, exc: BaseException, what: str) -> str: ...


class ExtractArticles:
    """Runs the extractor (``LISTINGS_EXTRACTOR``) on each downloaded article page.

    The work goes to the crawl's pool (``LISTINGS_EXTRACT_WORKERS`` processes; 0 extracts
    inline): the reactor stays free to download while pages are extracted, a page that takes
    longer than ``LISTINGS_EXTRACT_TIMEOUT`` seconds or kills its worker becomes an error
    row, and the pool replaces the worker.
    """

    def __init__(
        self,
        crawler: Crawler,
        options: ExtractOptions,
        extractor: Callable[..., Article | PageError] = extract_page,
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.extractor = extractor
        self.options = options

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractArticles:
        s = crawler.settings
        boilerplate = DEFAULT_BOILERPLATE + tuple(s.getlist("LISTINGS_BOILERPLATE"))
        options = ExtractOptions(
            min_chars=s.getint("LISTINGS_MIN_TEXT_CHARS"), boilerplate=boilerplate
        )
        return cls(crawler, options, load_object(s["LISTINGS_EXTRACTOR"]))

    @property
    def pool(self) -> WorkerPool:
        return runtime_of(self.crawler).pool

    def open_spider(self) -> None:
        self.pool.start()

    def close_spider(self) -> None:
        """Nothing to close: the pool is the crawl's, closed once the spider is (the spider
        reads listing pages in it until then)."""

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        site = runtime_of(self.crawler).site_for(site_of(item.url))
        try:
            result = await self.pool.run(self.extractor, item, site, self.options)
        except Exception as exc:  # a hung or crashed worker, a bug on one page: a row, not a stop
            result = item.error("extract", self.pool.failure(exc, "extraction"))
        if isinstance(result, PageError):
            self.stats.inc_value("listings/extract_errors")
        else:
            result.aliases = list(item.aliases)
            result.warc_file, result.warc_offset = item.warc_file, item.warc_offset
            result.etag, result.last_modified = item.etag, item.last_modified
            result.recheck = item.recheck
            self.stats.inc_value("listings/articles_extracted")
            # Shapes of metadata the extraction did not expect: counted, never fatal.
            for name in getattr(result, "oddities", None) or ():
                self.stats.inc_value(f"listings/oddities/{name}")
        return result


def store_failed(crawler: Crawler, what: str, exc: Exception) -> DropItem:
    """The first failure to write the dataset stops the crawl, with one clear line."""
    if runtime_of(crawler).fail_storage(f"could not store {what}: {exc}"):
        logger.error("Could not store %s, the crawl stops: %s", what, exc)
        assert crawler.engine is not None
        deferred_from_coro(crawler.engine.close_spider_async(reason="store_error"))
    crawler.stats.inc_value("listings/store_errors")
    return DropItem(f"store failed: {exc}", log_level="DEBUG")


class DeduplicateArticles:
    """One row per canonical URL over all crawls; near-duplicate text is marked.

    Every URL that led to an article (its page's aliases) is remembered in the index and
    in ``aliases/``; the listing hits held for any of them are written with its URL.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.write = WriteDataset(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeduplicateArticles:
        return cls(crawler)

    def open_spider(self) -> None:
        runtime_of(self.crawler).before_close.append(self.release_all)

    def emit(self, row: Any) -> None:
        """Write a row that is not the item passing through (a held hit, an alias)."""
        # A DropItem here means the store failed, and said so once.
        with contextlib.suppress(DropItem):
            self.write.process_item(row)

    def release_all(self) -> None:
        """At the end: the hits still held, resolved through the aliases where possible."""
        state = runtime_of(self.crawler)
        keys = list(getattr(state, "held_hits", {}))
        for hit in state.release_hits(keys):
            hit.url = state.index.resolve(hit.url)
            self.emit(hit)

    def resolved(self, item: Article) -> None:
        """Remember the article's aliases and write the hits held for them."""
        state = runtime_of(self.crawler)
        aliases = [a for a in item.aliases if a != item.url]
        for alias in state.index.add_aliases(item.url, aliases):
            self.emit(Alias(alias, item.url, item.first_seen or datetime.now(UTC)))
            self.stats.inc_value("listings/aliases")
        for hit in state.release_hits([item.url, *aliases], item.url):
            self.emit(hit)

    def hold_or_resolve(self, hit: ListingHit) -> ListingHit:
        """The hit with its article's URL; held (dropped for now) while the article is
        not known yet, to be written once it resolves."""
        state = runtime_of(self.crawler)
        target = state.index.resolve(hit.url)
        # Distributed, another worker may fetch the article: a hit held here would die
        # with a killed worker, so it is written now, resolved as far as the index knows.
        if state.index.is_known(target) or state.redis_url:
            hit.url = target
            return hit
        state.hold_hit(hit, hit.url)
        raise DropItem(f"held until its article resolves: {hit.url}", log_level="DEBUG")

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ListingHit):
            return self.hold_or_resolve(item)
        if isinstance(item, PageError):
            for hit in runtime_of(self.crawler).release_hits([item.url]):
                self.emit(hit)
        if not isinstance(item, Article):
            return item
        state = runtime_of(self.crawler)
        index = state.index
        if item.recheck:
            try:
                check = index.check_of(item.url)
                if check is not None:
                    return self.new_version(item, check)
            except (sqlite3.Error, OSError) as exc:
                raise store_failed(self.crawler, "the state index", exc) from exc
        fingerprint = item.fingerprint if item.fingerprint is not None else simhash(item.text)
        try:
            duplicate_of = index.near_duplicate_of(item.content_hash or "", fingerprint)
            pending = state.writer("articles").pending_name
            reserved = index.reserve(item.url, item.content_hash or "", fingerprint, pending)
        except (sqlite3.Error, OSError) as exc:  # the index shares DATA_DIR's disk
            raise store_failed(self.crawler, "the state index", exc) from exc
        try:
            self.resolved(item)
        except (sqlite3.Error, OSError) as exc:
            raise store_failed(self.crawler, "the state index", exc) from exc
        if not reserved:
            self.stats.inc_value("listings/duplicates")
            raise DropItem(f"already stored: {item.url}", log_level="DEBUG")
        if duplicate_of and duplicate_of != item.url:
            item.duplicate_of = duplicate_of
            self.stats.inc_value("listings/near_duplicates")
        return item

    def new_version(self, item: Article, check: Check) -> Article:
        """A rechecked article: the check recorded; a changed text goes on as a new version."""
        state = runtime_of(self.crawler)
        now = item.first_seen or datetime.now(UTC)
        etag = item.etag or check.etag
        last_modified = item.last_modified or check.last_modified
        if item.content_hash == check.content_hash:
            check.checked_at, check.etag, check.last_modified = now, etag, last_modified
            state.index.record_check(check)
            self.stats.inc_value("listings/recheck/unchanged")
            raise DropItem(f"unchanged since its last check: {item.url}", log_level="DEBUG")
        if check.version == 1:
            # The first change: the text stored so far becomes version 1 of versions/.
            first = first_version(state.dataset, state.index.file_of(item.url), item.url)
            if first is not None:
                self.emit(first)
        item.version = check.version + 1
        pending = state.writer("articles").pending_name
        fresh = Check(item.url, item.version, item.content_hash, etag, last_modified, now)
        state.index.record_check(fresh, pending_file=pending)
        self.emit(
            Version(
                url=item.url,
                version=item.version,
                text=item.text,
                fetched_at=now,
                modified=item.modified,
                content_hash=item.content_hash,
                title=item.title,
            )
        )
        self.stats.inc_value("listings/recheck/changed")
        return item


def first_version(dataset: Dataset, file: str | None, url: str) -> Version | None:
    """The stored row of ``url`` in ``file`` as a ``versions/`` row (version 1)."""
    if file is None or file.startswith("pending:"):
        return None
    columns = ["url", "text", "title", "first_seen", "content_hash", "crawl_id"]
    try:
        rows = dataset.read("articles", file, [*columns, "modified"]).to_pylist()
    except Exception:  # a file of schema 1.1 or older: no modified column
        rows = dataset.read("articles", file, columns).to_pylist()
    for row in rows:
        if row["url"] == url:
            return Version(
                url=url,
                version=1,
                text=row["text"],
                fetched_at=row["first_seen"],
                modified=row.get("modified"),
                content_hash=row["content_hash"],
                title=row["title"],
                crawl_id=row["crawl_id"],
            )
    return None


_TABLE_OF = {
    Article: "articles",
    ListingHit: "listing_hits",
    PageError: "errors",
    Alias: "aliases",
    Version: "versions",
}


class WriteDataset:
    """Rows to Parquet, one writer per table, files committed atomically."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WriteDataset:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        table = _TABLE_OF.get(type(item))
        if table is None:
            return item
        state = runtime_of(self.crawler)
        if state.store_failure:  # stopping; the first error said why, once
            raise DropItem("not stored: the dataset cannot be written", log_level="DEBUG")
        row = ItemAdapter(item).asdict()
        row["crawl_id"] = row.get("crawl_id") or state.crawl_id
        if table == "listing_hits":
            row["site"] = row.get("site") or site_of(row["listing_url"])
        elif table in ("articles", "errors"):
            row["site"] = row.get("site") or site_of(row["url"])
        try:
            state.writer(table).write(row)
        except StorageError as exc:
            state.writer(table).abort()
            raise store_failed(self.crawler, f"a {table} row", exc) from exc
        self.stats.inc_value(f"listings/rows/{table}")
        return item

    def close_spider(self) -> None:
        try:
            runtime_of(self.crawler).close()
        except StorageError as exc:
            logger.error("Could not finish the dataset files: %s", exc)
            runtime_of(self.crawler).fail_storage(f"could not finish the dataset files: {exc}")
            self.stats.inc_value("listings/store_errors")
