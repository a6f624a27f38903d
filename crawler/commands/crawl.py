"""``scrapy crawl``, checking arguments first and exiting non-zero when a run failed."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from crawler.arguments import ArgumentError, plan_crawl
from crawler.extensions import FAILED_STAT
from crawler.state import sites_file


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and args[0] == "listings":
            assert self.settings is not None
            try:
                plan_crawl(opts.spargs, self.settings, sites_file(self.settings))
            except ArgumentError as exc:
                print(f"Error: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
        super().run(args, opts)
        crawlers = getattr(self.crawler_process, "crawlers", ()) or ()
        for crawler in crawlers:
            if crawler.stats and crawler.stats.get_value(FAILED_STAT):
                self.exitcode = self.exitcode or 1
