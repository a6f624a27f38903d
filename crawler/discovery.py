"""Where else a site lists its posts: the sitemaps its robots.txt names.

Read when an HTML start listing shows no cards and declares no feed (``LISTINGS_DISCOVER``).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy.utils.sitemap import sitemap_urls_from_robots

from pipelines.text.urls import BadURL, canonical_url, same_site

# Bytes of robots.txt read for its Sitemap: lines; Google reads 500 KiB.
ROBOTS_MAX_BYTES = 512 * 1024
# Sitemaps taken from one robots.txt: a site needs a few, a hostile file may name thousands.
ROBOTS_MAX_SITEMAPS = 20


def robots_url(url: str) -> str:
    """The robots.txt of ``url``'s host."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def robots_sitemaps(body: bytes, url: str, limit: int = ROBOTS_MAX_SITEMAPS) -> list[str]:
    """The sitemaps a robots.txt at ``url`` names on its own host, in file order, at most
    ``limit``; sitemaps on other hosts are left out (a listing never leaves its site)."""
    found: list[str] = []
    for link in sitemap_urls_from_robots(body[:ROBOTS_MAX_BYTES], base_url=url):
        try:
            sitemap = canonical_url(link)
        except BadURL:
            continue
        if urlsplit(sitemap).scheme not in ("http", "https") or not same_site(sitemap, url):
            continue
        if sitemap not in found:
            found.append(sitemap)
        if len(found) >= limit:
            break
    return found
