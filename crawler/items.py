"""Typed items. The spider yields ``ArticlePage`` and ``ListingHit``; the pipelines turn
pages into ``Article`` rows or ``PageError`` rows. Field names follow the dataset contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class CardInfo:
    """What a listing card said about an article."""

    title: str | None = None
    excerpt: str | None = None
    published: datetime | None = None
    category: str | None = None


@dataclass
class ArticlePage:
    """A downloaded article page, not yet extracted (so extraction can run elsewhere)."""

    url: str
    body: bytes
    content_type: str | None
    status: int
    fetched_at: datetime
    listing_url: str | None = None
    card: CardInfo | None = None


@dataclass
class Article:
    url: str
    site: str
    text: str
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


@dataclass
class ListingHit:
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


@dataclass
class PageError:
    url: str
    stage: str
    error: str
    at: datetime
    status: int | None = None
    crawl_id: str | None = None
