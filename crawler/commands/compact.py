"""``scrapy compact``: merge the small Parquet files that daily crawls leave behind."""

from __future__ import annotations

import argparse
import sys
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from crawler.runtime import dataset_of
from pipelines.store.base import StorageError
from pipelines.store.compact import CompactionError, compact_table
from pipelines.store.local import DatasetLock, LocalDataset
from pipelines.store.schema import TABLES
from pipelines.store.sqlite_index import SQLiteIndex


class Command(ScrapyCommand):
    """``scrapy compact``: merge the dataset's small Parquet files into larger ones."""

    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--table NAME] [--target-rows N] [--keep-old SECONDS] [--wait]"

    def short_desc(self) -> str:
        return "Merge the dataset's small Parquet files into larger ones, atomically"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--table", action="append", choices=sorted(TABLES), dest="tables")
        parser.add_argument("--target-rows", type=int, default=1_000_000)
        parser.add_argument(
            "--keep-old",
            type=float,
            default=3600.0,
            help="seconds the replaced files stay for readers that already listed them",
        )
        parser.add_argument("--wait", action="store_true", help="wait for running crawls")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            dataset = dataset_of(self.settings)
        except StorageError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        # Compaction swaps a table link under a file lock: an object store has neither.
        if not isinstance(dataset, LocalDataset):
            print(
                f"Error: DATA_DIR {dataset} is an object store; scrapy compact works only on a "
                "local or shared filesystem",
                file=sys.stderr,
            )
            self.exitcode = 2
            return
        root = dataset.root
        if not (root / "_state").is_dir():
            print(f"Error: {root} holds no dataset", file=sys.stderr)
            self.exitcode = 1
            return
        lock = DatasetLock(root)
        if not lock.exclusive(wait=opts.wait):
            print(
                f"Error: a crawl is writing to {root}; try again later or pass --wait",
                file=sys.stderr,
            )
            self.exitcode = 1
            return
        try:
            for table in opts.tables or list(TABLES):
                result = compact_table(
                    root, table, target_rows=opts.target_rows, keep_old=opts.keep_old
                )
                if table == "articles" and result.renamed:
                    index = SQLiteIndex(root)
                    index.rename_files(result.renamed)
                    index.close()
                print(
                    f"{table}: {result.files_before} files -> {result.files_after} "
                    f"({result.removed_generations} old generation(s) removed)"
                )
        except (CompactionError, OSError) as exc:
            print(f"Error: compaction stopped, the dataset is unchanged: {exc}", file=sys.stderr)
            self.exitcode = 1
        finally:
            lock.release()
