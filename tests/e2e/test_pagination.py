"""End-to-end crawls over multi-page sites, one per pagination style."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.crawl import crawl, feed_guess, table
from tests.helpers.sitegen import STYLES, build_site, posts


@pytest.mark.parametrize("style", STYLES)
def test_every_page_once_and_none_beyond_the_last(serve: Any, tmp_path: Path, style: str) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    pages = build_site(site, posts(23), per_page=5, style=style)
    base, log = serve(site)
    result = crawl("-a", f"start_urls={base}", data_dir=data)
    assert result.returncode == 0, result.stderr[-2000:]
    listing_gets = [
        p for p in log if not p.startswith(("/posts/", "/robots.txt")) and not feed_guess(p)
    ]
    assert sorted(listing_gets) == sorted(pages), listing_gets
    rows = table(data, "articles").to_pylist()
    assert len(rows) == 23 == len({r["url"] for r in rows})
    assert all("/posts/" in r["url"] for r in rows), "a non-article page became a row"
    hits = table(data, "listing_hits").to_pylist()
    assert sorted({h["page"] for h in hits}) == [1, 2, 3, 4, 5]
    assert sorted((h["page"], h["position"]) for h in hits)[:2] == [(1, 1), (1, 2)]


def test_next_link_to_an_empty_page_ends_the_walk(serve: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(10), per_page=5)
    # Page 2 links to a page 3 that exists but lists nothing, and itself links on.
    empty = site / "page" / "3" / "index.html"
    empty.parent.mkdir(parents=True)
    empty.write_text(
        '<html><body><main><p>没有更多文章了。</p></main><a href="/page/4/">下一页</a></body></html>',
        encoding="utf-8",
    )
    page2 = site / "page" / "2" / "index.html"
    page2.write_text(
        page2.read_text("utf-8").replace(
            "</main>", '<a class="next" href="/page/3/">下一页</a></main>'
        ),
        encoding="utf-8",
    )
    base, log = serve(site)
    result = crawl("-a", f"start_urls={base}", data_dir=data)
    assert result.returncode == 0
    assert "/page/3/" in log and "/page/4/" not in log
    assert table(data, "articles").num_rows == 10


def test_listing_pages_bounded_by_setting(serve: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(30), per_page=5)
    base, log = serve(site)
    result = crawl("-a", f"start_urls={base}", "-s", "LISTINGS_MAX_PAGES=2", data_dir=data)
    assert result.returncode == 0
    assert "/page/2/" in log and "/page/3/" not in log
    assert table(data, "articles").num_rows == 10
