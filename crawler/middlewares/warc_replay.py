"""``WarcReplayMiddleware`` (downloader middleware): answers every request from WARC files.

``scrapy reprocess`` runs the real crawl with this middleware in front of the network: each
request is answered with the response archived for its URL (redirects, errors and
compressed bodies as they were received), and a URL the archive lacks becomes a 404 page
that says so. So re-extraction walks the same listings with today's code, offline, and
every row comes out of the same spider, pipelines and writer as a crawl.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

from pipelines.store.warc import ArchivedResponse, WarcLocation, read_response, response_index

logger = logging.getLogger(__name__)


class WarcReplayMiddleware:
    """Serves archived responses; no request reaches the network."""

    def __init__(self, crawler: Crawler, files: list[Path]) -> None:
        self.crawler = crawler
        self.files = {f.name: f for f in files}
        self.index: dict[str, WarcLocation] = {}
        for path in files:
            self.index.update(response_index(path))
        logger.info(
            "Replaying %d archived responses from %d WARC file(s).", len(self.index), len(files)
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcReplayMiddleware:
        files = crawler.settings.getlist("LISTINGS_REPLAY_WARC")
        if not files:
            raise NotConfigured  # only `scrapy reprocess` sets it
        return cls(crawler, [Path(f) for f in files])

    def process_request(self, request: Request, spider: Spider | None = None) -> Response:
        location = self.index.get(request.url)
        if location is None:
            self.crawler.stats.inc_value("listings/replay/missing")
            return Response(request.url, status=404, body=b"not in the archive", request=request)
        archived: ArchivedResponse = read_response(self.files[location.file], location.offset)
        headers = Headers(archived.headers)
        cls = responsetypes.from_args(headers=headers, url=archived.url, body=archived.body)
        self.crawler.stats.inc_value("listings/replay/served")
        return cls(
            url=request.url,
            status=archived.status,
            headers=headers,
            body=archived.body,
            request=request,
        )
