"""``scrapy article SOURCE [--url URL]``: the record the crawl would extract from a page."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crawler.page_command import PageCommand
from pipelines.model import Article, ArticlePage
from pipelines.pages.extract import ExtractOptions, extract_page, refused_record

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
        if isinstance(result, Article):
            print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
            return
        refused = refused_record(item, site, options)
        if refused is None:
            print(f"Error: {result.url}: {result.error}", file=sys.stderr)
            self.exitcode = 1
            return
        # The page was read: what it gives is shown, and that a crawl would not keep it.
        record, reason = refused
        print(json.dumps(as_json(record), ensure_ascii=False, indent=2))
        print(f"{REFUSED}: {reason}.", file=sys.stderr)


# The line on stderr when the page read is one a crawl would not store.
REFUSED = "Not stored by a crawl, not an article"


def as_json(record: Any) -> dict[str, Any]:
    """The ``articles`` fields the page alone determines, as the contract prints them."""
    out = {k: getattr(record, k) for k in FIELDS}
    out["published"] = record.published.isoformat() if record.published else None
    return out
