"""Scheduled crawls: a second run does only the new work, and every article lands once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.crawl import crawl, table
from tests.helpers.sitegen import build_site, posts


def article_gets(log: list[str]) -> list[str]:
    return [p for p in log if p.startswith("/posts/")]


def test_second_run_downloads_only_new_articles(serve: Any, tmp_path: Path) -> None:
    site = tmp_path / "site"
    data = tmp_path / "data"
    build_site(site, posts(12), per_page=5)
    base, log = serve(site)
    first = crawl("-a", f"start_urls={base}", data_dir=data)
    assert first.returncode == 0, first.stderr[-2000:]
    assert len(article_gets(log)) == 12
    log.clear()

    # A day later: three new posts on top of page 1 push the others down.
    build_site(site, posts(15), per_page=5)
    second = crawl("-a", f"start_urls={base}", data_dir=data)
    assert second.returncode == 0, second.stderr[-2000:]
    assert sorted(article_gets(log)) == [f"/posts/post-{i:04d}/" for i in (13, 14, 15)]
    # Page 2 holds only stored articles: paging stops there, page 3 is never asked for.
    assert "/page/2/" in log and "/page/3/" not in log

    articles = table(data, "articles").to_pylist()
    assert len(articles) == 15 == len({a["url"] for a in articles})
    crawls = sorted(table(data, "crawls").to_pylist(), key=lambda c: c["started"])
    assert [c["articles_new"] for c in crawls] == [12, 3]
    hits = table(data, "listing_hits").to_pylist()
    per_crawl = {
        c["crawl_id"]: sum(1 for h in hits if h["crawl_id"] == c["crawl_id"]) for c in crawls
    }
    assert list(per_crawl.values()) == [12, 10]
    # When an article appeared and how long it stayed on page 1 can be read off the hits.
    first_page = {(h["crawl_id"], h["url"].rsplit("/", 2)[-2]) for h in hits if h["page"] == 1}
    assert (crawls[1]["crawl_id"], "post-0015") in first_page
    assert (crawls[0]["crawl_id"], "post-0012") in first_page


def test_full_rewalk_when_asked(serve: Any, tmp_path: Path) -> None:
    site = tmp_path / "site"
    data = tmp_path / "data"
    build_site(site, posts(12), per_page=5)
    base, log = serve(site)
    assert crawl("-a", f"start_urls={base}", data_dir=data).returncode == 0
    log.clear()
    again = crawl(
        "-a", f"start_urls={base}", "-s", "LISTINGS_STOP_ON_KNOWN_PAGE=False", data_dir=data
    )
    assert again.returncode == 0
    assert "/page/3/" in log and article_gets(log) == []
    assert table(data, "articles").num_rows == 12
