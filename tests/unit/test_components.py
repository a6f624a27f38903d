"""The crawl's components built in-process with Scrapy's test helpers, no subprocess crawl:
the item pipelines, the known-articles middleware and the crawl-record extension."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import Request
from scrapy.utils.test import get_crawler

import crawler.settings as project_settings
from crawler.extensions import CrawlRecord
from crawler.middlewares.known_articles import KnownArticlesMiddleware
from crawler.request_kind import KIND_META, RequestKind
from crawler.runtime import CrawlRuntime
from pipelines.model import Article, ArticlePage, ListingHit, PageError
from pipelines.stages import DeduplicateArticles, ExtractArticles, WriteDataset

NOW = datetime(2026, 1, 11, tzinfo=UTC)
PROSE = " ".join(f"Sentence {i} of a post about crawling listing pages." for i in range(40))


def make_crawler(data_dir: Path, **settings: Any) -> Crawler:
    """A crawler with the project's settings (as ``scrapy crawl`` has them) and a spider."""
    values = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    values.update({"DATA_DIR": str(data_dir), "LISTINGS_EXTRACT_WORKERS": 0, **settings})
    crawler = get_crawler(Spider, values)
    crawler.spider = Spider(name="listings", start_urls=["http://blog.example/"])
    crawler.spider.crawler = crawler
    crawler.stats.open_spider()
    return crawler


def article(url: str, text: str = PROSE) -> Article:
    return Article(url=url, site="blog.example", text=text, content_hash=url, first_seen=NOW)


def table(data_dir: Path, name: str) -> list[dict[str, Any]]:
    return ds.dataset(data_dir / name, format="parquet").to_table().to_pylist()


def html_page(url: str, body: str) -> ArticlePage:
    return ArticlePage(url, body.encode(), "text/html; charset=utf-8", 200, NOW)


def test_extract_turns_pages_into_articles_or_error_rows(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path / "data")
    stage = ExtractArticles.from_crawler(crawler)
    stage.open_spider()
    good = html_page(
        "http://blog.example/posts/a/",
        f"<html><head><title>A post</title></head><body><article><h1>A post</h1>"
        f"<p>{PROSE}</p></article></body></html>",
    )
    binary = ArticlePage("http://blog.example/posts/b/", b"%PDF-1.4", "application/pdf", 200, NOW)
    made = asyncio.run(stage.process_item(good))
    failed = asyncio.run(stage.process_item(binary))
    stage.close_spider()
    assert isinstance(made, Article) and made.title == "A post" and "Sentence 3" in made.text
    assert isinstance(failed, PageError) and failed.stage == "extract"
    assert "not an HTML page" in failed.error
    assert crawler.stats.get_value("listings/articles_extracted") == 1
    assert crawler.stats.get_value("listings/extract_errors") == 1


def test_dedup_and_write_store_each_url_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    crawler = make_crawler(data)
    dedup, write = DeduplicateArticles.from_crawler(crawler), WriteDataset.from_crawler(crawler)
    first = article("http://blog.example/posts/a/")
    write.process_item(dedup.process_item(first))
    with pytest.raises(DropItem):
        dedup.process_item(article("http://blog.example/posts/a/"))
    hit = ListingHit(NOW, "http://blog.example/", 1, 1, "http://blog.example/posts/a/")
    write.process_item(hit)
    write.process_item(PageError.of("http://blog.example/x/", "download", "HTTP 404", status=404))
    write.close_spider()
    rows = table(data, "articles")
    assert [r["url"] for r in rows] == ["http://blog.example/posts/a/"]
    assert rows[0]["crawl_id"] == CrawlRuntime.of(crawler).crawl_id
    assert [r["url"] for r in table(data, "listing_hits")] == ["http://blog.example/posts/a/"]
    assert [r["error"] for r in table(data, "errors")] == ["HTTP 404"]
    assert crawler.stats.get_value("listings/duplicates") == 1


def test_a_store_failure_stops_writing_and_is_a_value(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path / "data")
    runtime = CrawlRuntime.of(crawler)
    assert runtime.fail_storage("disk full") is True
    assert runtime.fail_storage("disk still full") is False
    assert runtime.store_failure == "disk full"
    with pytest.raises(DropItem, match="cannot be written"):
        WriteDataset.from_crawler(crawler).process_item(article("http://blog.example/p/"))


def listing_output(urls: list[str], next_page: str) -> list[Any]:
    requests = [Request(u, meta={KIND_META: RequestKind.ARTICLE}) for u in urls]
    requests.append(Request(next_page, meta={KIND_META: RequestKind.LISTING, "listing_page": 2}))
    return requests


def store_finished_crawl(data: Path, urls: list[str]) -> None:
    """An earlier crawl that stored ``urls`` and ran to its end."""
    earlier = make_crawler(data, LISTINGS_CRAWL_ID="earlier")
    dedup, write = DeduplicateArticles.from_crawler(earlier), WriteDataset.from_crawler(earlier)
    for url in urls:
        write.process_item(dedup.process_item(article(url)))
    write.close_spider()
    record = CrawlRecord.from_crawler(earlier)
    record.spider_closed(earlier.spider, "finished")


def test_known_articles_are_skipped_and_paging_stops(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = [f"http://blog.example/posts/{i}/" for i in range(3)]
    store_finished_crawl(data, old)
    crawler = make_crawler(data)
    middleware = KnownArticlesMiddleware.from_crawler(crawler)
    new = "http://blog.example/posts/new/"
    passed = list(middleware._filter(listing_output([new, *old], "http://blog.example/page/2/")))
    assert [r.url for r in passed] == [new, "http://blog.example/page/2/"]
    only_old = list(middleware._filter(listing_output(old, "http://blog.example/page/3/")))
    assert only_old == []  # every card stored by a finished crawl: no further paging
    assert crawler.stats.get_value("listings/articles_already_stored") == 6
    assert crawler.stats.get_value("listings/paging_stopped_early") == 1


def test_crawl_record_writes_one_row_with_its_verdict(tmp_path: Path) -> None:
    data = tmp_path / "data"
    crawler = make_crawler(data, LISTINGS_CRAWL_ID="c1")
    crawler.stats.set_value("scheduler/dequeued", 1)  # it tried: one request, no response
    CrawlRecord.from_crawler(crawler).spider_closed(crawler.spider, "finished")
    rows = table(data, "crawls")
    assert [(r["crawl_id"], r["pages_fetched"]) for r in rows] == [("c1", 0)]
    assert crawler.stats.get_value("listings/failed") == "no page could be fetched"
