"""Every record of the pipeline, declared once.

A download is a ``FetchedPage`` (an ``ArticlePage`` when it is an article with its card);
the page functions turn it into a ``Listing`` of cards or an ``Article``; what cannot become
a record becomes a ``PageError``. ``ListingHit``, ``Article`` and ``PageError`` are rows of
the dataset: their field names follow the contract (``pipelines/store/schema.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class Stage(StrEnum):
    """Where a page stopped short of a record (the ``errors.stage`` column)."""

    DOWNLOAD = "download"
    EXTRACT = "extract"


@dataclass
class CardInfo:
    """What a listing card said about an article."""

    title: str | None = None
    excerpt: str | None = None
    published: datetime | None = None
    category: str | None = None


@dataclass
class FetchedPage:
    """A downloaded (or saved) page, not yet decoded: the input of every page function."""

    url: str
    # Never in a log line (reprs of items are logged): a page is kilobytes of HTML.
    body: bytes = field(repr=False)
    content_type: str | None
    status: int
    fetched_at: datetime

    def error(self, stage: Stage | str, reason: str) -> PageError:
        """The errors/ row for this page."""
        return PageError.of(self.url, stage, reason, status=self.status, at=self.fetched_at)


@dataclass
class ArticlePage(FetchedPage):
    """A downloaded article page and the card that led to it (extraction may run elsewhere)."""

    listing_url: str | None = None
    card: CardInfo | None = None
    # Every URL that led here (the card's link, each redirect hop, the final address).
    aliases: list[str] = field(default_factory=list)
    # The WARC record of the response, when the crawl archives (LISTINGS_WARC=on).
    warc_file: str | None = None
    warc_offset: int | None = None
    # The response's validators, sent back when the article is rechecked.
    etag: str | None = None
    last_modified: str | None = None
    # A stored article downloaded again (LISTINGS_RECHECK_DAYS): a changed text is a version.
    recheck: bool = False


@dataclass
class Article:
    """One row of articles/: the cleaned article, merged with its card."""

    url: str
    site: str
    text: str = field(repr=False)
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    excerpt: str | None = None
    lang: str | None = None
    lang_prob: float | None = None
    code_blocks: int = 0
    formulas: int = 0
    content_hash: str | None = None
    duplicate_of: str | None = None
    listing_url: str | None = None
    first_seen: datetime | None = None
    crawl_id: str | None = None
    # Text fingerprint for near-duplicate checks, computed beside the extraction; not a column.
    fingerprint: int | None = field(default=None, repr=False)
    # Metadata shapes the extraction did not expect (counted in the crawl's stats); not a column.
    oddities: list[str] = field(default_factory=list, repr=False)
    # The URLs that led to this article (from its page), recorded in aliases/; not a column.
    aliases: list[str] = field(default_factory=list, repr=False)
    # The WARC record the row was extracted from, when the crawl archives.
    warc_file: str | None = None
    warc_offset: int | None = None
    version: int = 1
    # Last modification as the page declares it.
    modified: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    # Downloaded again to see whether it changed (not a column).
    recheck: bool = field(default=False, repr=False)


@dataclass
class Version:
    """One row of versions/: one text of an article whose text changed once stored."""

    url: str
    version: int
    text: str = field(repr=False)
    fetched_at: datetime | None = None
    modified: datetime | None = None
    content_hash: str | None = None
    title: str | None = None
    crawl_id: str | None = None


@dataclass
class ListingHit:
    """One row of listing_hits/: a card seen on a listing page in one crawl."""

    seen_at: datetime
    listing_url: str
    page: int
    position: int
    url: str
    title: str | None = None
    excerpt: str | None = None
    category: str | None = None
    published: datetime | None = None
    crawl_id: str | None = None
    # Host of the listing page; filled from listing_url when the row is written.
    site: str | None = None
    # The link as the card showed it; ``url`` becomes the article's URL once it is known.
    card_url: str | None = None
    # Where the card came from: "html" (a listing page), "feed" or "sitemap".
    source: str | None = None
    # The WARC record of the listing page, when the crawl archives.
    warc_file: str | None = None
    warc_offset: int | None = None


@dataclass
class Alias:
    """One row of aliases/: a URL under which an article was linked or reached."""

    alias: str
    url: str
    seen_at: datetime
    crawl_id: str | None = None


@dataclass
class PageError:
    """A URL that could not become a record, with the stage and the reason (errors/)."""

    url: str
    stage: str
    error: str
    at: datetime
    status: int | None = None
    crawl_id: str | None = None
    # Host of the URL; filled from url when the row is written.
    site: str | None = None
    # A stored article whose recheck got 404 or 410: it left the site (its row is kept).
    gone: bool = False

    @classmethod
    def of(
        cls,
        url: str,
        stage: Stage | str,
        reason: str,
        *,
        status: int | None = None,
        at: datetime | None = None,
    ) -> PageError:
        """The one factory of error rows: ``at`` defaults to now."""
        return cls(url, str(stage), reason, at or datetime.now(UTC), status)
