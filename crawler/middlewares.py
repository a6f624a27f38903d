"""Downloader and spider middlewares of the listings project."""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response

from crawler.arguments import DEMO_START_URL
from crawler.request_kind import RequestKind, kind_of
from crawler.runtime import CrawlRuntime
from pipelines.text.urls import canonical_url

DEMO_ROOT = Path(__file__).resolve().parent / "demo" / "site"
DEMO_HOST = urlsplit(DEMO_START_URL).hostname


def demo_file(path: str, root: Path = DEMO_ROOT) -> Path | None:
    """The file behind a demo-site path (``/x/`` is ``/x/index.html``), never outside ``root``."""
    rel = unquote(path).lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    target = (root / rel).resolve()
    if root.resolve() not in target.parents or not target.is_file():
        return None
    return target


class RawMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, looked for in the raw bytes first.

    Scrapy's middleware decodes every HTML page whole to read its first 4096 characters,
    and the decoded copy lives as long as the response. Pages whose head has no
    ``refresh`` at all (nearly all) pass through undecoded; the others, and pages in
    encodings where ASCII is not ASCII bytes (UTF-16/32), get Scrapy's full check.
    """

    # 4096 characters are at most 16 KB of UTF-8.
    HEAD_BYTES = 4 * 4096

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if isinstance(response, HtmlResponse) and not _may_refresh(
            response.body[: self.HEAD_BYTES]
        ):
            return response
        return super().process_response(request, response)


def _may_refresh(head: bytes) -> bool:
    return b"\x00" in head or b"refresh" in head.lower()


class DemoSiteMiddleware:
    """Serves ``http://demo.listings.invalid/`` from the files bundled in the repo.

    The ``.invalid`` name can never resolve, so nothing of the demo ever leaves the machine.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_crawler(cls, crawler: Any) -> DemoSiteMiddleware:
        if not DEMO_ROOT.is_dir():
            raise NotConfigured("the demo site is not bundled")
        return cls(DEMO_ROOT)

    def process_request(self, request: Request) -> Response | None:
        parts = urlsplit(request.url)
        if parts.hostname != DEMO_HOST:
            return None
        target = demo_file(parts.path, self.root)
        status = 200
        if target is None:
            target, status = self.root / "404.html", 404
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        headers = {"Content-Type": f"{kind}; charset=utf-8" if kind.startswith("text/") else kind}
        body = target.read_bytes() if target.is_file() else b""
        if kind == "text/html":
            return HtmlResponse(
                request.url, status=status, headers=headers, body=body, request=request
            )
        return Response(request.url, status=status, headers=headers, body=body, request=request)


class KnownArticlesMiddleware:
    """Incremental crawls: no download of an article an earlier crawl already stored,
    and no further paging once a listing page shows only such articles."""

    def __init__(self, crawler: Any, stop_on_known_page: bool) -> None:
        self.crawler = crawler
        self.stop_on_known_page = stop_on_known_page

    @classmethod
    def from_crawler(cls, crawler: Any) -> KnownArticlesMiddleware:
        return cls(crawler, crawler.settings.getbool("LISTINGS_STOP_ON_KNOWN_PAGE"))

    def _filter(self, result: Iterable[Any]) -> Iterable[Any]:
        state = CrawlRuntime.of(self.crawler)
        stats = self.crawler.stats
        cards = known = complete = 0
        held_next: list[Request] = []
        for item in result:
            if not isinstance(item, Request):
                yield item
                continue
            kind = kind_of(item)
            if kind is RequestKind.ARTICLE:
                cards += 1
                url = canonical_url(item.url)
                if state.index.stored_before(url, state.crawl_id):
                    known += 1
                    complete += state.stored_completely(url)
                    stats.inc_value("listings/articles_already_stored")
                    continue
            elif kind is RequestKind.LISTING and item.meta.get("listing_page", 1) > 1:
                held_next.append(item)
                continue
            yield item
        # Stop only where an earlier crawl that finished stored every card: after a killed
        # run, older pages may still hold articles nobody stored.
        if held_next and self.stop_on_known_page and cards and complete == cards:
            stats.inc_value("listings/paging_stopped_early")
            self.crawler.spider.logger.info(
                "Every article on this listing page is already stored: not paging further."
            )
            return
        yield from held_next

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        return self._filter(result)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        items = [item async for item in result]
        for item in self._filter(items):
            yield item
