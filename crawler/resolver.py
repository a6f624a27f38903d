"""``PublicOnlyResolver`` (``TWISTED_DNS_RESOLVER``): no connection to a non-public address.

A host name that resolves to a loopback, private or link-local address is refused unless a
start URL's host is that name (DNS rebinding and internal names).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.middlewares.scope import resolved_refusal

logger = logging.getLogger(__name__)


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
