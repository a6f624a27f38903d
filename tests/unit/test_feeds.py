"""Feeds and sitemaps read as listings: every entry a card, paging and indexes followed,
hostile input bounded."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from pipelines.model import FetchedPage
from pipelines.pages import feeds
from pipelines.pages.feeds import FeedError, FeedKind, feed_kind, read_feed

SITE = "http://blog.example"
NOW = datetime(2026, 1, 11, tzinfo=UTC)


def page(body: bytes | str, url: str = f"{SITE}/feed", ctype: str | None = None) -> FetchedPage:
    data = body.encode() if isinstance(body, str) else body
    return FetchedPage(url, data, ctype, 200, NOW)


RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Blog</title>
<atom:link rel="next" href="{SITE}/feed?paged=2"/>
<item><title>First post</title><link>{SITE}/posts/1/?utm_source=rss</link>
<pubDate>Sun, 11 Jan 2026 10:00:00 +0800</pubDate><category>Notes</category>
<description>&lt;p&gt;An excerpt with &lt;b&gt;markup&lt;/b&gt;.&lt;/p&gt;</description></item>
<item><title>Elsewhere</title><link>http://other.example/x/</link></item>
<item><title>Second post</title><link>/posts/2/</link></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>
<link rel="next" href="/atom.xml?page=2"/>
<entry><title>Atom post</title><link href="{SITE}/posts/a/"/>
<published>2026-01-02T08:30:00+02:00</published><summary>Short summary.</summary></entry>
</feed>"""


def test_rss_entries_are_cards_with_their_fields_and_the_next_page() -> None:
    listing = read_feed(page(RSS, ctype="application/rss+xml"))
    assert listing.kind is FeedKind.RSS
    assert [c.url for c in listing.cards] == [f"{SITE}/posts/1/", f"{SITE}/posts/2/"]
    first = listing.cards[0]
    assert (first.title, first.category, first.position) == ("First post", "Notes", 1)
    assert first.published == datetime(2026, 1, 11, 2, 0, tzinfo=UTC)
    assert first.excerpt == "An excerpt with markup."
    assert listing.refused == 1  # another site's entry
    assert listing.next_url == f"{SITE}/feed?paged=2"


def test_atom_keeps_the_instant_and_pages() -> None:
    listing = read_feed(page(ATOM, url=f"{SITE}/atom.xml"))
    assert listing.kind is FeedKind.ATOM
    assert listing.cards[0].published == datetime(2026, 1, 2, 6, 30, tzinfo=UTC)
    assert listing.cards[0].excerpt == "Short summary."
    assert listing.next_url == f"{SITE}/atom.xml?page=2"


def test_json_feed() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "next_url": f"{SITE}/feed.json?page=2",
            "items": [
                {
                    "url": f"{SITE}/posts/j/",
                    "title": "JSON post",
                    "date_published": "2026-01-05T09:00:00Z",
                    "tags": ["python", "crawling"],
                    "content_text": "Plain text content.",
                },
                "not an item",
            ],
        }
    )
    listing = read_feed(page(body, url=f"{SITE}/feed.json", ctype="application/feed+json"))
    assert listing.kind is FeedKind.JSON_FEED
    card = listing.cards[0]
    assert (card.url, card.title, card.category) == (f"{SITE}/posts/j/", "JSON post", "python")
    assert card.published == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert listing.next_url == f"{SITE}/feed.json?page=2"


SITEMAP = f"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{SITE}/posts/1/</loc><lastmod>2026-01-02</lastmod></url>
<url><loc>http://other.example/posts/x/</loc></url>
<url><loc>{SITE}/posts/2/</loc><news:news><news:publication_date>2026-01-03T10:00:00+08:00</news:publication_date><news:title>News two</news:title></news:news></url>
</urlset>"""


@pytest.mark.parametrize("compress", [False, True])
def test_sitemap_urls_are_cards_on_the_site_only(compress: bool) -> None:
    body = gzip.compress(SITEMAP.encode()) if compress else SITEMAP
    listing = read_feed(page(body, url=f"{SITE}/sitemap.xml"))
    assert listing.kind is FeedKind.SITEMAP
    assert [c.url for c in listing.cards] == [f"{SITE}/posts/1/", f"{SITE}/posts/2/"]
    assert listing.cards[1].published == datetime(2026, 1, 3, 2, 0, tzinfo=UTC)
    assert listing.cards[1].title == "News two"
    assert listing.refused == 1


def test_sitemap_index_names_the_sitemaps_of_its_site() -> None:
    body = f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>{SITE}/sitemap-1.xml</loc></sitemap><sitemap><loc>/sitemap-2.xml.gz</loc></sitemap>
    <sitemap><loc>http://evil.example/sitemap.xml</loc></sitemap></sitemapindex>"""
    listing = read_feed(page(body, url=f"{SITE}/sitemap.xml"))
    assert listing.kind is FeedKind.SITEMAP_INDEX
    assert listing.sitemaps == [f"{SITE}/sitemap-1.xml", f"{SITE}/sitemap-2.xml.gz"]
    assert listing.cards == [] and listing.refused == 1


@pytest.mark.parametrize(
    ("body", "ctype", "kind"),
    [
        ("<!DOCTYPE html><html><body>hi</body></html>", "text/html", None),
        ("<?xml version='1.0'?><rss><channel/></rss>", "text/xml", FeedKind.RSS),
        ('{"version": "https://jsonfeed.org/version/1", "items": []}', None, FeedKind.JSON_FEED),
        ('{"not": "a feed"}', "application/json", None),
        ("plain text", "text/plain", None),
    ],
)
def test_feed_kind(body: str, ctype: str | None, kind: FeedKind | None) -> None:
    assert feed_kind(body.encode(), ctype) is kind


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def test_billion_laughs_is_not_expanded() -> None:
    rss = (
        LAUGHS
        + f"<rss><channel><item><title>&lol9;</title><link>{SITE}/p/</link></item></channel></rss>"
    )
    listing = read_feed(page(rss, ctype="application/rss+xml"))
    assert all(len(c.title or "") < 1000 for c in listing.cards)
    sitemap = LAUGHS + "<urlset><url><loc>&lol9;</loc></url></urlset>"
    assert read_feed(page(sitemap, url=f"{SITE}/sitemap.xml")).cards == []


def test_a_sitemap_that_inflates_too_far_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_INFLATED", 10_000)
    rows = "".join(f"<url><loc>{SITE}/posts/{i}/</loc></url>" for i in range(2000))
    body = gzip.compress(f"<urlset>{rows}</urlset>".encode())
    with pytest.raises(FeedError, match="inflates past"):
        read_feed(page(body, url=f"{SITE}/sitemap.xml.gz"))


def test_entries_are_bounded() -> None:
    rows = "".join(f"<url><loc>{SITE}/posts/{i}/</loc></url>" for i in range(100))
    listing = read_feed(page(f"<urlset>{rows}</urlset>", url=f"{SITE}/s.xml"), max_entries=10)
    assert len(listing.cards) == 10


def test_not_a_feed_is_an_error() -> None:
    with pytest.raises(FeedError):
        read_feed(page("<html><body>no</body></html>", ctype="text/html"))


def test_a_title_escaped_twice_is_read_once() -> None:
    body = ATOM.replace(
        "<title>Atom post</title>", "<title>Bayes&amp;apos; Rule &amp;amp; more</title>"
    )
    listing = read_feed(page(body, url=f"{SITE}/atom.xml"))
    assert listing.cards[0].title == "Bayes' Rule & more"
