"""``ResponseGuard`` (downloader middleware, before redirects and retries are handled).

Refuses redirects that leave the crawl, loop, or lead to a page already fetched, and reads
``Retry-After``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from crawler.middlewares.scope import RETRY_AFTER_KEY, CrawlScope
from crawler.request_kind import kind_of
from pipelines.text.urls import BadURL, canonical_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return float(min(int(text), 10**9))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ResponseGuard:
    """Downloader middleware: redirects checked before they are followed; Retry-After read."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.max_retry_after = s.getfloat("LISTINGS_MAX_RETRY_AFTER")
        self.retry_codes = {int(x) for x in s.getlist("RETRY_HTTP_CODES")}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseGuard:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in REDIRECT_STATUSES and not request.meta.get("dont_redirect"):
            self._check_redirect(request, response)
        if response.status in self.retry_codes:
            self._read_retry_after(request, response)
        return response

    def _check_redirect(self, request: Request, response: Response) -> None:
        location = response.headers.get("Location")
        if not location or kind_of(request) is None:
            return
        try:
            target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
        except ValueError:  # a Location that is no URL: nothing to follow
            raise IgnoreRequest(f"redirect to {location!r} refused: not a valid URL") from None
        scope = CrawlScope.of(self.crawler)
        reason = scope.refusal(target, request.url)
        if reason is None:
            chain = [*request.meta.get("redirect_urls", []), request.url]
            try:
                canon = canonical_url(target)
                if canon in {canonical_url(u) for u in chain}:
                    reason = "a redirect loop"
            except BadURL:
                reason = "not an http(s) URL"
        if reason is None:
            fingerprint = bytes(
                self.crawler.request_fingerprinter.fingerprint(request.replace(url=target))
            )
            if fingerprint in scope.seen:
                reason = "a page this crawl already fetched"
        if reason:
            self.crawler.stats.inc_value("listings/refused")
            raise IgnoreRequest(f"redirect to {target} refused: {reason}")

    def _read_retry_after(self, request: Request, response: Response) -> None:
        wait = parse_retry_after(response.headers.get("Retry-After"))
        request.meta.pop(RETRY_AFTER_KEY, None)
        if wait is None:
            return
        if wait > self.max_retry_after:
            # Waiting hours for one page is not a crawl: give it up now, as a row.
            logger.warning(
                "%s asks to retry in %d s, more than LISTINGS_MAX_RETRY_AFTER=%g: giving up.",
                request.url,
                wait,
                self.max_retry_after,
            )
            request.meta["dont_retry"] = True
            return
        request.meta[RETRY_AFTER_KEY] = wait
