"""Edited articles (``LISTINGS_RECHECK_DAYS``): stored articles asked for again.

A scheduled run asks the site again, with a conditional GET, for the stored articles last
checked more than ``LISTINGS_RECHECK_DAYS`` ago (at most ``LISTINGS_RECHECK_MAX``, oldest
first): a 304 or the same text records the check, a changed text becomes a new version, a
404 or 410 an ``errors/`` row with ``gone`` set.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.request_kind import KIND_META, RequestKind
from crawler.runtime import CrawlRuntime
from pipelines.model import PageError, Stage
from pipelines.store.index import Check

# Statuses the spider sees itself instead of Scrapy's HttpError filter.
RECHECK_STATUSES = [304, 404, 410]
CHECK_META = "listings_check"


def conditional_headers(check: Check) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` from what the article's response said."""
    headers = {}
    if check.etag:
        headers["If-None-Match"] = check.etag
    if check.last_modified:
        headers["If-Modified-Since"] = check.last_modified
    return headers


def validators(response: Response) -> dict[str, str | None]:
    """The response's ``ETag`` and ``Last-Modified``, as sent."""

    def header(name: str) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1").strip() or None if value else None

    return {"etag": header("ETag"), "last_modified": header("Last-Modified")}


def recheck_requests(crawler: Any, hosts: set[str], callback: Any, errback: Any) -> list[Any]:
    """The conditional requests of this run (none when ``LISTINGS_RECHECK_DAYS`` is 0)."""
    settings = crawler.settings
    days = settings.getfloat("LISTINGS_RECHECK_DAYS")
    limit = settings.getint("LISTINGS_RECHECK_MAX")
    if days <= 0 or limit <= 0:
        return []
    before = datetime.now(UTC) - timedelta(days=days)
    checks = CrawlRuntime.of(crawler).index.due_for_recheck(before, limit, hosts or None)
    crawler.stats.set_value("listings/recheck/requested", len(checks))
    return [
        scrapy.Request(
            check.url,
            callback=callback,
            errback=errback,
            headers=conditional_headers(check),
            # Asked for on purpose: the dupefilter of an earlier run (JOBDIR) must let it by.
            dont_filter=True,
            meta={
                KIND_META: RequestKind.RECHECK,
                CHECK_META: check,
                "handle_httpstatus_list": RECHECK_STATUSES,
            },
        )
        for check in checks
    ]


def unchanged(crawler: Any, check: Check, response: Response) -> None:
    """A 304: only the time of the check is recorded (new validators kept if sent)."""
    fresh = validators(response)
    check.etag = fresh["etag"] or check.etag
    check.last_modified = fresh["last_modified"] or check.last_modified
    check.checked_at = datetime.now(UTC)
    CrawlRuntime.of(crawler).index.record_check(check)
    crawler.stats.inc_value("listings/recheck/not_modified")


def gone(crawler: Any, check: Check, status: int) -> Iterator[PageError]:
    """A 404 or 410: the article left the site; its row stays, the check says gone."""
    check.gone = True
    check.checked_at = datetime.now(UTC)
    CrawlRuntime.of(crawler).index.record_check(check)
    crawler.stats.inc_value("listings/recheck/gone")
    error = PageError.of(
        check.url, Stage.DOWNLOAD, f"HTTP {status}: the stored article is gone", status=status
    )
    error.gone = True
    yield error
