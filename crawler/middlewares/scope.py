"""Which hosts one crawl may fetch: its start hosts, private ones among them, the per-host count.

Hosts of a crawl are the hosts of its start URLs; ``www.`` is ignored, as elsewhere. The meta
keys here are shared by the guards.
"""

from __future__ import annotations

import ipaddress
import logging
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.digests import DigestSet
from pipelines.text.urls import is_private_host

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


RETRY_AFTER_KEY = "listings_retry_after"


COUNTED_KEY = "listings_counted"


# Start hosts that are themselves private: the resolver lets these, and only these,
# resolve to non-public addresses. Shared by every crawl of the process.
PRIVATE_START_HOSTS: set[str] = set()


def bare_host(host: str) -> str:
    """``host`` lower-cased, without brackets, a trailing dot or ``www.``."""
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


@dataclass
class CrawlScope:
    """Which hosts one crawl may fetch, and what it has fetched and counted so far."""

    hosts: frozenset[str]
    private_hosts: frozenset[str]
    max_per_host: int
    per_host: Counter[str] = field(default_factory=Counter)
    seen: DigestSet = field(default_factory=DigestSet)  # fingerprints of scheduled requests
    limit_logged: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlScope:
        scope = _SCOPES.get(crawler)
        if scope is None:
            starts = [urlsplit(u).hostname or "" for u in crawler.spider.start_urls]
            hosts = frozenset(bare_host(h) for h in starts if h)
            private = frozenset(bare_host(h) for h in starts if h and classify_private(h))
            PRIVATE_START_HOSTS.update(private)
            PRIVATE_START_HOSTS.update(f"www.{h}" for h in private)
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
        PRIVATE_START_HOSTS.update(private)
        PRIVATE_START_HOSTS.update(f"www.{h}" for h in private)
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


def resolved_refusal(name: str, address: str, allowed: Iterable[str] | None = None) -> str | None:
    """Why a connection to ``address`` (resolved from ``name``) is refused, or None."""
    allowed = PRIVATE_START_HOSTS if allowed is None else set(allowed)
    try:
        public = ipaddress.ip_address(address.split("%")[0]).is_global
    except ValueError:
        return None
    if public or name.lower().rstrip(".") in allowed:
        return None
    return f"{name} resolves to the non-public address {address}, which this crawl may not reach"
