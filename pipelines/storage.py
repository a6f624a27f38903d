"""Parquet storage: one writer per table, atomic files, row groups as the crawl goes.

A file is written under a hidden temporary name (``.part-….parquet~HOST-PID.tmp``, which no
reader globs or scans) and renamed into place only once it is complete, so a reader
sees a whole file or none, even after ``kill -9``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.schema import TABLES, with_version

OnCommit = Callable[[str, str], None]

# Temporary files name their writer, so a later run can tell a dead writer's leftovers
# from the file a live worker on the same directory is still writing.
_OWNER = f"{socket.gethostname()}-{os.getpid()}"


class StorageError(RuntimeError):
    """The dataset directory cannot be written."""


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


GENERATION_PREFIX = "."


def generation_dirs(root: Path, table: str) -> list[Path]:
    return sorted(root.glob(f".{table}.g*"))


def ensure_table_dir(root: Path, table: str) -> Path:
    """``root/table``: a link to the table's current generation directory.

    Readers go through the link; compaction swaps it in one atomic rename, so a reader
    sees the old set of files or the new one, never a mix.
    """
    link = root / table
    if link.is_dir():
        return link
    first = root / f".{table}.g0000"
    first.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another worker made it first
        os.symlink(first.name, link, target_is_directory=True)
    return link


class DatasetLock:
    """Crawls hold it shared while they write; compaction holds it alone."""

    def __init__(self, root: Path) -> None:
        (root / "_state").mkdir(parents=True, exist_ok=True)
        self._fh = open(root / "_state" / "lock", "a+")  # noqa: SIM115 - held for the crawl

    def shared(self) -> None:
        fcntl.flock(self._fh, fcntl.LOCK_SH)

    def exclusive(self, wait: bool = False) -> bool:
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()


def check_writable(root: Path) -> None:
    """Raise StorageError with a readable reason if ``root`` cannot hold the dataset."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / ".write-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise StorageError(
            f"DATA_DIR {str(root)!r} cannot be written: {exc.strerror or exc}"
        ) from exc


class TableWriter:
    """Appends rows of one table; rolls to a new file every ``roll_rows`` rows.

    Rows are buffered up to ``row_group_rows`` and then written as one row group,
    so memory is bounded by one row group whatever the crawl's size.
    ``on_commit(table, file_name)`` is called after each file is in place (used to keep the
    state index in step).
    """

    def __init__(
        self,
        root: Path,
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
        self.dir = root / table
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
                ensure_table_dir(self.dir.parent, self.table)
                self._tmp = self.dir / f".{self.pending_name}~{_OWNER}.tmp"
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
        """Close the current file and move it into place; returns its name."""
        self._flush_buffer()
        if self._writer is None or self._tmp is None:
            return None
        name = self.pending_name
        try:
            self._writer.close()
            with open(self._tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(self._tmp, self.dir / name)
            _fsync_dir(self.dir)
        except OSError as exc:
            raise StorageError(f"cannot finish {self.dir / name}: {exc}") from exc
        finally:
            self._writer = None
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
            with contextlib.suppress(OSError):
                self._tmp.unlink()
            self._tmp = None


def write_table_atomically(path: Path, table: pa.Table, *, row_group_rows: int = 10_000) -> None:
    """Write a whole table to ``path`` via a temporary name (for small tables and compaction)."""
    tmp = path.with_name(f".{path.name}~{_OWNER}.tmp")
    pq.write_table(
        table, tmp, compression="zstd", compression_level=6, row_group_size=row_group_rows
    )
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _writer_alive(tmp: Path) -> bool:
    owner = tmp.name.rsplit("~", 1)[-1].removesuffix(".tmp")
    host, _, pid = owner.rpartition("-")
    if host != socket.gethostname() or not (pid.isascii() and pid.isdigit()):
        return True  # another machine's writer: only age can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(root: Path, older_than: float = 6 * 3600) -> int:
    """Delete temporary files left by a killed crawl; they were never part of the dataset.

    A file is stale when its writer (named in the file) is a dead process on this host,
    or when it has not been touched for ``older_than`` seconds.
    """
    limit = time.time() - older_than
    removed = 0
    for table in TABLES:
        d = root / table
        if not d.is_dir():
            continue
        for tmp in d.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                if _writer_alive(tmp) and tmp.stat().st_mtime > limit:
                    continue
                tmp.unlink()
                removed += 1
    return removed
