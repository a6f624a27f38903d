"""Hostile or broken pages: each one becomes a record or an errors/ row with a reason,
never an exception, a hang or a machine eaten by one response.

The extraction functions are tried on each input directly, then one crawl meets all
of them behind the article links of a blog served on 127.0.0.1.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

from crawler.arguments import ArgumentError, plan_crawl
from crawler.runtime import sites_file
from pipelines.model import Article, ArticlePage, PageError
from pipelines.pages.extract import extract_page
from pipelines.pages.html import decode_html, parse_html
from pipelines.pages.listing import detect_cards
from tests.helpers.faultserver import (
    article_html,
)

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
    result = extract_page(page(body, content_type))
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
    result = extract_page(page(body, content_type))
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
    extract_page(page(deep(100_000)))
    assert time.monotonic() - started < 20


# --- one crawl through all of them --------------------------------------------------------

HUGE = 20 * 1024 * 1024  # over DOWNLOAD_MAXSIZE (16 MB)
LARGE = 5 * 1024 * 1024  # over DOWNLOAD_WARNSIZE (4 MB), under the maximum


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


def test_archiving_needs_a_local_dataset(tmp_path: Path) -> None:
    # Refused before anything is written, not found out once the spider opens.
    bucket = "s3://bucket/prefix?endpoint_override=127.0.0.1:9&scheme=http"
    with pytest.raises(ArgumentError, match="LISTINGS_WARC=on needs a local DATA_DIR"):
        plan(tmp_path, {}, DATA_DIR=bucket, LISTINGS_WARC="on")


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


def test_sites_file_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match="cannot be read"):
        plan(tmp_path, {}, LISTINGS_SITES_FILE=str(tmp_path))
    assert not (tmp_path / "data").exists()
