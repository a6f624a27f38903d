"""Every way a blog lists its posts: HTML listing, Atom (paged), RSS, sitemap index — one
dataset; and a listing built by a script is read through the feed it declares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
