"""Listing pages read in the crawl's worker pool: the spider's callback built in-process with
Scrapy's test helpers, a real pebble pool of 2 workers, no subprocess crawl."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

import crawler.settings as project_settings
import crawler.spiders.listings as spider_module
from crawler.pool import WorkPool
from crawler.runtime import CrawlRuntime
from crawler.spiders.listings import ListingsSpider
from pipelines.model import ListingHit, PageError
from pipelines.pages.listing import ListingRead, read_listing
from pipelines.pages.sites import SiteConfig
from tests.helpers.sitegen import build_site, posts

START = "http://blog.example/"
# Read at import, before the pool forks: a worker keeps the crawl process's pid here.
CRAWL_PID = os.getpid()


def read_in_worker(page: Any, site: SiteConfig, feeds: bool, seen: frozenset[str]) -> ListingRead:
    """``read_listing``, refusing to run in the crawl process itself."""
    if os.getpid() == CRAWL_PID:
        raise RuntimeError("read in the crawl process")
    return read_listing(page, site, feeds, seen)


def hang(page: Any, site: SiteConfig, feeds: bool, seen: frozenset[str]) -> ListingRead:
    time.sleep(60)
    raise AssertionError("not reached: the pool stops the worker first")


def crash(page: Any, site: SiteConfig, feeds: bool, seen: frozenset[str]) -> ListingRead:
    os._exit(1)


def make_spider(data_dir: Path, workers: int) -> tuple[Crawler, ListingsSpider]:
    values = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    values.update(
        {
            "DATA_DIR": str(data_dir),
            "LISTINGS_EXTRACT_WORKERS": workers,
            "LISTINGS_EXTRACT_TIMEOUT": 1.0,
            # No feed looked for: the page's article requests come straight out of parse.
            "LISTINGS_FEED_GUESSES": [],
        }
    )
    crawler = get_crawler(ListingsSpider, values)
    spider = ListingsSpider.from_crawler(crawler, start_urls=START)
    crawler.spider = spider
    crawler.stats.open_spider()
    return crawler, spider


def listing_response(tmp_path: Path) -> HtmlResponse:
    build_site(tmp_path / "site", posts(6), per_page=6)
    body = (tmp_path / "site" / "index.html").read_bytes()
    request = Request(START, meta={"listing_page": 1, "start_url": START})
    return HtmlResponse(
        START, body=body, headers={"Content-Type": "text/html; charset=utf-8"}, request=request
    )


def parse(spider: ListingsSpider, response: HtmlResponse) -> list[Any]:
    async def collect() -> list[Any]:
        return [out async for out in spider.parse_listing(response)]

    return asyncio.run(collect())


@pytest.fixture
def pooled(tmp_path: Path) -> Any:
    crawler, spider = make_spider(tmp_path / "data", workers=2)
    pool = CrawlRuntime.of(crawler).pool
    assert isinstance(pool, WorkPool) and pool.workers == 2
    yield crawler, spider
    pool.close()
    CrawlRuntime.of(crawler).release()


def test_listing_pages_are_read_in_a_worker(
    pooled: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawler, spider = pooled
    monkeypatch.setattr(spider_module, "read_listing", read_in_worker)
    out = parse(spider, listing_response(tmp_path))
    assert not [o for o in out if isinstance(o, PageError)]
    assert len([o for o in out if isinstance(o, ListingHit)]) == 6
    assert len([o for o in out if isinstance(o, Request) and "/posts/" in o.url]) == 6
    assert crawler.stats.get_value("listings/listing_pages_in_pool") == 1


def test_inline_with_no_workers_gives_the_same_cards(tmp_path: Path) -> None:
    crawler, spider = make_spider(tmp_path / "data", workers=0)
    out = parse(spider, listing_response(tmp_path))
    CrawlRuntime.of(crawler).release()
    assert [o.url for o in out if isinstance(o, ListingHit)] == [
        f"{START}posts/post-{i:04d}/" for i in range(6, 0, -1)
    ]
    assert crawler.stats.get_value("listings/listing_pages") == 1
    assert crawler.stats.get_value("listings/listing_pages_in_pool") is None


@pytest.mark.parametrize(("reader", "said"), [(hang, "longer than 1 s"), (crash, "failed")])
def test_a_hung_or_crashed_listing_page_becomes_an_error_row(
    pooled: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: Any, said: str
) -> None:
    crawler, spider = pooled
    monkeypatch.setattr(spider_module, "read_listing", reader)
    out = parse(spider, listing_response(tmp_path))
    [error] = out
    assert isinstance(error, PageError)
    assert error.url == START and error.stage == "extract"
    assert error.error.startswith("card detection") and said in error.error
    assert crawler.stats.get_value("listings/listing_errors") == 1
    # The pool replaced its worker: the next page is read.
    monkeypatch.setattr(spider_module, "read_listing", read_in_worker)
    assert any(isinstance(o, ListingHit) for o in parse(spider, listing_response(tmp_path)))
