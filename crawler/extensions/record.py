"""``CrawlRecord``: the ``crawls/`` row of each run, its verdict and its closing summary.

A run fails (status ``failed``, exit status 1) when a start URL's first listing page gives
no cards or cannot be fetched, when nothing could be fetched, when too many pages of a site
ended as errors, when the crawl ended early, or when the dataset could not be written. The
verdict is one sentence naming the site and the cause.
"""

from __future__ import annotations

import logging
import pprint
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
from scrapy import signals

from crawler.extensions.tally import Tally, errors_in_words
from crawler.runtime import CrawlRuntime
from pipelines.store.base import StorageError
from pipelines.store.schema import CRAWLS, TABLES, with_version
from pipelines.store.writer import ensure_loadable

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

FAILED_STAT = "listings/failed"
SUMMARY_STAT = "listings/summary"
OK, FAILED = "ok", "failed"


def verdict(pages_fetched: int, articles: int, errors: int, max_error_share: float) -> str | None:
    """Why a finished run counts as failed on its totals, or None when it did its job."""
    if pages_fetched == 0:
        return "no page could be fetched"
    attempted = articles + errors
    if attempted and errors / attempted > max_error_share:
        return (
            f"{errors} of {attempted} pages ended as errors, "
            f"more than LISTINGS_MAX_ERROR_SHARE={max_error_share:g}"
        )
    return None


def duration(seconds: float) -> str:
    """``seconds`` rounded, as ``H:MM:SS`` (never negative)."""
    return str(timedelta(seconds=round(max(seconds, 0.0))))


def summary_table(tally: Tally) -> list[str]:
    """The per-site table: listing pages, new articles, duplicates, errors, duration."""
    header = ("site", "listing pages", "new articles", "duplicates", "errors", "duration")
    rows = []
    for host, c in sorted(tally.sites.items()):
        if not (c.listing_pages or c.article_pages or c.articles or c.error_count):
            continue
        rows.append(
            (
                host,
                str(c.listing_pages),
                str(c.articles),
                str(c.duplicates),
                str(c.error_count),
                duration(c.seconds),
                errors_in_words(c.errors),
            )
        )
    if not rows:
        return []
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:6], widths[1:], strict=True)]
        tail = f"  {cells[6]}" if len(cells) > 6 and cells[6] else ""
        return "  ".join([first, *rest]) + tail

    return [line((*header, "errors by stage")), *(line(r) for r in rows)]


class CrawlRecord:
    """Extension writing a crawl's ``crawls/`` row, its verdict and its closing summary."""

    # Set by ``scrapy crawl``, which prints the summary itself once the crawl is over.
    printed_by_command: ClassVar[bool] = False

    def __init__(self, crawler: Crawler, max_error_share: float) -> None:
        self.crawler = crawler
        self.max_error_share = max_error_share
        self.tally = Tally.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecord:
        ext = cls(crawler, crawler.settings.getfloat("LISTINGS_MAX_ERROR_SHARE"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        state = CrawlRuntime.of(self.crawler)
        state.index  # noqa: B018 - open and reconcile the index before the first request
        self.tally.expect(list(spider.start_urls))
        logger.info(
            "Crawl %s starts at %s, writing to %s.",
            state.crawl_id,
            ", ".join(spider.start_urls) or "the shared queue",
            state.dataset,
        )

    def judge(self, reason: str, pages_fetched: int, articles: int, errors: int) -> str | None:
        """The one sentence saying why this run failed, or None."""
        state = CrawlRuntime.of(self.crawler)
        stats = self.crawler.stats
        get = lambda key: int(stats.get_value(key, 0) or 0)  # noqa: E731
        if state.store_failure:
            return "the dataset could not be written (see the error above)"
        # A distributed worker may find all the work taken by the others, or hand back the
        # request it held when the queue drained: fetching nothing without a single error
        # is no failure there.
        dequeued = get("scheduler/dequeued") + get("scheduler/dequeued/redis")
        idle_worker = self.crawler.settings.get("REDIS_URL") and not (pages_fetched or errors)
        clauses: list[str] = []
        if dequeued and not idle_worker:
            clauses = self.tally.start_failures() if reason == "finished" else []
            clauses += self.tally.site_error_failures(self.max_error_share)
            if not clauses:
                total = verdict(pages_fetched, articles, errors, self.max_error_share)
                clauses = [total] if total else []
        if not clauses and reason not in ("finished", "shutdown"):
            clauses = [f"the crawl ended early ({reason})"]
        return "; ".join(clauses) or None

    def spider_closed(self, spider: Any, reason: str) -> None:
        state = CrawlRuntime.of(self.crawler)
        stats = self.crawler.stats
        get = lambda key: int(stats.get_value(key, 0) or 0)  # noqa: E731
        articles = get("listings/rows/articles")
        errors = get("listings/rows/errors") - get("listings/recheck/gone")
        pages = get("response_received_count")
        failed = self.judge(reason, pages, articles, errors)
        finished = datetime.now(UTC)
        row = {
            "crawl_id": state.crawl_id,
            "started": state.started,
            "finished": finished,
            "start_urls": list(spider.start_urls),
            "pages_fetched": pages,
            "articles_new": articles,
            "listing_hits": get("listings/rows/listing_hits"),
            "duplicates": get("listings/duplicates") + get("listings/near_duplicates"),
            "errors": errors,
            "finish_reason": reason,
            "status": FAILED if failed else OK,
            "failure": f"{failed}." if failed else None,
        }
        try:
            if not state.store_failure:
                # Every table loads, with its columns, even when no run gave it a row.
                ensure_loadable(state.dataset, [t for t in TABLES if t != "crawls"])
            table = pa.Table.from_pylist([row], schema=with_version(CRAWLS))
            state.dataset.write_table("crawls", f"part-{state.crawl_id}.parquet", table)
        except (OSError, StorageError) as exc:
            logger.error("Could not write the crawls/ row: %s", exc)
        finally:
            state.release()
        skipped = get("listings/articles_already_stored")
        head = (
            f"Crawl {state.crawl_id} {reason} in {duration((finished - state.started).total_seconds())}: "
            f"{pages} pages fetched, {articles} new articles"
            + (f", {skipped} already stored" if skipped else "")
            + f", {row['listing_hits']} listing hits, {row['duplicates']} duplicates, "
            f"{errors} errors; dataset in {state.dataset}."
        )
        summary = "\n".join([head, *summary_table(self.tally)])
        stats.set_value(SUMMARY_STAT, summary)
        if failed:
            stats.set_value(FAILED_STAT, failed)
        logger.debug("Scrapy stats:\n%s", pprint.pformat(stats.get_stats()))
        if self.crawler.settings.get("LOG_FILE") or not self.printed_by_command:
            logger.info(summary)
            if failed:
                logger.error("This run failed: %s.", failed)
