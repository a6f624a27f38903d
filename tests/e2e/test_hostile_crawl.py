"""A real crawl through hostile pages, bad arguments and broken configuration: every page a row, no traceback."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.pages.html import parse_html
from pipelines.pages.listing import detect_cards
from tests.helpers.crawl import crawl
from tests.helpers.faultserver import (
    FaultServer,
    by_title,
    errors_by_url,
    listing_html,
    rows,
)
from tests.unit.test_hostile_input import (
    BROKEN_SITES,
    ERROR_200,
    GOOD,
    HUGE,
    JA,
    LARGE,
    MALFORMED,
    PDF,
    PNG,
    TW,
    ZH,
    cjk_page,
    deep,
)


def test_fifty_thousand_links_in_bounded_time() -> None:
    links = "".join(f'<li><a href="/p/{i}/">Post number {i}</a></li>' for i in range(50_000))
    started = time.monotonic()
    listing = detect_cards(
        parse_html(f"<html><body><ul>{links}</ul></body></html>"), "http://blog.example.invalid/"
    )
    assert time.monotonic() - started < 60
    assert len(listing.cards) == 50_000
    assert len({c.url for c in listing.cards}) == 50_000


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("hostile")
    with FaultServer() as s:
        cards: list[tuple[str, str]] = []

        def add(path: str, title: str) -> str:
            cards.append((path, title))
            return path

        s.page(add("/posts/ok/", "Ordinary"), GOOD)
        s.page(add("/posts/pdf/", "A PDF"), PDF, "application/pdf")
        s.page(add("/posts/png/", "An image"), PNG, "image/png")
        s.page(add("/posts/pdf-as-html/", "A PDF said to be HTML"), PDF, "text/html")
        s.page(add("/posts/empty/", "Empty"), b"")
        s.page(add("/posts/error-200/", "An error page with 200"), ERROR_200)
        s.page(add("/posts/malformed/", "Malformed"), MALFORMED)
        s.page(add("/posts/deep/", "Deep"), deep(20_000))
        for path, text, enc, ctype in (
            ("/posts/gbk/", ZH, "gbk", "text/html"),
            ("/posts/big5/", TW, "big5", "text/html"),
            ("/posts/sjis/", JA, "shift_jis", "text/html"),
            ("/posts/lie/", ZH, "gbk", "text/html; charset=utf-8"),
        ):
            s.page(add(path, f"Charset {path}"), cjk_page("標題", text).encode(enc), ctype)
        s.huge(add("/posts/huge/", "Huge, declared"), HUGE)
        s.huge(add("/posts/huge-stream/", "Huge, streamed"), HUGE, declare_length=False)
        s.huge(add("/posts/large/", "Large"), LARGE)
        s.gzip_bomb(add("/posts/bomb/", "A gzip bomb"))
        s.page(
            add("/posts/gzip/", "Honest gzip"),
            gzip.compress(GOOD),
            headers={"Content-Encoding": "gzip"},
        )
        s.page("/", listing_html(cards))
        s.page("/feed.pdf", PDF, "application/pdf")  # a "listing" that is not a page
        started = time.monotonic()
        result = crawl(
            "-a",
            f"start_urls={s.url('/')},{s.url('/feed.pdf')}",
            "-s",
            "LISTINGS_MAX_ERROR_SHARE=1",
            "-s",
            "LISTINGS_RETRY_BACKOFF=0.25",
            data_dir=data,
        )
        yield {
            "result": result,
            "server": s,
            "data": data,
            "cards": cards,
            "seconds": time.monotonic() - started,
        }


def test_the_crawl_survives(hostile_crawl: dict[str, Any]) -> None:
    # Every hostile page is a row and the crawl goes on; the start URL that is a PDF, not a
    # listing, fails the run, by name.
    result = hostile_crawl["result"]
    assert result.returncode == 1, result.stderr[-3000:]
    assert "feed.pdf could not be fetched (listing page is not text)" in result.stderr
    assert "Traceback" not in result.stderr
    assert hostile_crawl["seconds"] < 120
    assert "larger than download warn size" in result.stderr


def test_every_page_accounted_for(hostile_crawl: dict[str, Any]) -> None:
    data, server = hostile_crawl["data"], hostile_crawl["server"]
    articles, errors = by_title(data), errors_by_url(data)
    for path, title in hostile_crawl["cards"]:
        assert (title in articles) != (server.url(path) in errors), path
    assert len(articles) + len(errors) == len(hostile_crawl["cards"]) + 1  # + the PDF listing


@pytest.mark.parametrize(
    ("path", "expect"),
    [
        ("/posts/ok/", "article"),
        ("/posts/pdf/", "not an HTML page (application/pdf)"),
        ("/posts/png/", "not an HTML page (image/png)"),
        ("/posts/pdf-as-html/", "binary content"),
        ("/posts/empty/", "empty page"),
        ("/posts/error-200/", "looks like an error page"),
        ("/posts/malformed/", "article"),
        ("/posts/deep/", "not an article"),
        ("/posts/gbk/", "article"),
        ("/posts/big5/", "article"),
        ("/posts/sjis/", "article"),
        ("/posts/lie/", "article"),
        ("/posts/huge/", "larger than download max size"),
        ("/posts/huge-stream/", "body larger than DOWNLOAD_MAXSIZE"),
        ("/posts/large/", "article"),
        ("/posts/bomb/", "exceeded DOWNLOAD_MAXSIZE (16777216 B) during decompression"),
        ("/posts/gzip/", "article"),
    ],
)
def test_hostile_page(hostile_crawl: dict[str, Any], path: str, expect: str) -> None:
    data, server = hostile_crawl["data"], hostile_crawl["server"]
    title = dict(hostile_crawl["cards"])[path]
    articles, errors = by_title(data), errors_by_url(data)
    if expect == "article":
        assert title in articles, errors.get(server.url(path))
    else:
        row = errors[server.url(path)]
        assert expect in row["error"], row["error"]


def test_charsets_land_readable(hostile_crawl: dict[str, Any]) -> None:
    articles = by_title(hostile_crawl["data"])
    assert ZH[:20] in articles["Charset /posts/gbk/"]["text"]
    assert TW[:20] in articles["Charset /posts/big5/"]["text"]
    assert JA[:20] in articles["Charset /posts/sjis/"]["text"]
    assert ZH[:20] in articles["Charset /posts/lie/"]["text"]


def test_binary_listing_is_an_error_row(hostile_crawl: dict[str, Any]) -> None:
    row = errors_by_url(hostile_crawl["data"])[hostile_crawl["server"].url("/feed.pdf")]
    assert row["stage"] == "download" and "not text" in row["error"]


def test_memory_stays_bounded(hostile_crawl: dict[str, Any]) -> None:
    # 100 MB of zeros and two 20 MB pages went by: none of them was held whole.
    for line in hostile_crawl["result"].stderr.splitlines():
        if "'memusage/max'" in line:
            assert int(line.split(":")[1].strip(" ,")) < 600 * 1024 * 1024
            return
    pytest.skip("memusage extension not available on this platform")


def test_rows_files_are_readable(hostile_crawl: dict[str, Any]) -> None:
    data = hostile_crawl["data"]
    for table in ("articles", "errors", "listing_hits", "crawls"):
        assert rows(data, table), table
    assert not list(Path(data).rglob("*.tmp"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-s", "LISTINGS_MAX_REQUESTS_PER_HOST=lots"], "must be a whole number"),
        (["-s", "LISTINGS_CRAWL_ID=../../outside"], "LISTINGS_CRAWL_ID must be"),
        (["-s", "LISTINGS_STOP_ON_KNOWN_PAGE=maybe"], "must be True or False"),
        (["-a", "start_urls=file:///etc/passwd"], "is not an http(s) URL"),
    ],
)
def test_bad_arguments_end_to_end(tmp_path: Path, args: list[str], message: str) -> None:
    result = crawl(*args, data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists()


def test_broken_site_config_end_to_end(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(BROKEN_SITES["bad CSS"])
    result = crawl("-s", f"LISTINGS_SITES_FILE={sites}", data_dir=tmp_path / "data")
    assert result.returncode == 2 and "per-site config is broken" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists()
