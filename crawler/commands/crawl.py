"""``scrapy crawl``, checking arguments first and exiting non-zero when a run failed.

Once the crawl is over it prints, last and on stderr whatever the log level, the per-site
summary and, for a failed run, the one ``This run failed: ...`` sentence.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl

from crawler.arguments import ArgumentError, plan_crawl
from crawler.extensions import FAILED_STAT, SUMMARY_STAT, CrawlRecord
from crawler.runtime import sites_file
from crawler.scrapy_logs import quiet_scrapy_startup


class Command(ScrapyCrawl):
    """``scrapy crawl``: arguments checked first, exit status 1 when the run failed."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        # Before Scrapy starts logging: a bad argument gets one sentence, not a log.
        if args[:1] == ["listings"]:
            assert self.settings is not None
            try:
                plan_crawl(opts.spargs, self.settings, sites_file(self.settings))
            except ArgumentError as exc:
                print(f"Error: {exc}", file=sys.stderr)
                sys.exit(2)
        quiet_scrapy_startup()
        CrawlRecord.printed_by_command = True

    def _create_crawler(self, spname: str) -> Any:
        self._crawler = super()._create_crawler(spname)
        return self._crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        crawler = getattr(self, "_crawler", None)
        stats = crawler.stats if crawler is not None else None
        if not stats:
            return
        summary, failed = stats.get_value(SUMMARY_STAT), stats.get_value(FAILED_STAT)
        if summary:
            print(summary, file=sys.stderr)
        if failed:
            print(f"This run failed: {failed}.", file=sys.stderr)
            self.exitcode = self.exitcode or 1
