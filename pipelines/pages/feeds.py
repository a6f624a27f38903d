"""Feeds and sitemaps as listings: RSS, Atom and JSON Feed entries, sitemap URLs.

A feed or a sitemap is one more way a blog lists its posts: each entry becomes a ``Card``
(url, title, published, category, excerpt from the summary), feed paging (Atom and RSS
``rel=next``) is the next page, and a sitemap index names the sitemaps to read next.
RSS and Atom go through feedparser (tolerant of broken feeds); sitemaps are streamed with
lxml's iterparse from a gzip stream or the raw body, entities never expanded and nothing
fetched, so a hostile or huge sitemap is bounded by ``max_entries``.
"""

from __future__ import annotations

import calendar
import gzip
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

from pipelines.model import FetchedPage
from pipelines.pages.extract import merge_published
from pipelines.pages.listing import Card
from pipelines.text.clean import clean_excerpt, clean_title
from pipelines.text.dates import parse_date
from pipelines.text.urls import BadURL, canonical_url, same_site

# A sitemap may list 50,000 URLs (the protocol's limit); more is read only up to this bound.
MAX_ENTRIES = 50_000
# Decompressed bytes read from a gzipped sitemap, as DOWNLOAD_MAXSIZE bounds a download.
MAX_INFLATED = 64 * 1024 * 1024

_SNIFF = 2048
# An internal DTD subset declares entities; feeds need none, and expanding them is the
# "billion laughs" attack: the subset is dropped before parsing.
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?\]\s*>", re.S | re.I)
_XML_TYPES = ("xml", "rss", "atom")


class FeedKind(StrEnum):
    """What kind of listing a non-HTML page is."""

    RSS = "rss"
    ATOM = "atom"
    JSON_FEED = "json_feed"
    SITEMAP = "sitemap"
    SITEMAP_INDEX = "sitemap_index"


class FeedError(ValueError):
    """The feed or sitemap cannot be read; the message says why, in one sentence."""


@dataclass
class FeedListing:
    """The cards of a feed or sitemap, its next page, and the sitemaps an index names."""

    kind: FeedKind
    cards: list[Card] = field(default_factory=list)
    next_url: str | None = None
    sitemaps: list[str] = field(default_factory=list)
    refused: int = 0  # entries on another site, or not http(s)


def _head(body: bytes) -> bytes:
    if body[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
                return gz.read(_SNIFF)
        except (OSError, EOFError):
            return b""
    return body[:_SNIFF]


def feed_kind(body: bytes, content_type: str | None = None) -> FeedKind | None:
    """The kind of feed or sitemap ``body`` is, or None for anything else (HTML included)."""
    head = _head(body).lstrip(b"\xef\xbb\xbf \t\r\n")
    kind = (content_type or "").split(";")[0].strip().lower()
    if head.startswith(b"{") and (b"jsonfeed.org" in head or "json" in kind):
        return FeedKind.JSON_FEED if b"jsonfeed.org" in head else None
    lowered = head.lower()
    if not (head.startswith(b"<") or any(t in kind for t in _XML_TYPES)):
        return None
    if b"<html" in lowered[:1024] or b"<!doctype html" in lowered[:1024]:
        return None
    if b"<sitemapindex" in lowered:
        return FeedKind.SITEMAP_INDEX
    if b"<urlset" in lowered:
        return FeedKind.SITEMAP
    if b"<feed" in lowered:
        return FeedKind.ATOM
    if b"<rss" in lowered or b"<rdf:rdf" in lowered:
        return FeedKind.RSS
    return None


def read_feed(page: FetchedPage, max_entries: int = MAX_ENTRIES) -> FeedListing:
    """The listing a feed or sitemap gives; FeedError if it is none of them or broken."""
    kind = feed_kind(page.body, page.content_type)
    if kind is None:
        raise FeedError("not a feed or a sitemap")
    if kind is FeedKind.JSON_FEED:
        return _json_feed(page, max_entries)
    if kind in (FeedKind.RSS, FeedKind.ATOM):
        return _syndication_feed(page, kind, max_entries)
    return _sitemap(page, kind, max_entries)


def _card(listing: FeedListing, page: FetchedPage, link: Any, **fields: Any) -> Card | None:
    """A card for ``link`` if it is an http(s) URL of the feed's own site."""
    if not isinstance(link, str) or not link.strip():
        listing.refused += 1
        return None
    try:
        url = canonical_url(urljoin(page.url, link.strip()))
    except BadURL:
        listing.refused += 1
        return None
    if not same_site(url, page.url):
        listing.refused += 1
        return None
    card = Card(position=len(listing.cards) + 1, url=url, **fields)
    listing.cards.append(card)
    return card


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    # Feeds escaped twice ("Bayes&amp;apos; Rule") still hold an entity once parsed.
    if "&" in value and ";" in value:
        value = html.unescape(value)
    return value.strip() or None


def _time(parsed: Any) -> datetime | None:
    # feedparser gives UTC struct_times; a broken date is simply absent.
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None
    except (TypeError, ValueError, OverflowError):
        return None


def _summary(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = etree.tostring(etree.HTML(f"<div>{value}</div>"), method="text", encoding="unicode")
    return clean_excerpt(text) or None


def _syndication_feed(page: FetchedPage, kind: FeedKind, max_entries: int) -> FeedListing:
    import feedparser

    body = page.body
    if b"<!ENTITY" in body[:65536].upper():
        body = _INTERNAL_SUBSET.sub(b"", body, count=1)
    parsed = feedparser.parse(
        body,
        response_headers={"content-type": page.content_type or "application/xml"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if parsed.get("bozo") and not parsed.get("entries"):
        reason = parsed.get("bozo_exception")
        raise FeedError(f"the feed cannot be read: {reason}")
    listing = FeedListing(kind)
    for entry in parsed.entries[:max_entries]:
        tags = entry.get("tags") or []
        category = _text(tags[0].get("term")) if tags and isinstance(tags[0], dict) else None
        _card(
            listing,
            page,
            entry.get("link"),
            title=clean_title(_text(entry.get("title")) or "") or None,
            excerpt=_summary(entry.get("summary")),
            published=_time(entry.get("published_parsed") or entry.get("updated_parsed")),
            category=category,
        )
    for link in parsed.feed.get("links", []):
        if isinstance(link, dict) and link.get("rel") == "next" and link.get("href"):
            listing.next_url = _same_site_url(page, link["href"])
            break
    return listing


def _same_site_url(page: FetchedPage, href: str) -> str | None:
    try:
        url = canonical_url(urljoin(page.url, href))
    except BadURL:
        return None
    return url if same_site(url, page.url) and url != page.url else None


def _json_feed(page: FetchedPage, max_entries: int) -> FeedListing:
    try:
        data = json.loads(page.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(f"the JSON feed cannot be read: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError("the JSON feed has no items")
    listing = FeedListing(FeedKind.JSON_FEED)
    for item in data["items"][:max_entries]:
        if not isinstance(item, dict):
            continue
        tags = item.get("tags")
        category = _text(tags[0]) if isinstance(tags, list) and tags else None
        published = item.get("date_published")
        _card(
            listing,
            page,
            item.get("url") or item.get("external_url"),
            title=clean_title(_text(item.get("title")) or "") or None,
            excerpt=_summary(item.get("summary") or item.get("content_html"))
            or (clean_excerpt(item["content_text"]) if _text(item.get("content_text")) else None),
            published=parse_date(published) if isinstance(published, str) else None,
            category=category,
        )
    if isinstance(data.get("next_url"), str):
        listing.next_url = _same_site_url(page, data["next_url"])
    return listing


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _stream(body: bytes) -> io.BufferedIOBase:
    if body[:2] != b"\x1f\x8b":
        return io.BytesIO(body)
    return _CappedGzip(body)


class _CappedGzip(io.RawIOBase):
    """A gzip stream that stops with FeedError once it has inflated ``MAX_INFLATED`` bytes."""

    def __init__(self, body: bytes) -> None:
        self._gz = gzip.GzipFile(fileobj=io.BytesIO(body))
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._gz.read(len(buffer))
        self._read += len(data)
        if self._read > MAX_INFLATED:
            raise FeedError(f"the sitemap inflates past {MAX_INFLATED} bytes")
        buffer[: len(data)] = data
        return len(data)


def _sitemap_entries(body: bytes) -> Iterator[dict[str, str]]:
    """Each ``<url>`` or ``<sitemap>`` entry as {child tag: text}, streamed."""
    events = etree.iterparse(
        _stream(body),
        events=("end",),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        recover=True,
    )
    entry: dict[str, str] = {}
    try:
        for _, element in events:
            name = _local(element.tag)
            if name in ("url", "sitemap"):
                yield entry
                entry = {}
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
            elif element.text and name not in entry:
                entry[name] = element.text.strip()
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"the sitemap cannot be read: {exc}") from None
    except (OSError, EOFError) as exc:
        raise FeedError(f"the sitemap is not valid gzip: {exc}") from None


def _sitemap(page: FetchedPage, kind: FeedKind, max_entries: int) -> FeedListing:
    listing = FeedListing(kind)
    for entry in _sitemap_entries(page.body):
        if len(listing.cards) + len(listing.sitemaps) >= max_entries:
            break
        loc = entry.get("loc")
        if kind is FeedKind.SITEMAP_INDEX:
            url = _same_site_url(page, loc) if loc else None
            if url:
                listing.sitemaps.append(url)
            else:
                listing.refused += 1
            continue
        # News sitemaps give the exact publication time; lastmod is a fallback.
        date = entry.get("publication_date") or entry.get("lastmod")
        _card(
            listing,
            page,
            loc,
            title=clean_title(entry["title"]) or None if entry.get("title") else None,
            published=parse_date(date) if date else None,
        )
    return listing


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def declared_feeds(tree: etree._Element, url: str) -> list[str]:
    """The feeds an HTML page declares (``<link rel=alternate type=…rss/atom/json>``) on its
    own site, in page order; comment feeds last, since they list comments, not posts."""
    found: list[str] = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = link.get("href")
        if "alternate" not in rel or kind not in _FEED_TYPES or not href:
            continue
        feed = _same_site_url(FetchedPage(url, b"", None, 200, datetime.now(UTC)), href)
        if feed and feed not in found:
            found.append(feed)
    return sorted(found, key=lambda u: "comment" in u.lower())


def merge_cards(card: Card, entry: Card) -> Card:
    """``card`` with the gaps it left filled from ``entry`` (the same post in a feed): what
    the card shows wins, the entry's exact time replaces a card's bare day.

    The category stays the card's: a feed's first ``<category>`` is as often a tag (Nikola,
    Hugo), and a card's category overrules the article page's own.
    """
    return Card(
        position=card.position,
        url=card.url,
        title=card.title or entry.title,
        excerpt=card.excerpt or entry.excerpt,
        published=merge_published(card.published, entry.published),
        category=card.category,
    )


def _folder(url: str) -> str:
    path = urlsplit(url).path or "/"
    head, _, last = path.rpartition("/")
    # "/blog" and "/blog/" are one listing; "/blog/index.html" is its folder.
    return (head if "." in last else path).rstrip("/") + "/"


def feed_of_listing(feed_url: str, listing_url: str) -> bool:
    """Is ``feed_url`` the feed of the listing at ``listing_url`` (so that what it lists and
    the cards do not is missing from the cards), not only of some wider part of the site?

    It is when it lies in the listing's folder: any feed of the site for a home page,
    ``/category/x/feed/`` for ``/category/x/``, but not the site's ``/feed/`` there.
    """
    if not same_site(feed_url, listing_url):
        return False
    return _folder(feed_url).startswith(_folder(listing_url))


def guessed_feeds(listing_url: str, names: tuple[str, ...] | list[str]) -> list[str]:
    """Where the feed of a listing that declares none may be: each of ``names`` in the
    listing's folder (``/blog/`` for ``/blog/`` and ``/blog/index.html``) and, for a page
    named like ``/blog.html``, in the folder of that name, which is where a generator that
    writes ``blog.html`` writes the blog's other files (ABlog does)."""
    parts = urlsplit(listing_url)
    path = parts.path or "/"
    head, _, last = path.rpartition("/")
    folders = [f"{head}/"]
    stem, dot, ext = last.rpartition(".")
    if dot and stem and ext.lower() in ("html", "htm") and stem.lower() != "index":
        folders.insert(0, f"{head}/{stem}/")
    elif not dot and last:
        folders = [f"{path}/"]
    found: list[str] = []
    for folder in folders:
        for name in names:
            try:
                url = canonical_url(urlunsplit((parts.scheme, parts.netloc, folder + name, "", "")))
            except BadURL:
                continue
            if url != listing_url and url not in found:
                found.append(url)
    return found
