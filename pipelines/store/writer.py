"""The Parquet writer: one per table, row groups as the crawl goes, files committed whole.

Rows are buffered up to one row group, so memory is bounded whatever the crawl's size; the
file is written to the dataset's spool path and handed back to be published when complete.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.store import open_dataset
from pipelines.store.base import Dataset, StorageError
from pipelines.store.schema import TABLES, with_version

OnCommit = Callable[[str, str], None]


class _PandasUnneeded:
    """A meta-path finder that refuses ``import pandas`` (installed only while probing)."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas":
            raise ImportError("pandas is not needed to write Parquet")


def lean_arrow_for_writing() -> None:
    """Settings of pyarrow for a long-running writer process.

    - The system allocator: row groups come and go, and pyarrow's default one keeps what
      they freed (about 25 MB of a crawl process).
    - No pandas: building arrays from Python rows makes pyarrow import pandas, when
      installed, to recognise its objects (about 50 MB resident). Rows here never hold
      pandas objects, so pyarrow is told there is none. A real use such as
      ``Table.to_pandas()`` still imports it.
    """
    pa.set_memory_pool(pa.system_memory_pool())
    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _PandasUnneeded)
    try:
        pa.lib._pandas_api.have_pandas  # noqa: B018 - the probe that caches "no pandas"
    except AttributeError:  # another pyarrow layout: it may import pandas, no harm
        pass
    finally:
        sys.meta_path.remove(_PandasUnneeded)


class TableWriter:
    """Appends rows of one table; rolls to a new file every ``roll_rows`` rows.

    Rows are buffered up to ``row_group_rows`` and then written as one row group,
    so memory is bounded by one row group whatever the crawl's size.
    ``on_commit(table, file_name)`` is called after each file is in place (used to keep the
    state index in step).
    """

    def __init__(
        self,
        root: Path | str | Dataset,
        table: str,
        file_prefix: str,
        *,
        row_group_rows: int = 500,
        roll_rows: int = 5000,
        compression: str = "zstd",
        compression_level: int | None = 6,
        on_commit: OnCommit | None = None,
    ) -> None:
        # The prefix becomes part of file names: one plain name part, never a path.
        if (
            not file_prefix
            or not all(c.isascii() and (c.isalnum() or c in "._-") for c in file_prefix)
            or file_prefix.startswith(".")
        ):
            raise StorageError(f"not a valid file name prefix: {file_prefix!r}")
        self.table = table
        self.schema = with_version(TABLES[table])
        self.dataset = open_dataset(root)
        self.dir = self.dataset.table_location(table)
        self.file_prefix = file_prefix
        self.row_group_rows = row_group_rows
        self.roll_rows = roll_rows
        self.compression = compression
        self.compression_level = compression_level
        self.on_commit = on_commit
        self._buffer: list[Mapping[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None
        self._tmp: Path | None = None
        self._rows_in_file = 0
        self._seq = 0
        self.rows_written = 0
        self.files_written: list[str] = []

    @property
    def pending_name(self) -> str:
        return f"part-{self.file_prefix}-{self._seq:05d}.parquet"

    def write(self, row: Mapping[str, Any]) -> None:
        self._buffer.append(row)
        if len(self._buffer) >= self.row_group_rows:
            self._flush_buffer()

    def write_many(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.write(row)

    def _open(self) -> pq.ParquetWriter:
        if self._writer is None:
            try:
                self._tmp = self.dataset.spool_path(self.table, self.pending_name)
                self._writer = pq.ParquetWriter(
                    self._tmp,
                    self.schema,
                    compression=self.compression,
                    compression_level=self.compression_level,
                    use_dictionary=True,
                    write_statistics=True,
                )
            except OSError as exc:
                raise StorageError(f"cannot create a file in {self.dir}: {exc}") from exc
        return self._writer

    def _flush_buffer(self) -> None:
        if not self._buffer:
            return
        batch = pa.Table.from_pylist(list(self._buffer), schema=self.schema)
        try:
            self._open().write_table(batch)
        except OSError as exc:
            raise StorageError(f"cannot write to {self._tmp}: {exc}") from exc
        self._rows_in_file += len(self._buffer)
        self.rows_written += len(self._buffer)
        self._buffer = []
        if self._rows_in_file >= self.roll_rows:
            self.commit()

    def commit(self) -> str | None:
        """Close the current file and publish it; returns its name."""
        self._flush_buffer()
        if self._writer is None or self._tmp is None:
            return None
        name = self.pending_name
        try:
            self._writer.close()
        except OSError as exc:
            raise StorageError(f"cannot finish {self._tmp}: {exc}") from exc
        finally:
            self._writer = None
        # On failure the file stays in _tmp for abort() (or the next run) to remove.
        self.dataset.publish(self.table, self._tmp, name)
        self._tmp = None
        self._rows_in_file = 0
        self._seq += 1
        self.files_written.append(name)
        if self.on_commit is not None:
            self.on_commit(self.table, name)
        return name

    def abort(self) -> None:
        """Drop the file in progress (used when the disk failed under it)."""
        self._buffer = []
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None
        if self._tmp is not None:
            self.dataset.discard(self._tmp)
            self._tmp = None


# A plain name (no leading "." or "_", which pyarrow and pandas skip), so every reader and
# every glob of the table sees the schema; it holds no rows, so it changes no count.
EMPTY_FILE = "part-empty.parquet"


def ensure_loadable(dataset: Dataset, tables: Iterable[str] = TABLES) -> list[str]:
    """Give every table with no file a zero-row file with its schema; returns those tables.

    A table directory with no file breaks readers: pandas returns a frame without columns,
    DuckDB finds "no files", Polars and Spark raise. Writing the same empty file twice (two
    workers closing together) is harmless.
    """
    made = []
    for table in tables:
        if dataset.files(table):
            continue
        empty = pa.Table.from_pylist([], schema=with_version(TABLES[table]))
        dataset.write_table(table, EMPTY_FILE, empty)
        made.append(table)
    return made
