"""``DemoSiteMiddleware`` (downloader middleware): the bundled demo blog, served from files.

The ``.invalid`` name can never resolve, so nothing of the demo ever leaves the machine.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response

from crawler.arguments import DEMO_START_URL

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

DEMO_ROOT = Path(__file__).resolve().parents[1] / "demo" / "site"


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


class DemoSiteMiddleware:
    """Serves ``http://demo.listings.invalid/`` from the files bundled in the repo.

    The ``.invalid`` name can never resolve, so nothing of the demo ever leaves the machine.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DemoSiteMiddleware:
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
