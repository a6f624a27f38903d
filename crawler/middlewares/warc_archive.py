"""``WarcArchiveMiddleware`` (downloader middleware): every response kept as WARC.

With ``LISTINGS_WARC=on`` each response the crawl receives (listing pages, feeds, articles,
redirects, error pages with a body) is written to ``DATA_DIR/warc/`` before anything reads
it, and its record's location goes into ``request.meta["warc"]``, from where rows name it
(``warc_file``, ``warc_offset``). Files of a killed crawl are finished at the next start.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from crawler.arguments import switch
from crawler.request_kind import RequestKind, kind_of
from crawler.runtime import CrawlRuntime
from pipelines.store import LocalDataset
from pipelines.store.warc import START_HEADER, WarcArchive, recover

logger = logging.getLogger(__name__)

WARC_META = "warc"


def _headers(raw: object) -> list[tuple[str, str]]:
    # The body Scrapy hands over is de-chunked: a chunked header would mislead WARC readers.
    pairs = []
    for name, values in raw.items():  # type: ignore[attr-defined]
        if name.lower() == b"transfer-encoding":
            continue
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


class WarcArchiveMiddleware:
    """Writes each response to the crawl's WARC archive; records where it lies."""

    def __init__(self, crawler: Crawler, roll_bytes: int) -> None:
        self.crawler = crawler
        self.roll_bytes = roll_bytes
        self.archive: WarcArchive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        if not switch(crawler.settings, "LISTINGS_WARC"):
            raise NotConfigured  # off by default: nothing to say at WARNING
        middleware = cls(crawler, crawler.settings.getint("LISTINGS_WARC_ROLL_BYTES"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        runtime = CrawlRuntime.of(self.crawler)
        # The crawl's arguments refused LISTINGS_WARC=on with an object store DATA_DIR.
        assert isinstance(runtime.dataset, LocalDataset)
        directory = Path(runtime.dataset.root) / "warc"
        finished = recover(directory)
        if finished:
            logger.info("Finished %d WARC file(s) left by a stopped crawl.", len(finished))
        self.archive = WarcArchive(directory, runtime.crawl_id, self.roll_bytes)

    def spider_closed(self, spider: Spider) -> None:
        if self.archive is not None:
            self.archive.commit()

    @staticmethod
    def _what_it_was(request: Request) -> dict[str, str]:
        # The first page of a listing names its start URL, so that an archive alone
        # tells ``scrapy reprocess`` where the crawl began.
        kind = kind_of(request)
        extra = {"WARC-Listings-Kind": str(kind)} if kind else {}
        if kind is RequestKind.LISTING and request.meta.get("listing_page") == 1:
            extra[START_HEADER] = request.meta.get("start_url") or request.url
        return extra

    def process_response(self, request: Request, response: Response) -> Response:
        if self.archive is None:
            return response
        location = self.archive.write(
            response.url,
            response.status,
            _headers(response.headers),
            response.body,
            _headers(request.headers),
            method=request.method,
            fetched_at=datetime.now(UTC),
            extra=self._what_it_was(request),
        )
        self.crawler.stats.inc_value("listings/warc_records")
        request.meta[WARC_META] = location
        return response
