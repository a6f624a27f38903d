"""``RawMetaRefreshMiddleware``: meta-refresh redirects, looked for in the raw bytes.

Scrapy's own middleware decodes every page whole to look for them; this one decodes only the
head of a page that may carry one.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response


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
