"""``scrapy reprocess [SOURCE ...] -s DATA_DIR=NEW``: rebuild a dataset from WARC archives.

SOURCE is a WARC file or a dataset directory (its ``warc/`` files); none means the default
dataset (``LISTINGS_DATA_DIR`` or ``data/``). The real crawl runs with today's code, its
requests answered from the archives (``WarcReplayMiddleware``), into a new ``DATA_DIR``:
never in place. Start URLs come from the archive (the first page of each listing) unless
``-a start_urls=...`` is given.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from scrapy.utils.conf import arglist_to_dict

from crawler.commands.crawl import Command as CrawlCommand
from pipelines.store.warc import SUFFIX, start_urls

REPLAY = "crawler.middlewares.warc_replay.WarcReplayMiddleware"
# Before the demo-site middleware (950) and everything that could reach the network.
REPLAY_ORDER = 940


def _fail(message: str) -> None:
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(2)


def warc_files(sources: list[str]) -> list[Path]:
    """The WARC files named by ``sources`` (files, or datasets holding a ``warc/`` folder)."""
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_file():
            files.append(path)
        elif (path / "warc").is_dir():
            files.extend(sorted((path / "warc").glob(f"*{SUFFIX}")))
        else:
            _fail(f"{source} is neither a WARC file nor a dataset with a warc/ folder")
    return files


class Command(CrawlCommand):
    """``scrapy reprocess``: rebuild a dataset from WARC archives into a new ``DATA_DIR``."""

    def syntax(self) -> str:
        return "[WARC_OR_DATASET ...] -s DATA_DIR=NEW"

    def short_desc(self) -> str:
        return "Rebuild a dataset from WARC archives with today's code, offline"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        default = os.environ.get("LISTINGS_DATA_DIR", "data")
        sources = list(args) or [default]
        files = warc_files(sources)
        if not files:
            _fail(f"no WARC files in {', '.join(sources)} (crawl with -s LISTINGS_WARC=on)")
        target = Path(str(arglist_to_dict(opts.set or []).get("DATA_DIR", default))).resolve()
        if any(target in (Path(s).resolve(), Path(s).resolve().parent.parent) for s in sources):
            _fail(f"DATA_DIR {target} is a source: reprocess into a new DATA_DIR")
        spargs = list(opts.spargs or [])
        if not any(a.startswith("start_urls=") for a in spargs):
            urls = list(dict.fromkeys(u for f in files for u in start_urls(f)))
            if not urls:
                _fail("the archives name no start URL: give -a start_urls=...")
            spargs.append("start_urls=" + ",".join(urls))
        opts.spargs = spargs
        args[:] = ["listings"]
        middlewares = self.settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares[REPLAY] = REPLAY_ORDER
        self.settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
        self.settings.set("LISTINGS_REPLAY_WARC", [str(f) for f in files], priority="cmdline")
        # Archiving the replay again would only copy the archive.
        self.settings.set("LISTINGS_WARC", "off", priority="cmdline")
        super().process_options(args, opts)
