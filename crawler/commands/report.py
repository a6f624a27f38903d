"""``scrapy report``: one self-contained HTML file showing what the dataset holds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from crawler.runtime import dataset_of
from pipelines.store.base import StorageError


class Command(ScrapyCommand):
    """``scrapy report``: write an offline HTML report of the dataset or of one crawl."""

    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--crawl ID | --all] [-o FILE.html]"

    def short_desc(self) -> str:
        return "Write an offline HTML report (tables and plots) of the dataset or of one crawl"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--crawl", metavar="ID", help="only this crawl ('last' for the latest one)"
        )
        scope.add_argument("--all", action="store_true", help="the whole dataset (the default)")
        parser.add_argument(
            "-o", "--output", default="report.html", help="file to write (default: report.html)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        from pipelines.report import render_report, summarise

        try:
            dataset = dataset_of(self.settings)
            summary = summarise(dataset, None if opts.all else opts.crawl)
        except StorageError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        except LookupError as exc:
            print(f"Error: {exc.args[0]}", file=sys.stderr)
            self.exitcode = 2
            return
        except OSError as exc:
            print(f"Error: cannot read the dataset at {dataset}: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        out = Path(opts.output)
        try:
            out.write_text(render_report(summary, str(dataset)), encoding="utf-8")
        except OSError as exc:
            print(f"Error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            self.exitcode = 1
            return
        print(
            f"Report of {summary.scope} ({summary.articles} articles, {len(summary.crawls)} "
            f"crawls) written to {out}.",
            file=sys.stderr,
        )
