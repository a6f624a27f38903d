"""Listing pages built by a script, rendered in Chromium through scrapy-playwright.

``RenderingDownloadHandler`` (``DOWNLOAD_HANDLERS`` for http and https) is Scrapy's own
HTTP/1.1 handler for every request but those with ``playwright`` in their meta: those go to
scrapy-playwright's handler, made and started on the first of them. A crawl that renders
nothing never imports Playwright nor starts a browser, and runs without either installed.

Inside the browser, requests to non-public addresses (other than the start hosts), to other
schemes, and for images, media and fonts are aborted: a page's scripts reach no further
than the crawl itself may.
"""

from __future__ import annotations

import asyncio
import importlib.util
import ipaddress
import logging
import re
import shutil
import time
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

from crawler.arguments import ArgumentError
from crawler.extensions.diagnosis import no_cards_cause
from crawler.middlewares.scope import PRIVATE_START_HOSTS, looks_private, resolved_refusal
from crawler.request_kind import KIND_META, RequestKind
from pipelines.model import PageError
from pipelines.pages.extract import ExtractOptions, extract_page

if TYPE_CHECKING:
    from crawler.spiders.listings import ListingsSpider

logger = logging.getLogger(__name__)

RENDER_META = "playwright"
# A listing page fetched again to be rendered: not a page more for the counts.
RERENDER_META = "listings_rerender"
# The causes no_cards_cause gives for a page whose cards a script builds.
APP_CAUSE = "it looks like a JavaScript app"
# Browser requests not needed to build a page's cards.
_SKIPPED_RESOURCES = frozenset({"image", "media", "font"})
# Extraction failures that a page built by its scripts shows before they ran.
_SCRIPT_BUILT_FAILURES = ("main text too short", "no title")
_FEED_SUFFIXES = (".xml", ".xml.gz", ".rss", ".atom", ".json", "/feed", "/feed/", "/rss", "/rss/")


class RenderMode(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


def render_mode(settings: BaseSettings) -> RenderMode:
    """``LISTINGS_RENDER`` as a mode; ArgumentError (status 2) for anything else."""
    value = str(settings.get("LISTINGS_RENDER")).strip().lower()
    try:
        return RenderMode(value)
    except ValueError:
        raise ArgumentError(
            f"setting LISTINGS_RENDER must be auto, always or never, got {value!r}"
        ) from None


def chromium_path(settings: BaseSettings) -> str | None:
    path = settings.get("LISTINGS_CHROMIUM") or ""
    if path and Path(path).is_file():
        return str(path)
    return None if path else shutil.which("chromium")


def missing_renderer(settings: BaseSettings) -> str | None:
    """What to install before this machine can render a page, in one clause; None if nothing."""
    missing = []
    if importlib.util.find_spec("scrapy_playwright") is None:
        missing.append("scrapy-playwright (pip install 'listings[render]')")
    if chromium_path(settings) is None:
        where = settings.get("LISTINGS_CHROMIUM") or "chromium"
        missing.append(
            f"Chromium (apt-get install chromium; none at {where}, set LISTINGS_CHROMIUM)"
        )
    if not missing:
        return None
    return f"it must be rendered in a browser, which needs {' and '.join(missing)}"


def looks_like_feed(url: str) -> bool:
    """A URL that names a feed or a sitemap: never rendered, whatever the mode."""
    path = urlsplit(url).path.lower()
    return path.endswith(_FEED_SUFFIXES)


# This many paragraph tags in the HTML and the page is no script-built shell.
_ARTICLE_PARAGRAPHS = 3
_PARAGRAPH_TAG = re.compile(rb"<p[ >]")


class ArticleRender:
    """Whether an article page is fetched once more through the browser (``LISTINGS_RENDER``):
    the request that does so calls back into the spider."""

    def __init__(self, spider: ListingsSpider, min_chars: int) -> None:
        self.spider = spider
        self.min_chars = min_chars
        self.said_cannot_render = False
        self.missing: str | None = None  # what rendering needs here, once asked ("" if nothing)

    def request(self, response: Response) -> Request | None:
        """An article page whose HTML has no main text because its scripts build it: the same
        page once more, through the browser, whose result decides."""
        spider = self.spider
        if spider.render_mode is RenderMode.NEVER or response.meta.get(RENDER_META):
            return None
        # An article's paragraphs are in its HTML: the diagnosis below reads the whole page,
        # and every article page passes here, so the cheap test comes first.
        body = response.body
        # Counted up to the third only: the whole body need not be read.
        opened = islice(_PARAGRAPH_TAG.finditer(body), _ARTICLE_PARAGRAPHS)
        if sum(1 for _ in opened) >= _ARTICLE_PARAGRAPHS:
            return None
        if not no_cards_cause(body, response.status).startswith(APP_CAUSE):
            return None
        if self.missing is None:
            self.missing = missing_renderer(spider.crawler.settings) or ""
        missing = self.missing
        if missing:
            if not self.said_cannot_render:
                self.said_cannot_render = True
                spider.logger.info(
                    "No main text in %s, which looks like a JavaScript app: %s.",
                    response.url,
                    missing,
                )
            return None
        # Only a page that the extraction would refuse for want of text: cheap here, since a
        # page that looks like an app has little text.
        record = extract_page(
            spider.article_page(response),
            spider.site_for(response.url),
            ExtractOptions(min_chars=self.min_chars),
        )
        if not isinstance(record, PageError) or not any(
            failure in record.error for failure in _SCRIPT_BUILT_FAILURES
        ):
            return None
        spider.logger.info(
            "No main text in %s and it looks like a JavaScript app: rendering it in Chromium.",
            response.url,
        )
        spider.crawler.stats.inc_value("listings/render/articles")
        return Request(
            response.url,
            callback=spider.parse_article,
            errback=spider.on_error,
            dont_filter=True,
            meta={
                KIND_META: RequestKind.ARTICLE,
                "listing_url": response.meta.get("listing_url"),
                "card": response.meta.get("card"),
                "article_hops": response.meta.get("redirect_urls", ()),
                RENDER_META: True,
                RERENDER_META: True,
            },
        )


class RenderUnavailable(Exception):
    """A page must be rendered and this machine cannot: the message says what to install."""


class RenderingDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler; requests marked ``playwright`` are rendered in Chromium."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._crawler = crawler
        self._renderer: Any = None
        self._lock = asyncio.Lock()
        self.timeout = crawler.settings.getfloat("LISTINGS_RENDER_TIMEOUT")
        self.pages = 0
        self.seconds = 0.0

    async def download_request(self, request: Request) -> Response:
        if not request.meta.get(RENDER_META):
            return await super().download_request(request)
        renderer = await self._start_renderer()
        from scrapy_playwright.page import PageMethod

        deadline = asyncio.get_running_loop().time() + self.timeout
        request.meta["playwright_page_methods"] = [PageMethod(_settle, deadline)]
        request.meta["playwright_page_goto_kwargs"] = {"wait_until": "load"}
        started = time.monotonic()
        try:
            return await renderer.download_request(request)
        finally:
            self.pages += 1
            self.seconds += time.monotonic() - started
            self._crawler.stats.inc_value("listings/render/pages")

    async def _start_renderer(self) -> Any:
        async with self._lock:
            if self._renderer is None:
                missing = missing_renderer(self._crawler.settings)
                if missing:
                    raise RenderUnavailable(missing)
                from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

                renderer = ScrapyPlaywrightDownloadHandler(self._crawler)
                settings = self._crawler.settings
                renderer.config.launch_options = {
                    "executable_path": chromium_path(settings),
                    "headless": True,
                    "args": list(settings.getlist("LISTINGS_CHROMIUM_ARGS")),
                    **renderer.config.launch_options,
                }
                renderer.config.max_contexts = 1
                renderer.config.max_pages_per_context = max(
                    1, settings.getint("LISTINGS_RENDER_PAGES")
                )
                renderer.config.navigation_timeout_ms = self.timeout * 1000
                renderer.abort_request = refuse_in_browser
                # Made after the engine started, it missed the signal that launches Playwright.
                await renderer._launch()
                logger.info("Rendering with Chromium at %s.", chromium_path(settings))
                self._renderer = renderer
            return self._renderer

    async def close(self) -> None:
        await super().close()
        if self._renderer is not None:
            if self.pages:
                logger.info(
                    "Rendered %d pages in Chromium, %.2f s a page.",
                    self.pages,
                    self.seconds / self.pages,
                )
            await self._renderer.close()


async def _settle(page: Any, deadline: float) -> None:
    """Wait until the page's scripts stop fetching, or until the page's time is up: a page
    that never goes quiet (polling, analytics) is read as it stands then."""
    remaining = deadline - asyncio.get_running_loop().time()
    if remaining <= 0:
        return
    try:
        await page.wait_for_load_state("networkidle", timeout=remaining * 1000)
    except Exception as exc:  # Playwright's TimeoutError: the page as it is now
        logger.debug("Rendering %s: the page did not go quiet (%s).", page.url, type(exc).__name__)


_RESOLVED: dict[str, str | None] = {}


async def refuse_in_browser(request: Any) -> bool:
    """Abort a browser request that the crawl itself could not make (or does not need)."""
    if request.resource_type in _SKIPPED_RESOURCES:
        return True
    parts = urlsplit(request.url)
    if parts.scheme in ("data", "blob"):
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host:
        return True
    if host in PRIVATE_START_HOSTS:
        return False
    if looks_private(host):
        return True
    if host not in _RESOLVED:
        _RESOLVED[host] = await _private_address(host)
    if _RESOLVED[host]:
        logger.info("Rendering: refused %s (%s).", request.url, _RESOLVED[host])
        return True
    return False


async def _private_address(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
        return None  # a public literal: looks_private said so already
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
    except OSError:
        return None  # the browser will fail to resolve it as well
    for info in infos:
        reason = resolved_refusal(host, str(info[4][0]))
        if reason:
            return reason
    return None
