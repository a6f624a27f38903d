"""Faults a site can throw at a crawl, each against a fault-injecting server on 127.0.0.1.

One crawl walks a blog whose article links each lead to a different fault; the tests
then read what landed in articles/ and errors/. Whatever the fault, the crawl goes on,
and every article link it saw ends as exactly one record or one errors/ row.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from crawler.middlewares.link_guard import LinkGuard
from crawler.middlewares.meta_refresh import RawMetaRefreshMiddleware
from crawler.middlewares.response_guard import ResponseGuard, parse_retry_after
from crawler.middlewares.scope import CrawlScope, resolved_refusal
from crawler.resolver import PublicOnlyResolver
from pipelines.model import PageError
from tests.helpers.crawl import crawl
from tests.helpers.faultserver import (
    FaultServer,
    article_html,
    by_title,
    errors_by_url,
    listing_html,
    rows,
)
from tests.helpers.paths import ROOT

FAST = (
    "-s",
    "DOWNLOAD_TIMEOUT=2",
    "-s",
    "LISTINGS_RETRY_BACKOFF=0.25",
    "-s",
    "LISTINGS_MAX_ERROR_SHARE=1",
)
DNS_FAIL = "http://blog.nosuch.invalid/"


class Blog:
    """The fault blog: (path, title) of every card, and the server behind it."""

    def __init__(self, server: FaultServer) -> None:
        self.server = server
        self.cards: list[tuple[str, str]] = []

    def card(self, path: str, title: str) -> str:
        self.cards.append((path, title))
        return article_html(title)


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("faults")
    with FaultServer() as server:
        blog = Blog(server)
        s, c = server, blog.card
        s.page("/posts/ok/", c("/posts/ok/", "A healthy page"))
        s.sequence("/posts/flaky/", [503, 503, 200], c("/posts/flaky/", "Fails twice then works"))
        s.sequence("/posts/down/", [503], c("/posts/down/", "Always 503"))
        s.sequence("/posts/broken/", [500], c("/posts/broken/", "Always 500"))
        s.retry_after("/posts/429/", "2", c("/posts/429/", "Rate limited once"))
        s.retry_after("/posts/429-long/", "3600", c("/posts/429-long/", "Asks for an hour"), 99)
        s.reset("/posts/reset-once/", c("/posts/reset-once/", "Reset once"), times=1)
        s.reset("/posts/reset/", c("/posts/reset/", "Always reset"))
        s.hang("/posts/timeout/", 8, c("/posts/timeout/", "Never answers in time"))
        s.trickle("/posts/slow/", c("/posts/slow/", "Slow but in time"), pieces=5, interval=0.2)
        s.trickle("/posts/crawl/", c("/posts/crawl/", "Slower than the timeout"), 10, 0.5)
        s.page("/posts/gone/", "<h1>Gone</h1>", status=410)
        blog.cards.append(("/posts/gone/", "Gone for good"))
        s.page("/posts/missing/", "<h1>Not here</h1>", status=404)
        blog.cards.append(("/posts/missing/", "Never existed"))
        # 301 -> 302 -> 307 -> 308 -> the article: followed.
        s.redirect("/posts/chain/", "/hop/1", 301)
        s.redirect("/hop/1", "/hop/2", 302)
        s.redirect("/hop/2", "/hop/3", 307)
        s.redirect("/hop/3", "/posts/chain-end/", 308)
        s.page("/posts/chain-end/", article_html("Chain end"))
        blog.cards.append(("/posts/chain/", "At the end of a redirect chain"))
        # Longer than REDIRECT_MAX_TIMES (10).
        for i in range(12):
            s.redirect(f"/long/{i}", f"/long/{i + 1}")
        s.page("/long/12", article_html("Too far"))
        s.redirect("/posts/long-chain/", "/long/0")
        blog.cards.append(("/posts/long-chain/", "Too many redirects"))
        s.redirect("/posts/loop/", "/posts/loop-b/")
        s.redirect("/posts/loop-b/", "/posts/loop/")
        blog.cards.append(("/posts/loop/", "A redirect loop"))
        s.redirect("/posts/self/", "/posts/self/")
        blog.cards.append(("/posts/self/", "Redirects to itself"))
        s.redirect("/posts/dup/", "/posts/ok/")
        blog.cards.append(("/posts/dup/", "Redirects to a page already fetched"))
        s.redirect("/posts/offsite/", f"http://localhost:{s.port}/posts/elsewhere/")
        s.page("/posts/elsewhere/", article_html("Elsewhere"))
        blog.cards.append(("/posts/offsite/", "Redirects to another host"))
        s.redirect("/posts/metadata/", "http://169.254.169.254/latest/meta-data/")
        blog.cards.append(("/posts/metadata/", "Redirects to a link-local address"))
        # <meta http-equiv="refresh"> redirects, made after the redirect checks ran.
        refresh = '<html><head><meta http-equiv="refresh" content="0;url={}"></head></html>'
        s.page("/posts/meta-dup/", refresh.format("/posts/ok/"))
        blog.cards.append(("/posts/meta-dup/", "Refreshes to a page already fetched"))
        s.page("/posts/meta-off/", refresh.format(f"http://localhost:{s.port}/posts/elsewhere/"))
        blog.cards.append(("/posts/meta-off/", "Refreshes to another host"))
        # The second listing page fails twice before it works.
        first, rest = blog.cards[:-3], blog.cards[-3:]
        s.page("/", listing_html(first, "/page/2/"))
        s.sequence("/page/2/", [503, 503, 200], listing_html(rest))
        started = time.monotonic()
        result = crawl("-a", f"start_urls={s.url('/')},{DNS_FAIL}", *FAST, data_dir=data)
        yield {
            "result": result,
            "server": server,
            "data": data,
            "cards": blog.cards,
            "seconds": time.monotonic() - started,
        }


def outcome(run: dict[str, Any], path: str) -> tuple[str, dict[str, Any]]:
    """("article", row) or ("error", row) for one card of the fault blog."""
    title = dict(run["cards"])[path]
    articles = by_title(run["data"])
    errors = errors_by_url(run["data"])
    url = run["server"].url(path)
    assert (title in articles) != (url in errors), f"{path} must end exactly once"
    return ("article", articles[title]) if title in articles else ("error", errors[url])


def test_the_crawl_goes_on(fault_crawl: dict[str, Any]) -> None:
    # The site whose host does not resolve fails the run, by name; the other is crawled whole.
    result = fault_crawl["result"]
    assert result.returncode == 1, result.stderr[-3000:]
    assert "This run failed: site blog.nosuch.invalid: its first listing page" in result.stderr
    assert "Traceback" not in result.stderr
    crawls = rows(fault_crawl["data"], "crawls")
    assert [c["finish_reason"] for c in crawls] == ["finished"]
    assert fault_crawl["seconds"] < 120


def test_every_url_ends_as_a_record_or_an_error(fault_crawl: dict[str, Any]) -> None:
    data, server = fault_crawl["data"], fault_crawl["server"]
    cards = fault_crawl["cards"]
    articles, errors = rows(data, "articles"), rows(data, "errors")
    for path, _ in cards:
        outcome(fault_crawl, path)
    start_errors = [e for e in errors if e["url"] == DNS_FAIL]
    assert len(articles) + len(errors) == len(cards) + len(start_errors)
    # Hits keep the link as the card showed it; their url is the article's, where stored.
    hits = rows(data, "listing_hits")
    assert {h["card_url"] for h in hits} == {server.url(p) for p, _ in cards}
    stored = {a["url"] for a in articles}
    assert server.url("/posts/chain-end/") in stored & {h["url"] for h in hits}


@pytest.mark.parametrize(
    ("path", "kind", "status", "reason"),
    [
        ("/posts/ok/", "article", None, None),
        ("/posts/flaky/", "article", None, None),
        ("/posts/down/", "error", 503, "HTTP 503"),
        ("/posts/broken/", "error", 500, "HTTP 500"),
        ("/posts/429/", "article", None, None),
        ("/posts/429-long/", "error", 429, "HTTP 429"),
        ("/posts/reset-once/", "article", None, None),
        ("/posts/reset/", "error", None, "ConnectionLost"),
        ("/posts/timeout/", "error", None, "took longer than 2.0 seconds"),
        ("/posts/slow/", "article", None, None),
        ("/posts/crawl/", "error", None, "took longer than 2.0 seconds"),
        ("/posts/gone/", "error", 410, "HTTP 410"),
        ("/posts/missing/", "error", 404, "HTTP 404"),
        ("/posts/chain/", "article", None, None),
        ("/posts/long-chain/", "error", None, "max redirections reached"),
        ("/posts/loop/", "error", None, "a redirect loop"),
        ("/posts/self/", "error", None, "a redirect loop"),
        ("/posts/dup/", "error", None, "already fetched"),
        ("/posts/offsite/", "error", None, "localhost is not a host of this crawl"),
        ("/posts/metadata/", "error", None, "169.254.169.254 is not a host of this crawl"),
        ("/posts/meta-dup/", "error", None, "which this crawl already fetched"),
        ("/posts/meta-off/", "error", None, "localhost is not a host of this crawl"),
    ],
)
def test_fault(
    fault_crawl: dict[str, Any], path: str, kind: str, status: int | None, reason: str | None
) -> None:
    got, row = outcome(fault_crawl, path)
    assert got == kind, row
    if kind == "error":
        assert row["stage"] == "download"
        assert row["status"] == status
        assert reason in row["error"], row["error"]


def test_retries_are_bounded(fault_crawl: dict[str, Any]) -> None:
    server = fault_crawl["server"]
    # RETRY_TIMES=2: three tries, no more, for a page that never works.
    for path in ("/posts/down/", "/posts/reset/", "/posts/timeout/", "/posts/flaky/"):
        assert len(server.hits(path)) == 3, path
    assert len(server.hits("/posts/429-long/")) == 1  # an hour's wait is not waited for
    assert len(server.hits("/page/2/")) == 3


def test_retry_after_is_honoured(fault_crawl: dict[str, Any]) -> None:
    first, second = fault_crawl["server"].hits("/posts/429/")
    assert second - first >= 1.9


def test_retries_back_off(fault_crawl: dict[str, Any]) -> None:
    a, b, c = fault_crawl["server"].hits("/posts/down/")
    # LISTINGS_RETRY_BACKOFF=0.25: 0.25 s, then 0.5 s.
    assert b - a >= 0.2 and c - b >= 0.45


def test_redirects_never_leave_the_crawl(fault_crawl: dict[str, Any]) -> None:
    server = fault_crawl["server"]
    assert "/posts/elsewhere/" not in server.paths()
    assert len(server.hits("/posts/loop/")) == 1 and len(server.hits("/posts/self/")) == 1
    # The chain was followed to its end, with the card's title on the record.
    assert "/posts/chain-end/" in server.paths()
    record = by_title(fault_crawl["data"])["At the end of a redirect chain"]
    assert record["url"] == server.url("/posts/chain-end/")


def test_dns_failure_is_an_error_row(fault_crawl: dict[str, Any]) -> None:
    row = errors_by_url(fault_crawl["data"])[DNS_FAIL]
    assert row["stage"] == "download" and "DNS lookup failed" in row["error"]


def test_server_dies_mid_crawl_and_comes_back(tmp_path: Path) -> None:
    with FaultServer() as server:
        cards = [(f"/posts/p{i}/", f"Article number {i}") for i in range(8)]
        for path, title in cards:
            if path == "/posts/p2/":
                # Down for 1.5 s: refused connections, retried after 1 s and 2 s.
                server.die_on(path, 1.5, article_html(title))
            else:
                server.page(path, article_html(title))
        server.page("/", listing_html(cards[:4], "/page/2/"))
        server.page("/page/2/", listing_html(cards[4:]))
        result = crawl("-a", f"start_urls={server.url('/')}", data_dir=tmp_path)
        assert server.outages == 1
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(by_title(tmp_path)) == sorted(t for _, t in cards)
    assert rows(tmp_path, "errors") == []


def test_server_gone_for_good(tmp_path: Path) -> None:
    # A server that never comes back: every URL still ends as a row, and the run fails.
    with FaultServer() as server:
        cards = [(f"/posts/p{i}/", f"Article number {i}") for i in range(4)]
        server.page("/", listing_html(cards))
        for path, title in cards:
            server.die_on(path, 600, article_html(title))
        result = crawl("-a", f"start_urls={server.url('/')}", *FAST[:4], data_dir=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1 and "This run failed: 4 of 4 pages" in result.stderr
    assert len(rows(tmp_path, "errors")) == 4 and rows(tmp_path, "articles") == []
    assert rows(tmp_path, "crawls")[0]["finish_reason"] == "finished"


# --- the guards on their own --------------------------------------------------------------


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 11, 8, 0, tzinfo=UTC)
    assert parse_retry_after(b"120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(days=1), usegmt=True), now) == 0
    for bad in (None, b"", b"soon", b"-5", b"1.5", "Thu, 99 Foo 2026"):
        assert parse_retry_after(bad, now) is None
    assert parse_retry_after(b"9" * 40) == 1e9  # absurd values stay finite


PUBLIC = "https://blog.example.invalid/"  # .invalid: a public name that needs no DNS here
PRIVATE = "http://10.0.0.5/"


def guarded_crawler(*start_urls: str) -> Any:
    crawler = get_crawler(scrapy.Spider, {"DEPTH_LIMIT": 0, "URLLENGTH_LIMIT": 2083})
    crawler.spider = scrapy.Spider(name="t", start_urls=list(start_urls))
    return crawler


def listing_response(url: str) -> HtmlResponse:
    request = Request(url, meta={"listings_kind": "listing", "depth": 0})
    return HtmlResponse(url, body=b"<html></html>", request=request)


def test_scope_rules() -> None:
    scope = CrawlScope.of(guarded_crawler(PUBLIC, PRIVATE, "http://127.0.0.1:8080/"))
    assert scope.refusal("https://www.blog.example.invalid/a", PUBLIC) is None
    assert scope.refusal("https://other.example.invalid/a", PUBLIC) is not None
    assert scope.refusal("ftp://blog.example.invalid/a", PUBLIC) is not None
    # From a public page to a private start host: refused. Private to private: allowed.
    assert "private" in (scope.refusal("http://10.0.0.5/x", PUBLIC) or "")
    assert "private" in (scope.refusal("http://127.0.0.1:8080/x", PUBLIC) or "")
    assert scope.refusal("http://10.0.0.5/x", "http://127.0.0.1:8080/") is None
    assert scope.refusal("http://10.0.0.5/x", None) is None


def test_link_guard_refuses_public_to_private_links() -> None:
    crawler = guarded_crawler(PUBLIC, PRIVATE)
    guard = LinkGuard(crawler)
    response = listing_response(PUBLIC)
    links = [
        Request(f"{PUBLIC}post/1/", meta={"listings_kind": "article"}),
        Request("http://10.0.0.5/admin/", meta={"listings_kind": "article"}),
        Request("http://169.254.169.254/latest/", meta={"listings_kind": "article"}),
        Request("http://localhost/", meta={"listings_kind": "listing"}),
        Request(f"{PUBLIC}post/{'x' * 3000}/", meta={"listings_kind": "article"}),
    ]
    out = list(guard.process_spider_output(response, links))
    assert [type(x).__name__ for x in out] == [
        "Request",
        "PageError",
        "PageError",
        "PageError",
        "PageError",
    ]
    assert all(isinstance(x, Request) or x.stage == "download" for x in out)
    assert "private address" in out[1].error and "not a host" in out[2].error
    assert "URLLENGTH_LIMIT" in out[4].error


def test_response_guard_refuses_public_to_private_redirects() -> None:
    crawler = guarded_crawler(PUBLIC, PRIVATE)
    guard = ResponseGuard(crawler)
    request = Request(f"{PUBLIC}post/1/", meta={"listings_kind": "article"})
    for target in (
        "http://10.0.0.5/",
        "http://127.0.0.1/",
        "http://[::1]/",
        "file:///etc/passwd",
        "http://[::1",  # no URL at all
        "http://blog.example.invalid:abc/",
    ):
        response = HtmlResponse(
            request.url, status=302, headers={"Location": target}, request=request
        )
        with pytest.raises(IgnoreRequest):
            guard.process_response(request, response)
    ok = HtmlResponse(request.url, status=301, headers={"Location": "/post/2/"}, request=request)
    assert guard.process_response(request, ok) is ok


@pytest.mark.parametrize(
    ("body", "encoding", "redirected"),
    [
        ("<html><head><title>post</title></head><body>{}</body></html>", "utf-8", False),
        (
            '<html><head><meta http-equiv="Refresh" content="0;url=/b/"></head></html>',
            "utf-8",
            True,
        ),
        (
            '<html><head><meta http-equiv="refresh" content="0;url=/b/"></head></html>',
            "utf-16",
            True,
        ),
        # "refresh" in the text but no tag: decoded, looked at, left alone.
        ("<html><body><p>Press refresh.</p>{}</body></html>", "utf-8", False),
    ],
)
def test_meta_refresh_is_looked_for_in_raw_bytes_first(
    monkeypatch: pytest.MonkeyPatch, body: str, encoding: str, redirected: bool
) -> None:
    import scrapy.http.response.text as text_module

    decoded: list[int] = []
    real = text_module.html_to_unicode

    def spy(*args: Any, **kwargs: Any) -> Any:
        decoded.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(text_module, "html_to_unicode", spy)
    middleware = RawMetaRefreshMiddleware.from_crawler(get_crawler(settings_dict={}))
    request = Request("http://blog.example.com/a/")
    page = body.format("汉字 " * 3000).encode(encoding)
    response = HtmlResponse(request.url, body=page, encoding=encoding, request=request)
    out = middleware.process_response(request, response)
    if redirected:
        # (Scrapy keeps a UTF-16 page's BOM in the query: its behaviour, unchanged here.)
        assert isinstance(out, Request) and out.url.startswith("http://blog.example.com/b/")
    else:
        assert out is response
    # A page whose first bytes never say "refresh" is not decoded.
    assert bool(decoded) == (b"refresh" in page.lower() or encoding != "utf-8")


def test_link_guard_depth_limit_stops_paging_not_articles() -> None:
    crawler = get_crawler(scrapy.Spider, {"DEPTH_LIMIT": 2})
    crawler.spider = scrapy.Spider(name="t", start_urls=[PUBLIC])
    guard = LinkGuard(crawler)
    response = listing_response(PUBLIC)
    response.meta["depth"] = 1  # the second listing page
    out = list(
        guard.process_spider_output(
            response,
            [
                Request(f"{PUBLIC}post/1/", meta={"listings_kind": "article"}),
                Request(f"{PUBLIC}page/3/", meta={"listings_kind": "listing"}),
            ],
        )
    )
    assert [x.url for x in out] == [f"{PUBLIC}post/1/"]


def test_link_guard_turns_a_reader_crash_into_a_row() -> None:
    guard = LinkGuard(guarded_crawler(PUBLIC))
    rows_out = guard.process_spider_exception(listing_response(PUBLIC), RecursionError("deep"))
    assert rows_out is not None
    (row,) = rows_out
    assert isinstance(row, PageError) and row.stage == "extract" and "RecursionError" in row.error


def test_resolver_refuses_private_answers() -> None:
    assert resolved_refusal("blog.example.com", "93.184.216.34", allowed=()) is None
    for address in ("127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.0.1", "::1"):
        assert resolved_refusal("blog.example.com", address, allowed=()) is not None
    assert resolved_refusal("intranet", "10.1.2.3", allowed={"intranet"}) is None
    with pytest.raises(DNSLookupError):
        PublicOnlyResolver._check("127.0.0.1", "rebound.example.com")


def test_private_start_host_by_name_is_crawled(tmp_path: Path) -> None:
    # localhost resolves to loopback: allowed, because the start URL itself is that host.
    with FaultServer() as server:
        server.page("/", listing_html([("/posts/a/", "Only article")]))
        server.page("/posts/a/", article_html("Only article"))
        result = crawl("-a", f"start_urls=http://localhost:{server.port}/", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert list(by_title(tmp_path)) == ["Only article"]


# --- the disk fills up, or DATA_DIR turns unwritable mid-crawl ------------------------------

# Runs a crawl whose Parquet writes fail with an OSError after the first ``limit`` row
# groups: the disk filling up (ENOSPC), a read-only remount (EROFS), lost permission.
FAILING_DISK = """
import os, sys
import pyarrow.parquet as pq
limit, code = int(sys.argv[1]), int(sys.argv[2])
calls = [0]
write_table = pq.ParquetWriter.write_table
def failing(self, *args, **kwargs):
    calls[0] += 1
    if calls[0] > limit:
        raise OSError(code, os.strerror(code))
    return write_table(self, *args, **kwargs)
pq.ParquetWriter.write_table = failing
from scrapy.cmdline import execute
sys.argv = ["scrapy", "crawl", "listings", *sys.argv[3:]]
execute()
"""


def blog_of(server: FaultServer, n: int, extra: str = "") -> None:
    cards = [(f"/posts/p{i}/", f"Article number {i}") for i in range(n)]
    for path, title in cards:
        server.page(path, article_html(title).replace("</article>", f"{extra}</article>"))
    server.page("/", listing_html(cards))


def check_left_behind(data: Path, result: Any) -> None:
    """Failed clearly, once; what was written before is complete and readable."""
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert len(re.findall(r"Could not store .*, the crawl stops", result.stderr)) == 1
    assert "This run failed: the dataset could not be written" in result.stderr
    written = [p for p in data.rglob("*.parquet") if not p.name.startswith(".")]
    assert written, "files committed before the failure stay"
    for path in written:
        pq.read_table(path)  # complete, with a footer: readable
    # A file cut short is never in the dataset: removed, or (on a read-only disk, where
    # nothing can be removed) left under its hidden temporary name for the next run.
    for tmp in data.rglob("*.tmp"):
        assert tmp.name.startswith("."), tmp


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_disk_fails_mid_crawl(tmp_path: Path, code: int) -> None:
    with FaultServer() as server:
        blog_of(server, 20)
        args = ["-a", f"start_urls={server.url('/')}", "-s", f"DATA_DIR={tmp_path}"]
        args += ["-s", "PARQUET_ROW_GROUP_ROWS=1", "-s", "PARQUET_ROLL_ROWS=2"]
        result = subprocess.run(
            [sys.executable, "-c", FAILING_DISK, "8", str(code), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    check_left_behind(tmp_path, result)
    assert os.strerror(code) in result.stderr
    assert len(rows(tmp_path, "listing_hits")) + len(rows(tmp_path, "articles")) >= 2


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs, where this machine lets the tests mount one (root in a sandbox)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip() or made.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_real_disk_fills_up(tiny_disk: Path) -> None:
    data = tiny_disk / "data"
    noise = "<p>" + " ".join(secrets.token_hex(4) for _ in range(4000)) + "</p>"
    with FaultServer() as server:
        blog_of(server, 40, noise)  # 40 x ~40 KB of incompressible text: > 1 MB
        result = crawl(
            "-a",
            f"start_urls={server.url('/')}",
            "-s",
            "PARQUET_ROW_GROUP_ROWS=1",
            "-s",
            "PARQUET_ROLL_ROWS=2",
            data_dir=data,
        )
    check_left_behind(data, result)
    assert "No space left on device" in result.stderr or "disk is full" in result.stderr
    assert rows(data, "articles")
