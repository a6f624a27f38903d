"""Every way a blog lists its posts: HTML listing, Atom (paged), RSS, sitemap index — one
dataset; and a listing built by a script is read through the feed it declares."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _QuietHandler
from tests.helpers.crawl import crawl, table
from tests.helpers.sitegen import build_site, posts, write_feeds, write_script_listing

N = 30


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feeds") / "site"
    items = posts(N)
    build_site(root, items, per_page=10)
    write_feeds(root, items)
    write_script_listing(root)
    return root


def articles(data: Path) -> dict[str, tuple[Any, ...]]:
    rows = table(data, "articles").to_pylist()
    return {r["url"]: (r["title"], r["text"], r["published"]) for r in rows}


@pytest.mark.parametrize("entry", ["/atom.xml", "/rss.xml", "/sitemap.xml"])
def test_each_entry_point_gives_the_same_articles(
    serve: Any, site: Path, tmp_path: Path, entry: str
) -> None:
    base, _ = serve(site)
    html_run = crawl("-a", f"start_urls={base}", data_dir=tmp_path / "html")
    assert html_run.returncode == 0, html_run.stderr[-2000:]
    expected = articles(tmp_path / "html")
    assert len(expected) == N
    result = crawl("-a", f"start_urls={base.rstrip('/')}{entry}", data_dir=tmp_path / "feed")
    assert result.returncode == 0, result.stderr[-2000:]
    assert articles(tmp_path / "feed") == expected
    hits = table(tmp_path / "feed", "listing_hits").to_pylist()
    assert {h["url"] for h in hits} == set(expected)


def test_a_script_listing_is_read_through_its_declared_feed(
    serve: Any, site: Path, tmp_path: Path
) -> None:
    base, log = serve(site)
    result = crawl("-a", f"start_urls={base}app/", data_dir=tmp_path / "auto")
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(articles(tmp_path / "auto")) == N
    assert "/atom.xml" in log
    off = crawl(
        "-a", f"start_urls={base}app/", "-s", "LISTINGS_DISCOVER=off", data_dir=tmp_path / "off"
    )
    assert (
        not (tmp_path / "off" / "articles").exists()
        or table(tmp_path / "off", "articles").num_rows == 0
    )
    assert "/app/" in off.stderr or off.returncode != 0


# --- discovery beside an HTML listing (LISTINGS_DISCOVER=auto) ----------------------------

MISSED = {"post-0007", "post-0014", "post-0021", "post-0028"}
_META = re.compile(r'<div class="post-meta">.*?</div>')
_PUBLISHED = re.compile(r'<meta property="article:published_time"[^>]*>')


def _card_of(slug: str) -> re.Pattern[str]:
    return re.compile(rf'<article class="post"><h2[^>]*><a href="/posts/{slug}/">.*?</article>')


@pytest.fixture(scope="module")
def gappy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cards without dates, four posts on no card, article pages without dates; the Atom
    feed (paged) the listing declares lists all 30 with their times."""
    root = tmp_path_factory.mktemp("gappy") / "site"
    items = posts(N)
    build_site(root, items, per_page=10)
    write_feeds(root, items)
    link = "<link rel='alternate' type='application/atom+xml' href='/atom.xml'>"
    for listing in [root / "index.html", *root.glob("page/*/index.html")]:
        doc = _META.sub("", listing.read_text("utf-8")).replace("</head>", f"{link}</head>")
        for slug in MISSED:
            doc = _card_of(slug).sub("", doc)
        listing.write_text(doc, "utf-8")
    for article in root.glob("posts/*/index.html"):
        article.write_text(_PUBLISHED.sub("", article.read_text("utf-8")), "utf-8")
    return root


@pytest.fixture(scope="module")
def gappy_crawls(gappy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One crawl with discovery, one without, shared by the tests that read them."""
    log: list[str] = []
    handler = type("Handler", (_QuietHandler,), {"log": log, "redirects": {}})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(gappy))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    data = tmp_path_factory.mktemp("gappy-data")
    auto = crawl("-a", f"start_urls={base}", data_dir=data / "auto")
    off = crawl("-a", f"start_urls={base}", "-s", "LISTINGS_DISCOVER=off", data_dir=data / "off")
    yield base, log, data, auto, off
    server.shutdown()
    server.server_close()


def _published() -> dict[str, datetime]:
    return {
        p.path: datetime.fromisoformat(f"{p.date}T08:00:00+00:00").astimezone(UTC) for p in posts(N)
    }


def test_cards_without_dates_get_them_from_the_declared_feed(gappy_crawls: Any) -> None:
    base, log, data, auto, off = gappy_crawls
    assert auto.returncode == 0, auto.stderr[-2000:]
    rows = table(data / "auto", "articles").to_pylist()
    want = {f"{base.rstrip('/')}{path}": when for path, when in _published().items()}
    assert {r["url"]: r["published"].astimezone(UTC) for r in rows} == want
    # Read once, not once per listing page.
    assert log.count("/atom.xml") == 1
    # Without discovery nothing says when they were published.
    assert off.returncode == 0, off.stderr[-2000:]
    assert all(r["published"] is None for r in table(data / "off", "articles").to_pylist())


def test_posts_on_no_card_are_crawled_from_the_feed(gappy_crawls: Any) -> None:
    base, _, data, auto, _ = gappy_crawls
    assert auto.returncode == 0, auto.stderr[-2000:]
    assert table(data / "auto", "articles").num_rows == N
    hits = table(data / "auto", "listing_hits").to_pylist()
    by_source = {(h["url"].rsplit("/", 2)[-2], h["source"]) for h in hits}
    assert {slug for slug, source in by_source if source == "feed"} == MISSED
    assert {slug for slug, source in by_source if source == "html"} == {
        p.slug for p in posts(N)
    } - MISSED
    assert len(hits) == N
    feed_hits = [h for h in hits if h["source"] == "feed"]
    assert all(h["listing_url"].startswith(f"{base}atom") for h in feed_hits)
    assert all(h["published"] is not None for h in feed_hits)
    assert table(data / "off", "articles").num_rows == N - len(MISSED)


def test_a_feed_no_page_declares_is_found_where_generators_write_it(
    gappy: Path, tmp_path: Path, serve: Any
) -> None:
    """The gappy site without its <link>: its atom.xml is guessed, after feed.xml and
    index.xml are not found, and does what the declared feed did."""
    root = tmp_path / "site"
    shutil.copytree(gappy, root)
    (root / "atom.xml").rename(root / "index.xml")
    for listing in [root / "index.html", *root.glob("page/*/index.html")]:
        doc = listing.read_text("utf-8")
        listing.write_text(re.sub(r"<link rel='alternate'[^>]*>", "", doc), "utf-8")
    base, log = serve(root)
    result = crawl("-a", f"start_urls={base}", data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = table(tmp_path / "data", "articles").to_pylist()
    want = {f"{base.rstrip('/')}{path}": when for path, when in _published().items()}
    assert {r["url"]: r["published"].astimezone(UTC) for r in rows} == want
    # In turn, each once (the server logs a 404 twice), and no further than the first found.
    tried = [p for p in log if p in ("/atom.xml", "/feed.xml", "/index.xml", "/rss.xml")]
    assert list(dict.fromkeys(tried)) == [
        "/atom.xml",
        "/feed.xml",
        "/index.xml",
    ]
    assert "Found the feed" in result.stderr
    # Guessing is a setting: without it nothing says when these posts were published.
    off = crawl(
        "-a", f"start_urls={base}", "-s", "LISTINGS_FEED_GUESSES=", data_dir=tmp_path / "off"
    )
    assert off.returncode == 0, off.stderr[-2000:]
    assert table(tmp_path / "off", "articles").num_rows == N - len(MISSED)


def test_a_listing_with_no_cards_and_no_feed_reads_the_robots_sitemap(
    serve: Any, tmp_path: Path
) -> None:
    root = tmp_path / "site"
    items = posts(N)
    build_site(root, items, per_page=10)
    write_feeds(root, items)
    (root / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>测试站</title></head><body>"
        "<main><h1>测试站</h1><p>文章都在站点地图里。</p></main></body></html>",
        encoding="utf-8",
    )
    (root / "robots.txt").write_text(
        "User-agent: *\nDisallow: /private/\n\nSitemap: /sitemap.xml\n"
        "Sitemap: http://elsewhere.invalid/sitemap.xml\n",
        encoding="utf-8",
    )
    base, log = serve(root)
    result = crawl("-a", f"start_urls={base}", data_dir=tmp_path / "data")
    assert "/sitemap.xml" in log
    assert result.returncode == 0, result.stderr[-2000:]
    assert {r["url"] for r in table(tmp_path / "data", "articles").to_pylist()} == {
        f"{base.rstrip('/')}{p.path}" for p in items
    }
    hits = table(tmp_path / "data", "listing_hits").to_pylist()
    assert {h["source"] for h in hits} == {"sitemap"}
    assert "elsewhere.invalid" not in result.stderr
