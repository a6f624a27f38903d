"""Extensions: the ``crawls/`` row of each run, its one-line summary and its verdict."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from scrapy import signals

from crawler.runtime import CrawlRuntime
from pipelines.store.base import StorageError
from pipelines.store.schema import CRAWLS, with_version

logger = logging.getLogger(__name__)

FAILED_STAT = "listings/failed"


def verdict(pages_fetched: int, articles: int, errors: int, max_error_share: float) -> str | None:
    """Why a finished run counts as failed, or None when it did its job."""
    if pages_fetched == 0:
        return "no page could be fetched"
    attempted = articles + errors
    if attempted and errors / attempted > max_error_share:
        return (
            f"{errors} of {attempted} pages ended as errors, "
            f"more than LISTINGS_MAX_ERROR_SHARE={max_error_share:g}"
        )
    return None


class CrawlRecord:
    def __init__(self, crawler: Any, max_error_share: float) -> None:
        self.crawler = crawler
        self.max_error_share = max_error_share

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlRecord:
        ext = cls(crawler, crawler.settings.getfloat("LISTINGS_MAX_ERROR_SHARE"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        state = CrawlRuntime.of(self.crawler)
        state.index  # noqa: B018 - open and reconcile the index before the first request
        logger.info(
            "Crawl %s starts at %s, writing to %s.",
            state.crawl_id,
            ", ".join(spider.start_urls) or "the shared queue",
            state.dataset,
        )

    def spider_closed(self, spider: Any, reason: str) -> None:
        state = CrawlRuntime.of(self.crawler)
        stats = self.crawler.stats
        get = lambda key: int(stats.get_value(key, 0) or 0)  # noqa: E731
        articles = get("listings/rows/articles")
        errors = get("listings/rows/errors")
        row = {
            "crawl_id": state.crawl_id,
            "started": state.started,
            "finished": datetime.now(UTC),
            "start_urls": list(spider.start_urls),
            "pages_fetched": get("response_received_count"),
            "articles_new": articles,
            "listing_hits": get("listings/rows/listing_hits"),
            "duplicates": get("listings/duplicates") + get("listings/near_duplicates"),
            "errors": errors,
            "finish_reason": reason,
        }
        try:
            table = pa.Table.from_pylist([row], schema=with_version(CRAWLS))
            state.dataset.write_table("crawls", f"part-{state.crawl_id}.parquet", table)
        except (OSError, StorageError) as exc:
            logger.error("Could not write the crawls/ row: %s", exc)
        finally:
            state.release()
        # A distributed worker may find all the work taken by the others, or hand back the
        # request it held when the queue drained: fetching nothing without a single error
        # is no failure there.
        dequeued = get("scheduler/dequeued") + get("scheduler/dequeued/redis")
        failed = verdict(row["pages_fetched"], articles, errors, self.max_error_share)
        if self.crawler.settings.get("REDIS_URL") and not (row["pages_fetched"] or errors):
            failed = None
        failed = failed if dequeued else None
        if reason not in ("finished", "shutdown") and not failed:
            failed = f"the crawl ended early ({reason})"
        if state.store_failure:
            failed = "the dataset could not be written (see the error above)"
        summary = (
            f"Crawl {state.crawl_id} {reason}: {row['pages_fetched']} pages fetched, "
            f"{articles} new articles, {row['listing_hits']} listing hits, "
            f"{row['duplicates']} duplicates, {errors} errors; dataset in {state.dataset}."
        )
        logger.info(summary)
        if failed:
            stats.set_value(FAILED_STAT, failed)
            logger.error("This run failed: %s.", failed)
