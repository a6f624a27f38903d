"""Guards: what a crawl may fetch, how hard it may push a host, and how it waits.

- ``LinkGuard`` (spider middleware): a link the crawl will not follow becomes an errors/
  row instead of vanishing: another host, a private address reached from a public page,
  a URL longer than ``URLLENGTH_LIMIT``, an article beyond ``DEPTH_LIMIT``. Listing pages
  stop one level earlier, so that ``DEPTH_LIMIT`` never drops an article silently. An
  exception while reading a listing page becomes a row too.
- ``RequestGuard`` (downloader middleware, before robots.txt and the network): the same
  host rules for every request, ``LISTINGS_MAX_REQUESTS_PER_HOST``, and the wait before
  a retry (exponential backoff, or the server's ``Retry-After``).
- ``ResponseGuard`` (downloader middleware, before redirects and retries are handled):
  refuses redirects that leave the crawl, loop, or lead to a page already fetched, and
  reads ``Retry-After``.
- ``PublicOnlyResolver`` (``TWISTED_DNS_RESOLVER``): a host name that resolves to a
  loopback, private or link-local address is refused unless a start URL's host is that
  name (DNS rebinding and internal names).

Hosts of a crawl are the hosts of its start URLs; ``www.`` is ignored, as elsewhere.
"""

from __future__ import annotations

import ipaddress
import logging
import weakref
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.error import DNSLookupError
from w3lib.url import safe_url_string

from crawler.request_kind import RequestKind, kind_of
from pipelines.model import PageError, Stage
from pipelines.text.urls import BadURL, canonical_url, is_private_host

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_AFTER_KEY = "listings_retry_after"
_COUNTED_KEY = "listings_counted"

# Start hosts that are themselves private: the resolver lets these, and only these,
# resolve to non-public addresses. Shared by every crawl of the process.
_PRIVATE_START_HOSTS: set[str] = set()


def bare_host(host: str) -> str:
    host = host.lower().strip("[]").rstrip(".")
    return host[4:] if host.startswith("www.") else host


def looks_private(host: str) -> bool:
    """Private without asking DNS: loopback/private/link-local literals, local-only names."""
    host = host.lower().strip("[]").rstrip(".")
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


def classify_private(host: str) -> bool:
    """Is a start host private? Names under ``.invalid`` never resolve: no DNS for them."""
    if host.lower().rstrip(".").endswith(".invalid"):
        return False
    return looks_private(host) or is_private_host(host)


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


@dataclass
class CrawlScope:
    """Which hosts one crawl may fetch, and what it has fetched and counted so far."""

    hosts: frozenset[str]
    private_hosts: frozenset[str]
    max_per_host: int
    per_host: Counter[str] = field(default_factory=Counter)
    seen: set[bytes] = field(default_factory=set)
    limit_logged: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, crawler: Any) -> CrawlScope:
        scope = _SCOPES.get(crawler)
        if scope is None:
            starts = [urlsplit(u).hostname or "" for u in crawler.spider.start_urls]
            hosts = frozenset(bare_host(h) for h in starts if h)
            private = frozenset(bare_host(h) for h in starts if h and classify_private(h))
            _PRIVATE_START_HOSTS.update(private)
            _PRIVATE_START_HOSTS.update(f"www.{h}" for h in private)
            scope = cls(
                hosts=hosts,
                private_hosts=private,
                max_per_host=crawler.settings.getint("LISTINGS_MAX_REQUESTS_PER_HOST"),
            )
            _SCOPES[crawler] = scope
        return scope

    def add_hosts(self, hosts: Iterable[str]) -> None:
        """More start hosts: a distributed worker learns those of the other workers."""
        new = {bare_host(h) for h in hosts if h} - self.hosts
        private = {h for h in new if classify_private(h)}
        _PRIVATE_START_HOSTS.update(private)
        _PRIVATE_START_HOSTS.update(f"www.{h}" for h in private)
        self.hosts = self.hosts | new
        self.private_hosts = self.private_hosts | private

    def is_private(self, host: str) -> bool:
        return bare_host(host) in self.private_hosts or looks_private(host)

    def refusal(self, url: str, from_url: str | None) -> str | None:
        """Why the crawl must not fetch ``url`` (reached from ``from_url``), or None."""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            from_host = (urlsplit(from_url).hostname or "") if from_url else ""
        except ValueError:  # "http://[::1": no URL at all
            return f"{url} is not a valid URL"
        if parts.scheme not in ("http", "https") or not host:
            return f"{url} is not an http(s) URL"
        if bare_host(host) not in self.hosts:
            return f"{host} is not a host of this crawl"
        if from_host and self.is_private(host) and not self.is_private(from_host):
            return f"{host} is a private address, reached from the public {from_host}"
        return None

    def count(self, host: str) -> str | None:
        """Count one more page for ``host``; the reason to refuse it when over the limit."""
        key = bare_host(host)
        self.per_host[key] += 1
        if self.max_per_host and self.per_host[key] > self.max_per_host:
            if key not in self.limit_logged:
                self.limit_logged.add(key)
                logger.warning(
                    "LISTINGS_MAX_REQUESTS_PER_HOST=%d reached for %s: "
                    "its further pages become errors/ rows.",
                    self.max_per_host,
                    key,
                )
            return f"LISTINGS_MAX_REQUESTS_PER_HOST={self.max_per_host} reached for {key}"
        return None


_SCOPES: weakref.WeakKeyDictionary[Any, CrawlScope] = weakref.WeakKeyDictionary()


class LinkGuard:
    """Spider middleware: links that will not be followed become rows, not silence."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.depth_limit = crawler.settings.getint("DEPTH_LIMIT")
        self.max_url_length = crawler.settings.getint("URLLENGTH_LIMIT")

    @classmethod
    def from_crawler(cls, crawler: Any) -> LinkGuard:
        return cls(crawler)

    def _check(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        scope = CrawlScope.of(self.crawler)
        stats = self.crawler.stats
        depth = response.meta.get("depth", 0) + 1
        for item in result:
            kind = kind_of(item) if isinstance(item, Request) else None
            if kind is None:
                yield item
                continue
            reason = scope.refusal(item.url, response.url)
            if reason is None and self.max_url_length and len(item.url) > self.max_url_length:
                reason = f"URL longer than URLLENGTH_LIMIT={self.max_url_length}"
            if reason is None and kind is RequestKind.LISTING and 0 < self.depth_limit <= depth:
                # Its articles would lie beyond the limit: stop paging here instead.
                stats.inc_value("listings/limits/depth")
                logger.warning(
                    "Stopped paging at %s: DEPTH_LIMIT=%d reached.", response.url, self.depth_limit
                )
                continue
            if reason is None and self.depth_limit and depth > self.depth_limit:
                reason = f"beyond DEPTH_LIMIT={self.depth_limit}"
            if reason is None:
                # Counted here, so that a link farm's surplus never reaches the scheduler.
                reason = scope.count(urlsplit(item.url).hostname or "")
                item.meta[_COUNTED_KEY] = True
            if reason is None:
                yield item
                continue
            stats.inc_value("listings/refused")
            logger.debug("Not following %s: %s", item.url, reason)
            yield PageError.of(item.url, Stage.DOWNLOAD, f"not followed: {reason}")

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        return self._check(response, result)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        items = [item async for item in result]
        for item in self._check(response, items):
            yield item

    def process_spider_exception(
        self, response: Response, exception: Exception
    ) -> Iterable[Any] | None:
        # A page that breaks the reader is one errors/ row; the crawl goes on.
        request = response.request
        if request is None or kind_of(request) is None:
            return None
        self.crawler.stats.inc_value("listings/reader_errors")
        logger.warning(
            "Could not read %s: %s: %s", response.url, type(exception).__name__, exception
        )
        reason = f"could not read the page: {type(exception).__name__}: {exception}"
        return [PageError.of(response.url, Stage.EXTRACT, reason[:500], status=response.status)]


class RequestGuard:
    """Downloader middleware: host rules, per-host limit, and the wait before a retry."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.backoff = s.getfloat("LISTINGS_RETRY_BACKOFF")
        self.backoff_max = s.getfloat("LISTINGS_RETRY_BACKOFF_MAX")
        self.maxsize = s.getint("DOWNLOAD_MAXSIZE")
        self._received: weakref.WeakKeyDictionary[Request, int] = weakref.WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Any) -> RequestGuard:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(mw.request_dropped, signal=signals.request_dropped)
        if mw.maxsize:
            crawler.signals.connect(mw.bytes_received, signal=signals.bytes_received)
        return mw

    def spider_opened(self, spider: Any) -> None:
        # Before any download: the resolver must know which start hosts are private.
        CrawlScope.of(self.crawler)

    def _fingerprint(self, request: Request) -> bytes:
        return bytes(self.crawler.request_fingerprinter.fingerprint(request))

    def request_scheduled(self, request: Request, spider: Any) -> None:
        if kind_of(request) is None:
            return
        scope = CrawlScope.of(self.crawler)
        scope.seen.add(self._fingerprint(request))
        redirects = request.meta.get("redirect_urls")
        if not redirects:
            return
        # A redirect made after ResponseGuard looked (a <meta refresh>): checked here,
        # where the offsite filter would otherwise drop it without a trace.
        reason = scope.refusal(request.url, redirects[-1])
        if reason:
            self._emit(
                PageError.of(
                    redirects[0], Stage.DOWNLOAD, f"redirect to {request.url} refused: {reason}"
                )
            )
            raise IgnoreRequest(reason)

    def request_dropped(self, request: Request, spider: Any) -> None:
        # Duplicate requests are dropped on purpose; a redirected one would lose its URL.
        redirects = request.meta.get("redirect_urls")
        if kind_of(request) is None or not redirects:
            return
        self._emit(
            PageError.of(
                redirects[0],
                Stage.DOWNLOAD,
                f"redirects to {request.url}, which this crawl already fetched",
            )
        )

    def _emit(self, item: PageError) -> None:
        self.crawler.stats.inc_value("listings/refused")
        scraper = self.crawler.engine.scraper
        deferred_from_coro(scraper.start_itemproc_async(item, response=None))

    async def process_request(self, request: Request) -> None:
        kind = kind_of(request)
        if kind is not None:
            scope = CrawlScope.of(self.crawler)
            host = urlsplit(request.url).hostname or ""
            redirects = request.meta.get("redirect_urls")
            reason = scope.refusal(request.url, redirects[-1] if redirects else None)
            # Start requests; links were counted by LinkGuard, retries are the same page.
            fresh = not request.meta.get("retry_times") and not request.meta.get(_COUNTED_KEY)
            if reason is None and fresh:
                reason = scope.count(host)
                request.meta[_COUNTED_KEY] = True
            if reason:
                self.crawler.stats.inc_value("listings/refused")
                raise IgnoreRequest(reason)
        await self._back_off(request)

    def bytes_received(self, data: bytes, request: Request, spider: Any) -> None:
        self._received[request] = self._received.get(request, 0) + len(data)

    def process_exception(self, request: Request, exception: Exception) -> None:
        # A body cut at DOWNLOAD_MAXSIZE surfaces as a bare "cancelled": say why.
        if isinstance(exception, DownloadCancelledError) and not str(exception):
            received = self._received.get(request, 0)
            if received > self.maxsize:
                raise IgnoreRequest(
                    f"body larger than DOWNLOAD_MAXSIZE ({self.maxsize} bytes): "
                    f"cut after {received} bytes"
                ) from exception
        # robots.txt that cannot be fetched (DNS, reset, timeout) means "no rules", as in
        # Scrapy; said in one line rather than a traceback in the middle of the log.
        if (
            request.meta.get("dont_obey_robotstxt")
            and urlsplit(request.url).path == "/robots.txt"
            and not isinstance(exception, IgnoreRequest)
        ):
            logger.warning(
                "No robots.txt from %s (%s): crawling as if it allowed everything.",
                urlsplit(request.url).netloc,
                type(exception).__name__,
            )
            raise IgnoreRequest(f"robots.txt could not be fetched: {exception}") from exception

    async def _back_off(self, request: Request) -> None:
        retries = request.meta.get("retry_times", 0)
        if retries:
            wait = min(self.backoff * 2 ** (retries - 1), self.backoff_max)
            wait = max(wait, request.meta.get(_RETRY_AFTER_KEY) or 0.0)
            if wait > 0:
                self.crawler.stats.inc_value("listings/retry_wait_seconds", int(wait))
                await sleep(wait)


class ResponseGuard:
    """Downloader middleware: redirects checked before they are followed; Retry-After read."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.max_retry_after = s.getfloat("LISTINGS_MAX_RETRY_AFTER")
        self.retry_codes = {int(x) for x in s.getlist("RETRY_HTTP_CODES")}

    @classmethod
    def from_crawler(cls, crawler: Any) -> ResponseGuard:
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
        request.meta.pop(_RETRY_AFTER_KEY, None)
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
        request.meta[_RETRY_AFTER_KEY] = wait


class PublicOnlyResolver(CachingThreadedResolver):
    """The default resolver, refusing names that resolve to non-public addresses
    unless that name is the host of a start URL that is itself private."""

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:
        d = super().getHostByName(name, timeout)
        d.addCallback(self._check, name)
        return d

    @staticmethod
    def _check(address: str, name: str) -> str:
        reason = resolved_refusal(name, address)
        if reason:
            raise DNSLookupError(reason)
        return address


def resolved_refusal(name: str, address: str, allowed: Iterable[str] | None = None) -> str | None:
    """Why a connection to ``address`` (resolved from ``name``) is refused, or None."""
    allowed = _PRIVATE_START_HOSTS if allowed is None else set(allowed)
    try:
        public = ipaddress.ip_address(address.split("%")[0]).is_global
    except ValueError:
        return None
    if public or name.lower().rstrip(".") in allowed:
        return None
    return f"{name} resolves to the non-public address {address}, which this crawl may not reach"
