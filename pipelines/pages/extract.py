"""One downloaded article page to one row: the unit of work an extraction worker runs.

Pure and picklable, so it runs the same inline, in a process pool, or in ``reprocess``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pipelines.model import Article, ArticlePage, PageError, Stage
from pipelines.pages.article import MIN_TEXT_CHARS, ArticleRecord, NotAnArticle, extract_article
from pipelines.pages.html import page_html
from pipelines.pages.sites import GENERIC, SiteConfig
from pipelines.pages.structured import watch_oddities
from pipelines.text.clean import DEFAULT_BOILERPLATE
from pipelines.text.dates import offset_stated
from pipelines.text.fingerprints import simhash
from pipelines.text.urls import site_of

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


@dataclass(frozen=True)
class ExtractOptions:
    """What a crawl's settings tell the extraction (plain values, picklable)."""

    min_chars: int = MIN_TEXT_CHARS
    boilerplate: tuple[str, ...] = DEFAULT_BOILERPLATE


def content_kind(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-case, without its parameters."""
    return (content_type or "").split(";")[0].strip().lower()


def _date_only(value: datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


def _same_clock(a: datetime, b: datetime) -> bool:
    """``a`` and ``b`` are the same wall-clock time read in two zones (a whole number of
    quarter hours apart, at most 14 hours)."""
    apart = abs(a - b)
    return timedelta(0) < apart <= timedelta(hours=14) and apart % timedelta(
        minutes=15
    ) == timedelta(0)


def merge_published(card: datetime | None, page: datetime | None) -> datetime | None:
    """The card's date unless it is only a day and the page gives a time on or near it
    (a listing's "2024-01-08" is the page's 2024-01-08T09:30+08:00 seen from UTC), or unless
    it shows a time with no offset that the page states with one ("2024-01-08 09:30" is
    2024-01-08T09:30+08:00), and the other way round."""
    if card is None or page is None:
        return card or page
    if _date_only(card) and not _date_only(page) and abs(page - card) < timedelta(days=2):
        return page
    if offset_stated(card) != offset_stated(page) and _same_clock(card, page):
        return card if offset_stated(card) else page
    return card


def _unreadable(page: ArticlePage) -> str | None:
    """Why the page holds no HTML to read, or None."""
    kind = content_kind(page.content_type)
    if kind not in _HTML_TYPES:
        return f"not an HTML page ({kind})"
    if not page.body.strip():
        return "empty page"
    if b"\x00" in page.body[:1024] and not page.body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary content, not an HTML page"
    return None


def refused_record(
    page: ArticlePage, site: SiteConfig = GENERIC, options: ExtractOptions = ExtractOptions()
) -> tuple[ArticleRecord, str] | None:
    """The record a page the crawl refuses as no article gives all the same, and why it is
    refused (``scrapy article`` shows both); None when it is an article or holds no HTML."""
    if _unreadable(page):
        return None
    with watch_oddities():
        result = extract_article(
            page.url,
            page_html(page),
            site=site,
            min_chars=options.min_chars,
            boilerplate=options.boilerplate,
            keep_refused=True,
        )
    if isinstance(result, NotAnArticle) and result.record is not None:
        return result.record, result.reason
    return None


def extract_page(
    page: ArticlePage, site: SiteConfig = GENERIC, options: ExtractOptions = ExtractOptions()
) -> Article | PageError:
    """Decode, extract, clean and merge with the card: an ``Article`` or a ``PageError``."""

    def error(reason: str) -> PageError:
        return page.error(Stage.EXTRACT, reason)

    unreadable = _unreadable(page)
    if unreadable:
        return error(unreadable)
    html = page_html(page)
    card = page.card
    # The card's date is merged below, not handed over: a listing often shows only the day
    # where the article page gives the exact time with its offset.
    known = {"title": card.title, "category": card.category} if card else None
    with watch_oddities() as oddities:
        record = extract_article(
            page.url,
            html,
            site=site,
            min_chars=options.min_chars,
            boilerplate=options.boilerplate,
            known=known,
        )
    if isinstance(record, NotAnArticle):
        return error(f"not an article: {record.reason}")
    # The card is what the site chose to show; the page filled in what the card lacked.
    return Article(
        url=record.url,
        site=site_of(record.url),
        text=record.text,
        title=record.title,
        author=record.author,
        published=merge_published(card.published if card else None, record.published),
        category=record.category,
        tags=record.tags,
        excerpt=card.excerpt if card else None,
        lang=record.lang,
        lang_prob=record.lang_prob,
        code_blocks=record.code_blocks,
        formulas=record.formulas,
        content_hash=record.content_hash,
        fingerprint=simhash(record.text),
        listing_url=page.listing_url,
        first_seen=page.fetched_at,
        modified=record.modified,
        etag=page.etag,
        last_modified=page.last_modified,
        recheck=page.recheck,
        oddities=sorted(set(oddities)),
    )
