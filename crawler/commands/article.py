"""``scrapy article SOURCE [--url URL]``: the record the crawl would extract from a page."""

from __future__ import annotations

import argparse
import json
import sys

from crawler.page_command import PageCommand
from pipelines.model import Article, ArticlePage
from pipelines.pages.extract import ExtractOptions, extract_page

FIELDS = (
    "url",
    "title",
    "author",
    "published",
    "category",
    "tags",
    "text",
    "lang",
    "lang_prob",
    "code_blocks",
    "formulas",
    "content_hash",
)


class Command(PageCommand):
    """``scrapy article``: print the record extracted from one article page."""

    def short_desc(self) -> str:
        return "Print the cleaned record extracted from one article page (JSON)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        loaded = self.load(args, opts)
        if loaded is None:
            return
        page, address, _, site = loaded
        assert self.settings is not None
        options = ExtractOptions(
            min_chars=self.settings.getint("LISTINGS_MIN_TEXT_CHARS"),
            boilerplate=self.boilerplate(),
        )
        item = ArticlePage(
            address, page.body, page.content_type or "text/html", page.status, page.fetched_at
        )
        result = extract_page(item, site, options)
        if not isinstance(result, Article):
            print(f"Error: {result.url}: {result.error}", file=sys.stderr)
            self.exitcode = 1
            return
        record = {k: getattr(result, k) for k in FIELDS}
        record["published"] = result.published.isoformat() if result.published else None
        print(json.dumps(record, ensure_ascii=False, indent=2))
