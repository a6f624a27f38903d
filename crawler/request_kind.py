"""What a request fetches, as the spider, the middlewares and the guards all read it."""

from __future__ import annotations

from enum import StrEnum

from scrapy.http import Request

# The request meta key holding the kind; the value is a plain string in the queue.
KIND_META = "listings_kind"


class RequestKind(StrEnum):
    """A listing page (cards and a next link), an article page, or a stored article asked
    for again with a conditional GET (``LISTINGS_RECHECK_DAYS``)."""

    LISTING = "listing"
    ARTICLE = "article"
    RECHECK = "recheck"


def kind_of(request: Request) -> RequestKind | None:
    """The kind the spider gave ``request``; None for requests it did not make."""
    value = request.meta.get(KIND_META)
    try:
        return RequestKind(value) if value is not None else None
    except ValueError:
        return None
