"""Discovery beside a listing: which feed is a listing's own, how a card and a feed entry of
the same post fill each other's gaps, and which sitemaps a robots.txt gives."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.discovery import FeedGaps, robots_sitemaps, robots_url
from pipelines.model import FetchedPage
from pipelines.pages.feeds import feed_of_listing, guessed_feeds, merge_cards
from pipelines.pages.listing import Card

SITE = "http://blog.example"


@pytest.mark.parametrize(
    ("feed", "listing", "own"),
    [
        (f"{SITE}/feed/", f"{SITE}/", True),
        (f"{SITE}/atom.xml", f"{SITE}/", True),
        (f"{SITE}/?feed=rss2", f"{SITE}/?page=2", True),
        (f"{SITE}/category/notes/feed/", f"{SITE}/category/notes/", True),
        (f"{SITE}/category/notes/feed/", f"{SITE}/category/notes", True),
        (f"{SITE}/blog/index.xml", f"{SITE}/blog/index.html", True),
        # The site's feed lists more than one category's posts.
        (f"{SITE}/feed/", f"{SITE}/category/notes/", False),
        (f"{SITE}/category/notes-2/feed/", f"{SITE}/category/notes/", False),
        ("http://other.example/feed/", f"{SITE}/", False),
    ],
)
def test_feed_of_listing(feed: str, listing: str, own: bool) -> None:
    assert feed_of_listing(feed, listing) is own


DAY = datetime(2026, 1, 8, tzinfo=UTC)


def test_a_card_keeps_what_it_shows_and_takes_dates_and_summaries_it_lacks() -> None:
    card = Card(3, f"{SITE}/posts/1/", title="Card title", excerpt=None, published=None)
    entry = Card(
        1,
        f"{SITE}/posts/1/",
        title="Feed title",
        excerpt="Feed summary.",
        published=DAY + timedelta(hours=9),
        category="Notes",
    )
    merged = merge_cards(card, entry)
    assert (merged.position, merged.url, merged.title) == (3, card.url, "Card title")
    assert merged.excerpt == "Feed summary."
    assert merged.published == DAY + timedelta(hours=9)
    # A feed's category is as often a tag: the article page says which it is.
    assert merged.category is None
    assert merge_cards(Card(1, card.url, category="Essays"), entry).category == "Essays"


def test_a_bare_day_on_the_card_yields_to_the_feeds_time() -> None:
    card = Card(1, f"{SITE}/p/", published=DAY)
    exact = datetime(2026, 1, 8, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    assert merge_cards(card, Card(1, card.url, published=exact)).published == exact
    # A card's own time wins over the feed's; a far-off date in the feed is not the same post day.
    timed = Card(1, card.url, published=DAY + timedelta(hours=3))
    assert merge_cards(timed, Card(1, card.url, published=exact)).published == timed.published
    far = DAY + timedelta(days=30, hours=1)
    assert merge_cards(card, Card(1, card.url, published=far)).published == DAY


def test_robots_sitemaps_on_the_site_only() -> None:
    body = (
        b"User-agent: *\nDisallow: /private/\n"
        b"Sitemap: /sitemap.xml\n"
        b"sitemap: https://cdn.other.example/sitemap.xml\n"
        b"SITEMAP: http://www.blog.example/news-sitemap.xml\n"
        b"Sitemap: /sitemap.xml\n"
        b"Sitemap: ftp://blog.example/s.xml\n"
        b"# Sitemap: /commented.xml\n"
    )
    assert robots_sitemaps(body, f"{SITE}/robots.txt") == [
        f"{SITE}/sitemap.xml",
        "http://www.blog.example/news-sitemap.xml",
    ]


def test_robots_sitemaps_are_bounded() -> None:
    body = b"".join(b"Sitemap: /s-%d.xml\n" % i for i in range(500))
    assert len(robots_sitemaps(body, f"{SITE}/robots.txt", limit=20)) == 20
    assert robots_sitemaps(b"\xff\xfe garbage \x00", f"{SITE}/robots.txt") == []


def test_robots_url() -> None:
    assert robots_url(f"{SITE}:8080/blog/page/2/?x=1#top") == f"{SITE}:8080/robots.txt"


NAMES = ("atom.xml", "feed/")


@pytest.mark.parametrize(
    ("listing", "places"),
    [
        (f"{SITE}/", ["/atom.xml", "/feed/"]),
        (f"{SITE}/blog/", ["/blog/atom.xml", "/blog/feed/"]),
        (f"{SITE}/blog", ["/blog/atom.xml", "/blog/feed/"]),
        (f"{SITE}/blog/index.html", ["/blog/atom.xml", "/blog/feed/"]),
        # A generator that writes blog.html keeps the blog's files in blog/.
        (f"{SITE}/blog.html", ["/blog/atom.xml", "/blog/feed/", "/atom.xml", "/feed/"]),
        # A script's name is no folder.
        (f"{SITE}/news/list.php?page=1", ["/news/atom.xml", "/news/feed/"]),
    ],
)
def test_guessed_feeds(listing: str, places: list[str]) -> None:
    assert guessed_feeds(listing, NAMES) == [SITE + p for p in places]


class _Stats:
    def inc_value(self, *_: object) -> None:
        pass


class _Spider:
    """What FeedGaps asks of its spider."""

    max_pages = 10
    crawler = type("Crawler", (), {"stats": _Stats()})()
    logger = logging.getLogger("test")

    def parse_gap_feed(self, response: object) -> None: ...

    def on_gap_feed_error(self, failure: object) -> None: ...


def _listing(url: str, start_url: str) -> HtmlResponse:
    request = Request(url, meta={"start_url": start_url, "listing_page": 1})
    return HtmlResponse(url, body=b"<html></html>", request=request)


def test_a_guessed_feed_found_fills_every_start_url_of_its_folder() -> None:
    """Two start URLs of one listing folder share one guessed feed: found, it is the feed of
    both, whichever asked first."""
    gaps = FeedGaps(_Spider(), True, ("atom.xml", "feed.xml"))  # type: ignore[arg-type]
    first, second = f"{SITE}/", f"{SITE}/index.html"
    undated = [Card(3, f"{SITE}/a/", title="A", excerpt=None, published=None)]
    feed, request = gaps.guess(_listing(first, first), undated)
    assert feed is not None and request is not None and request.url == f"{SITE}/atom.xml"
    shared, again = gaps.guess(_listing(second, second), undated)
    assert shared is feed and again is None  # asked for once
    atom = (
        b"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        b"<title>t</title><entry><title>A</title><link href='http://blog.example/a/'/>"
        b"<id>a</id><updated>2026-01-08T00:00:00Z</updated></entry></feed>"
    )
    page = FetchedPage(request.url, atom, "application/atom+xml", 200, DAY)
    response = TextResponse(request.url, body=atom, request=request)
    list(gaps.read_page(response, page))
    assert feed.found and feed.fills == {first, second}
    # A start URL of that folder that comes after the feed was found is filled too.
    third = f"{SITE}/index.htm"
    later, none = gaps.guess(_listing(third, third), undated)
    assert later is feed and none is None and third in feed.fills
