"""Crawler traps: sites that would keep a crawler busy forever, bounded by limits a user
sets (``LISTINGS_MAX_PAGES``, ``DEPTH_LIMIT``, ``LISTINGS_MAX_REQUESTS_PER_HOST``) and by
URL canonicalisation (session ids). Every article link seen still ends as one row.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest

from crawler import settings as defaults
from tests.helpers.crawl import FEED_GUESSES, crawl, feed_guess
from tests.helpers.faultserver import FaultHandler, FaultServer, article_html, listing_html, rows


def serve_articles(server: FaultServer) -> None:
    """Any /posts/... path is an article titled after its path."""

    def answer(h: FaultHandler, path: str) -> bool:
        if not path.startswith("/posts/"):
            return False
        h.send(200, article_html(f"Article {path.split('?')[0]}"))
        return True

    server.dynamic.append(answer)


def listing_fetches(server: FaultServer) -> list[str]:
    return [
        p
        for p in server.paths()
        if not p.startswith(("/posts/", "/robots.txt")) and not feed_guess(p)
    ]


def accounted(data: Path) -> tuple[int, int, int]:
    """(distinct article links seen, article rows, error rows of those links)."""
    hits = {h["url"] for h in rows(data, "listing_hits")}
    errors = [e for e in rows(data, "errors") if e["url"] in hits]
    return len(hits), len(rows(data, "articles")), len(errors)


def test_endless_page_numbers_stop_at_max_pages(tmp_path: Path) -> None:
    with FaultServer() as server:
        serve_articles(server)

        def page(h: FaultHandler, path: str) -> bool:
            m = re.fullmatch(r"/(?:\?page=(\d+))?", path)
            if not m:
                return False
            n = int(m.group(1) or 1)
            cards = [(f"/posts/{n}-{i}/", f"Post {n}-{i}") for i in range(3)]
            h.send(200, listing_html(cards, f"/?page={n + 1}"))
            return True

        server.dynamic.append(page)
        result = crawl(
            "-a", f"start_urls={server.url('/')}", "-s", "LISTINGS_MAX_PAGES=5", data_dir=tmp_path
        )
        fetched = listing_fetches(server)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(fetched) == 5 and fetched[-1] == "/?page=5"
    assert "LISTINGS_MAX_PAGES=5 reached" in result.stderr
    assert accounted(tmp_path) == (15, 15, 0)


def calendar(server: FaultServer) -> None:
    """/archive/YYYY/MM/ with two posts, whose "Older posts" is the month before, forever."""

    def month(h: FaultHandler, path: str) -> bool:
        m = re.fullmatch(r"/archive/(\d{4})/(\d{2})/", path)
        if not m:
            return False
        year, mon = int(m.group(1)), int(m.group(2))
        before = f"/archive/{year - (mon == 1)}/{12 if mon == 1 else mon - 1:02d}/"
        cards = [(f"/posts/{year}-{mon:02d}-{i}/", f"Post {year}-{mon}-{i}") for i in range(2)]
        h.send(200, listing_html(cards, before))
        return True

    server.dynamic.append(month)


def test_calendar_archive_is_bounded_by_max_pages(tmp_path: Path) -> None:
    with FaultServer() as server:
        serve_articles(server)
        calendar(server)
        result = crawl(
            "-a",
            f"start_urls={server.url('/archive/2026/01/')}",
            "-s",
            "LISTINGS_MAX_PAGES=4",
            data_dir=tmp_path,
        )
        fetched = listing_fetches(server)
    assert result.returncode == 0, result.stderr[-3000:]
    assert fetched == [
        "/archive/2026/01/",
        "/archive/2025/12/",
        "/archive/2025/11/",
        "/archive/2025/10/",
    ]
    assert accounted(tmp_path) == (8, 8, 0)


def test_depth_limit_stops_paging_and_drops_no_article(tmp_path: Path) -> None:
    with FaultServer() as server:
        serve_articles(server)
        calendar(server)
        result = crawl(
            "-a",
            f"start_urls={server.url('/archive/2026/01/')}",
            "-s",
            "DEPTH_LIMIT=3",
            data_dir=tmp_path,
        )
        fetched = listing_fetches(server)
    assert result.returncode == 0, result.stderr[-3000:]
    # Articles of the last listing page sit at depth 3: listing pages stop at depth 2.
    assert len(fetched) == 3
    assert "DEPTH_LIMIT=3 reached" in result.stderr
    assert accounted(tmp_path) == (6, 6, 0)


def test_session_ids_in_urls_do_not_make_new_pages(tmp_path: Path) -> None:
    with FaultServer() as server:
        serve_articles(server)

        def page(h: FaultHandler, path: str) -> bool:
            bare = re.sub(r";jsessionid=[^?]*", "", path.split("?")[0])
            if bare not in ("/", "/page/2/"):
                return False
            sid = secrets.token_hex(8)  # a new session on every answer
            first = bare == "/"
            cards = [
                (f"/posts/{'a' if first else 'b'}{i}/?PHPSESSID={sid}&utm_source=x", f"T{i}")
                for i in range(3)
            ]
            # Page 2 links "older" back to page 1 under a new session id: a loop, unless
            # the session id is no part of the URL's identity.
            nxt = f"/page/2/;jsessionid={sid}" if first else f"/?PHPSESSID={sid}&page=1"
            h.send(200, listing_html(cards, nxt))
            return True

        server.dynamic.append(page)
        result = crawl("-a", f"start_urls={server.url('/')}", data_dir=tmp_path)
        fetched = listing_fetches(server)
        article_fetches = [p for p in server.paths() if p.startswith("/posts/")]
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(fetched) <= 3, fetched
    assert len(article_fetches) == 6
    urls = [r["url"] for r in rows(tmp_path, "articles")]
    assert len(urls) == 6 and not any("SESSID" in u.upper() or "jsessionid" in u for u in urls)
    assert accounted(tmp_path) == (6, 6, 0)


def test_link_farm_is_bounded_per_host(tmp_path: Path) -> None:
    with FaultServer() as server:
        serve_articles(server)

        def farm(h: FaultHandler, path: str) -> bool:
            m = re.fullmatch(r"/farm/(\d+)/", path)
            if not m:
                return False
            n = int(m.group(1))
            cards = [(f"/posts/f{n}-{i}/", f"Farm {n}-{i}") for i in range(30)]
            h.send(200, listing_html(cards, f"/farm/{n + 1}/"))
            return True

        server.dynamic.append(farm)
        result = crawl(
            "-a",
            f"start_urls={server.url('/farm/1/')}",
            "-s",
            "LISTINGS_MAX_REQUESTS_PER_HOST=40",
            "-s",
            "LISTINGS_MAX_ERROR_SHARE=1",
            data_dir=tmp_path,
        )
        pages = [p for p in server.paths() if p != "/robots.txt"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(pages) <= 40
    assert "LISTINGS_MAX_REQUESTS_PER_HOST=40 reached" in result.stderr
    seen, articles, errors = accounted(tmp_path)
    assert articles + errors == seen
    # The listing page past the limit is a row too, and paging stops there.
    all_errors = rows(tmp_path, "errors")
    assert len(all_errors) == errors + 1
    assert all("LISTINGS_MAX_REQUESTS_PER_HOST=40" in e["error"] for e in all_errors)


@pytest.mark.slow
def test_a_page_with_fifty_thousand_links(tmp_path: Path) -> None:
    with FaultServer() as server:
        serve_articles(server)
        links = "".join(
            f'<li><a href="/posts/p{i}/">Post number {i}</a></li>' for i in range(50_000)
        )
        server.page("/", f"<html><body><ul>{links}</ul></body></html>")
        result = crawl(
            "-a",
            f"start_urls={server.url('/')}",
            "-s",
            "LISTINGS_MAX_REQUESTS_PER_HOST=50",
            "-s",
            "LISTINGS_MAX_ERROR_SHARE=1",
            data_dir=tmp_path,
            timeout=110,
        )
        fetched = [p for p in server.paths() if p.startswith("/posts/")]
    assert result.returncode == 0, result.stderr[-3000:]
    # The listing page itself and the places tried for a feed were the other requests.
    posts = 49 - len(FEED_GUESSES)
    assert len(fetched) == posts
    assert accounted(tmp_path) == (50_000, posts, 50_000 - posts)


def test_limits_are_on_by_default() -> None:
    assert defaults.LISTINGS_MAX_PAGES > 0
    assert defaults.LISTINGS_MAX_REQUESTS_PER_HOST > 0
    assert 0 < defaults.DOWNLOAD_WARNSIZE < defaults.DOWNLOAD_MAXSIZE <= 64 * 1024 * 1024
    assert 0 < defaults.DOWNLOAD_TIMEOUT <= 60 and defaults.REDIRECT_MAX_TIMES <= 20
    assert defaults.LISTINGS_MAX_RETRY_AFTER > 0 and defaults.RETRY_TIMES >= 2
