"""Hostile or broken pages: each one becomes a record or an errors/ row with a reason,
never an exception, a hang or a machine eaten by one response.

The extraction functions are tried on each input directly, then one crawl meets all
of them behind the article links of a blog served on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

from crawler.arguments import ArgumentError, plan_crawl
from crawler.items import Article, ArticlePage, PageError
from crawler.state import sites_file
from pipelines.cards import detect_cards
from pipelines.html import decode_html, parse_html
from pipelines.process import process_page
from tests.faultserver import (
    FaultServer,
    article_html,
    by_title,
    errors_by_url,
    listing_html,
    rows,
)
from tests.test_crawl_e2e import crawl

ZH = (
    "数据管道的每一步都应该只做一件事，并且能单独运行和测试。这样出了问题时，我们可以很快定位到是哪一步"
    "的输出不对。增量抓取的关键在于知道哪些文章已经保存过，把这份知识从数据集本身推导出来。"
)
TW = (
    "在真實的網站上，分頁的形式多種多樣：有的用路徑裡的頁碼，有的用查詢參數，還有的只在頁面頭部放一個"
    "連結。抓取程式必須能夠辨認每一種形式，並且在最後一頁停下來，不會無止境地繼續下去。"
)
JA = (
    "日本語のブログ記事です。クローラーはページを順番にたどり、本文を取り出して保存します。"
    "文字化けしてはいけません。文字コードが宣言されていなくても、正しく読み取る必要があります。"
)
PDF = (
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 40
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40


def cjk_page(title: str, text: str) -> str:
    paragraphs = "".join(f"<p>{i}. {text}</p>" for i in range(1, 4))
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    )


def page(body: bytes, content_type: str | None = "text/html; charset=utf-8") -> ArticlePage:
    return ArticlePage(
        url="http://blog.example.invalid/posts/a/",
        body=body,
        content_type=content_type,
        status=200,
        fetched_at=datetime.now(UTC),
    )


GOOD = article_html("A perfectly normal article").encode()
MALFORMED = (
    b"<html><head><title>Broken markup</title><body><h1>Broken markup</h1><div><p>"
    + article_html("x").split("<main>")[1].encode()[:-40]
    + b"<p>unclosed <b>bold <i>italic <table><tr><td>cell</div></span>\xff\xfe\x80 stray bytes"
    + b"<p>" * 50
)
ERROR_200 = (
    b"<html><head><title>404 Not Found</title></head><body><h1>Page not found</h1>"
    b"<p>Sorry, the page you are looking for does not exist.</p></body></html>"
)


def deep(levels: int) -> bytes:
    return (
        b"<html><body>"
        + b"<div>" * levels
        + GOOD.split(b"<body>")[1].split(b"</body>")[0]
        + b"</div>" * levels
        + b"</body></html>"
    )


@pytest.mark.parametrize(
    ("name", "body", "content_type", "expect"),
    [
        ("ordinary page", GOOD, "text/html; charset=utf-8", "article"),
        ("unclosed tags and stray bytes", MALFORMED, "text/html; charset=utf-8", "article"),
        ("empty body", b"", "text/html", "empty page"),
        ("only blanks", b" \n\t \r\n", "text/html", "empty page"),
        ("200 with an error page", ERROR_200, "text/html", "looks like an error page"),
        ("PDF", PDF, "application/pdf", "not an HTML page (application/pdf)"),
        ("image", PNG, "image/png", "not an HTML page (image/png)"),
        ("PDF served as HTML", PDF, "text/html", "binary content"),
        ("unclosed title", MALFORMED.replace(b"</title>", b""), "text/html", "not an article"),
        ("image served as HTML", PNG, "text/html", "binary content"),
        ("no content type at all", PNG, None, "binary content"),
        ("NUL bytes in the text", GOOD.replace(b"<p>", b"<p>\x00", 3), "text/html", "binary"),
        ("nested 5,000 deep", deep(5000), "text/html", "not an article"),
        ("nested 100 deep", deep(100), "text/html", "article"),
        (
            "XML declaration",
            b'<?xml version="1.0" encoding="utf-8"?>' + GOOD,
            "text/html",
            "article",
        ),
        (
            "UTF-16 with BOM",
            b"\xff\xfe" + GOOD.decode().encode("utf-16-le"),
            "text/html",
            "article",
        ),
        ("only a comment", b"<!-- nothing -->", "text/html", "not an article"),
        ("unparsable bytes", b"<\x00\x00>" * 100, "text/html", "binary content"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "",
)
def test_process_page_never_raises(
    name: str, body: bytes, content_type: str | None, expect: str
) -> None:
    result = process_page(page(body, content_type))
    if expect == "article":
        assert isinstance(result, Article), getattr(result, "error", None)
        assert "Every step of a data pipeline" in result.text
    else:
        assert isinstance(result, PageError) and result.stage == "extract"
        assert expect in result.error, result.error


@pytest.mark.parametrize(
    ("text", "encoding", "content_type"),
    [
        (ZH, "gbk", "text/html"),
        (TW, "big5", "text/html"),
        (JA, "shift_jis", "text/html"),
        (ZH, "gb18030", None),
        (ZH, "gbk", "text/html; charset=utf-8"),  # the header lies
        (JA, "shift_jis", "text/html; charset=utf-8"),  # the header lies
        (ZH, "gbk", "text/html; charset=iso-8859-1"),  # a server default, not the page's
        (ZH, "utf-8", "text/html; charset=gbk"),  # the header lies the other way
        (JA, "utf-8", "text/html; charset=shift_jis"),
    ],
    ids=lambda value: str(value) if value is None or len(value) < 40 else value[:2],
)
def test_charsets_without_or_against_the_header(
    text: str, encoding: str, content_type: str | None
) -> None:
    body = cjk_page("標題", text).encode(encoding)
    decoded, _ = decode_html(body, content_type)
    assert text in decoded
    result = process_page(page(body, content_type))
    assert isinstance(result, Article), getattr(result, "error", None)
    assert text[:20] in result.text


def test_meta_charset_that_lies() -> None:
    body = cjk_page("標題", ZH).replace("<head>", '<head><meta charset="shift_jis">').encode()
    assert ZH in decode_html(body, None)[0]
    body = cjk_page("標題", ZH).replace("<head>", '<head><meta charset="utf-8">').encode("gbk")
    assert ZH in decode_html(body, None)[0]


def test_western_page_in_latin1_is_left_alone() -> None:
    text = "Un été très chaud à Paris, café crème et crêpes."
    body = f"<html><body><p>{text}</p></body></html>".encode("latin-1")
    assert text in decode_html(body, "text/html; charset=iso-8859-1")[0]


def test_deep_dom_is_cut_not_recursed() -> None:
    # libxml2 stops nesting at 256 levels: a deeper page parses, flattened, in bounded time.
    started = time.monotonic()
    tree = parse_html(deep(100_000).decode())
    assert max(len(list(e.iterancestors())) for e in tree.iter()) <= 256
    detect_cards(tree, "http://blog.example.invalid/")
    process_page(page(deep(100_000)))
    assert time.monotonic() - started < 20


def test_fifty_thousand_links_in_bounded_time() -> None:
    links = "".join(f'<li><a href="/p/{i}/">Post number {i}</a></li>' for i in range(50_000))
    started = time.monotonic()
    listing = detect_cards(
        parse_html(f"<html><body><ul>{links}</ul></body></html>"), "http://blog.example.invalid/"
    )
    assert time.monotonic() - started < 60
    assert len(listing.cards) == 50_000
    assert len({c.url for c in listing.cards}) == 50_000


# --- one crawl through all of them --------------------------------------------------------

HUGE = 20 * 1024 * 1024  # over DOWNLOAD_MAXSIZE (16 MB)
LARGE = 5 * 1024 * 1024  # over DOWNLOAD_WARNSIZE (4 MB), under the maximum


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
    result = hostile_crawl["result"]
    assert result.returncode == 0, result.stderr[-3000:]
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


# --- broken configuration and arguments: one clear sentence, exit 2, nothing written --------

BROKEN_SITES = {
    "not TOML": "[sites.a\nhosts = ",
    "unknown key": '[sites.a]\nhosts = ["a.example"]\ncolour = "blue"\n',
    "bad CSS": '[sites.a]\ncard = "div[[["\n',
    "bad XPath": '[sites.a]\ntitle = "//h2[@"\n',
    "bad regex": '[sites.a]\nskip_paths = ["(unclosed"]\n',
    "bad timezone": '[sites.a]\ntimezone = "Mars/Olympus"\n',
    "wrong type": "[sites.a]\nhosts = 42\n",
    "not a table": 'sites = "everything"\n',
    "stray table": '[other]\nx = "y"\n',
    "not UTF-8": b"[sites.a]\ntitle = '\xff\xfe'\n",
}


def plan(tmp_path: Path, spider_args: dict[str, Any], **overrides: Any) -> Any:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("DATA_DIR", str(tmp_path / "data"), priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return plan_crawl(spider_args, settings, sites_file(settings))


@pytest.mark.parametrize("name", list(BROKEN_SITES))
def test_broken_site_config(tmp_path: Path, name: str) -> None:
    path = tmp_path / "sites.toml"
    text = BROKEN_SITES[name]
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ArgumentError, match="per-site config is broken") as info:
        plan(tmp_path, {}, LISTINGS_SITES_FILE=str(path))
    assert "\n" not in str(info.value).strip()
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("LISTINGS_MAX_PAGES", "many", "must be a whole number"),
        ("LISTINGS_MAX_PAGES", "-1", "must be positive"),
        ("LISTINGS_MAX_REQUESTS_PER_HOST", "lots", "must be a whole number"),
        ("DEPTH_LIMIT", "deep", "must be a whole number"),
        ("DOWNLOAD_MAXSIZE", "16MB", "must be a whole number"),
        ("CONCURRENT_REQUESTS", "0", "must be positive"),
        ("RETRY_TIMES", "-3", "must be positive"),
        ("LISTINGS_RETRY_BACKOFF", "soon", "must be a number"),
        ("LISTINGS_MAX_RETRY_AFTER", "-5", "must be 0 or more"),
        ("DOWNLOAD_TIMEOUT", "forever", "must be a number"),
        ("DOWNLOAD_TIMEOUT", "nan", "must be 0 or more"),
        ("LISTINGS_STOP_ON_KNOWN_PAGE", "maybe", "must be True or False"),
        ("ROBOTSTXT_OBEY", "sometimes", "must be True or False"),
        ("LISTINGS_CRAWL_ID", "../../outside", "LISTINGS_CRAWL_ID must be"),
        ("LISTINGS_CRAWL_ID", "a/b", "LISTINGS_CRAWL_ID must be"),
        ("LISTINGS_CRAWL_ID", ".hidden", "LISTINGS_CRAWL_ID must be"),
        ("LISTINGS_SITES_FILE", "/no/such/sites.toml", "does not exist"),
    ],
)
def test_bad_setting_values(tmp_path: Path, setting: str, value: str, message: str) -> None:
    with pytest.raises(ArgumentError, match=re.escape(message)):
        plan(tmp_path, {}, **{setting: value})
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    "start_urls",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http://",
        ",,,",
        "http://exa mple.com/",
        "//x",
        "http://x:abc/",
        "http://[::1",
    ],
)
def test_bad_start_urls(tmp_path: Path, start_urls: str) -> None:
    with pytest.raises(ArgumentError, match="start_urls"):
        plan(tmp_path, {"start_urls": start_urls})
    assert not (tmp_path / "data").exists()


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


def test_sites_file_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match="cannot be read"):
        plan(tmp_path, {}, LISTINGS_SITES_FILE=str(tmp_path))
    assert not (tmp_path / "data").exists()


def test_broken_site_config_end_to_end(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(BROKEN_SITES["bad CSS"])
    result = crawl("-s", f"LISTINGS_SITES_FILE={sites}", data_dir=tmp_path / "data")
    assert result.returncode == 2 and "per-site config is broken" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists()
