"""No pipeline: trafilatura and langdetect in the callback, rows to Parquet, nothing else.

scrapy runspider benchmarks/plain_spider.py -a start_url=http://127.0.0.1:PORT/ -a out=DIR

The design a user writes with no pipeline: the bare spider's requests, and for each article
page ``trafilatura.bare_extraction`` (fast, no comments, as the pipeline calls it, with
trafilatura's own title, author and date) and ``langdetect.detect_langs`` over the text, in
the crawl process, one core. Beside the naive variant (this project's pipeline in the crawl
process), it shows what the pipeline's own steps cost beyond trafilatura and langdetect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import langdetect
import pyarrow as pa
import pyarrow.parquet as pq
import trafilatura
from bare_spider import BareSpider  # runspider imports this file with its folder on the path
from scrapy.http import Response

langdetect.DetectorFactory.seed = 0

SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("date", pa.string()),
        ("text", pa.string()),
        ("lang", pa.string()),
    ]
)
BATCH = 500


class PlainSpider(BareSpider):
    """The bare spider's listing pages and requests; its article callback extracts."""

    name = "plain"

    def __init__(self, start_url: str = "", out: str = "plain-out", **kwargs: Any) -> None:
        super().__init__(start_url, **kwargs)
        Path(out).mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(Path(out) / "articles.parquet", SCHEMA, compression="zstd")
        self.rows: list[dict[str, str | None]] = []
        self.empty = 0

    def parse_article(self, response: Response) -> None:
        doc = trafilatura.bare_extraction(
            response.text, url=response.url, fast=True, include_comments=False
        )
        if doc is None or not doc.text:
            self.empty += 1
            return
        try:
            lang: str | None = langdetect.detect_langs(doc.text)[0].lang
        except langdetect.LangDetectException:
            lang = None
        row = {"url": response.url, "text": doc.text, "lang": lang}
        row |= {k: getattr(doc, k) for k in ("title", "author", "date")}
        self.rows.append(row)
        self.articles += 1
        if len(self.rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=SCHEMA))
            self.rows = []

    def closed(self, reason: str) -> None:
        self._flush()
        self.writer.close()
        self.logger.info("plain: %d articles, %d pages with no text", self.articles, self.empty)
