"""``DemoSiteMiddleware`` (downloader middleware): the bundled demo blog, served from files.

The ``.invalid`` name can never resolve, so nothing of the demo ever leaves the machine. The
files are read as package resources, so the demo works from a checkout, a wheel and a zipped
egg (scrapyd) alike.
"""

from __future__ import annotations

import mimetypes
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response

from crawler.arguments import DEMO_START_URL

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# The checkout's folder (tests and scripts use it); the crawl reads the package's resources.
DEMO_ROOT = Path(__file__).resolve().parents[1] / "demo" / "site"


def demo_root() -> Traversable:
    """The demo site inside the installed package (a folder, or a folder in a zip)."""
    return files("crawler").joinpath("demo", "site")


DEMO_HOST = urlsplit(DEMO_START_URL).hostname


def demo_file(path: str, root: Traversable = DEMO_ROOT) -> Traversable | None:
    """The file behind a demo-site path (``/x/`` is ``/x/index.html``), never outside ``root``."""
    rel = unquote(path).lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    parts = rel.split("/")
    if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    target = root.joinpath(*parts)
    if isinstance(root, Path):  # a real folder may hold a link leading out of it
        resolved = Path(target).resolve()
        if root.resolve() not in resolved.parents:
            return None
    return target if target.is_file() else None


class DemoSiteMiddleware:
    """Serves ``http://demo.listings.invalid/`` from the files bundled in the repo.

    The ``.invalid`` name can never resolve, so nothing of the demo ever leaves the machine.
    """

    def __init__(self, root: Traversable) -> None:
        self.root = root

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DemoSiteMiddleware:
        root = demo_root()
        if not root.joinpath("index.html").is_file():
            raise NotConfigured("the demo site is not bundled")
        return cls(root)

    def process_request(self, request: Request) -> Response | None:
        parts = urlsplit(request.url)
        if parts.hostname != DEMO_HOST:
            return None
        target = demo_file(parts.path, self.root)
        status = 200
        if target is None:
            target, status = self.root.joinpath("404.html"), 404
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        headers = {"Content-Type": f"{kind}; charset=utf-8" if kind.startswith("text/") else kind}
        body = target.read_bytes() if target.is_file() else b""
        if kind == "text/html":
            return HtmlResponse(
                request.url, status=status, headers=headers, body=body, request=request
            )
        return Response(request.url, status=status, headers=headers, body=body, request=request)
