"""Parquet storage: one writer per table, atomic files, row groups as the crawl goes.

A file is written under a hidden temporary name (``.part-….parquet~HOST-PID.tmp``, which no
reader globs or scans) and renamed into place only once it is complete, so a reader
sees a whole file or none, even after ``kill -9``.

Where the files go is a ``Dataset``: ``open_dataset(DATA_DIR)`` gives a ``LocalDataset`` for
a path (a local or shared filesystem) or an ``ObjectStoreDataset`` (``pipelines/objectstore.py``)
for a URI such as ``s3://bucket/prefix``. The writer only asks it for a local file to write
and hands the finished file back to be published.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import socket
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.schema import TABLES, with_version

OnCommit = Callable[[str, str], None]


# Temporary files name their writer, so a later run can tell a dead writer's leftovers
# from the file a live worker on the same directory is still writing.
def _owner() -> str:
    """Host and pid naming this process's own files (read at each call: forks differ)."""
    return f"{socket.gethostname()}-{os.getpid()}"


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
        # One name per process: workers starting together on one DATA_DIR must not
        # remove each other's probe.
        probe = root / f".write-probe~{_owner()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise StorageError(
            f"DATA_DIR {str(root)!r} cannot be written: {exc.strerror or exc}"
        ) from exc


class Dataset(ABC):
    """Where the tables live: what a crawl needs of a local directory or an object store."""

    state_dir: Path  # on local disk: the SQLite index and the like, never data

    @abstractmethod
    def check_writable(self) -> None:
        """Raise StorageError with a readable reason if the dataset cannot be written."""
        raise NotImplementedError

    @abstractmethod
    def open_for_writing(self) -> DatasetLock | None:
        """Ready for a crawl: dead writers' leftovers removed, the shared lock held if any."""
        raise NotImplementedError

    @abstractmethod
    def table_location(self, table: str) -> Path | str:
        raise NotImplementedError

    @abstractmethod
    def files(self, table: str) -> list[str]:
        """Names of the table's committed data files."""
        raise NotImplementedError

    @abstractmethod
    def read(self, table: str, name: str, columns: list[str]) -> pa.Table:
        raise NotImplementedError

    @abstractmethod
    def spool_path(self, table: str, name: str) -> Path:
        """The local file that ``name`` is written to until it is published."""
        raise NotImplementedError

    @abstractmethod
    def publish(self, table: str, spool: Path, name: str) -> None:
        """Make the finished ``spool`` file visible as ``table/name``, whole or not at all."""
        raise NotImplementedError

    def discard(self, spool: Path) -> None:
        with contextlib.suppress(OSError):
            spool.unlink()

    def write_table(self, table: str, name: str, data: pa.Table) -> None:
        """Write a whole (small) table as one file, published atomically."""
        spool = self.spool_path(table, name)
        try:
            pq.write_table(data, spool, compression="zstd", compression_level=6)
        except OSError as exc:
            self.discard(spool)
            raise StorageError(f"cannot write {spool}: {exc}") from exc
        self.publish(table, spool, name)


class LocalDataset(Dataset):
    """A directory: table links to generations, rename to commit, flock against compaction."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.state_dir = root / "_state"

    def __str__(self) -> str:
        return str(self.root)

    def check_writable(self) -> None:
        check_writable(self.root)

    def open_for_writing(self) -> DatasetLock:
        check_writable(self.root)
        remove_stale_temporaries(self.root)
        lock = DatasetLock(self.root)
        lock.shared()
        for table in TABLES:
            ensure_table_dir(self.root, table)
        return lock

    def table_location(self, table: str) -> Path:
        return self.root / table

    def files(self, table: str) -> list[str]:
        return sorted(p.name for p in (self.root / table).glob("*.parquet"))

    def read(self, table: str, name: str, columns: list[str]) -> pa.Table:
        return pq.read_table(self.root / table / name, columns=columns)

    def spool_path(self, table: str, name: str) -> Path:
        return ensure_table_dir(self.root, table) / f".{name}~{_owner()}.tmp"

    def publish(self, table: str, spool: Path, name: str) -> None:
        target = self.root / table / name
        try:
            with open(spool, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(spool, target)
            _fsync_dir(target.parent)
        except OSError as exc:
            raise StorageError(f"cannot finish {target}: {exc}") from exc


# "s3://…", "gs://…", "file://…": anything else is a path.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def open_dataset(data_dir: str | Path | Dataset, state_dir: str | Path | None = None) -> Dataset:
    """The dataset at ``DATA_DIR``: a path, or a URI of a filesystem pyarrow knows.

    ``state_dir`` (``LISTINGS_STATE_DIR``) is only used by object stores; a local dataset
    keeps its state in ``DATA_DIR/_state`` as it always did.
    """
    if isinstance(data_dir, Dataset):
        return data_dir
    if isinstance(data_dir, Path) or not _URI.match(data_dir):
        return LocalDataset(Path(data_dir))
    from pyarrow.fs import LocalFileSystem

    from pipelines.objectstore import ObjectStoreDataset, filesystem

    fs, path = filesystem(data_dir)
    if isinstance(fs, LocalFileSystem):  # file:///srv/crawls
        return LocalDataset(Path(path))
    return ObjectStoreDataset(data_dir, fs, path, state_dir)


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


def remove_dead_writers_files(temporaries: Iterable[Path], older_than: float) -> int:
    """Delete the temporary files whose writer (named in the file) is a dead process on
    this host, or that have not been touched for ``older_than`` seconds."""
    limit = time.time() - older_than
    removed = 0
    for tmp in temporaries:
        with contextlib.suppress(OSError):
            if _writer_alive(tmp) and tmp.stat().st_mtime > limit:
                continue
            tmp.unlink()
            removed += 1
    return removed


def remove_stale_temporaries(root: Path, older_than: float = 6 * 3600) -> int:
    """Delete temporary files left by a killed crawl; they were never part of the dataset."""
    dirs = [root / table for table in TABLES if (root / table).is_dir()]
    return remove_dead_writers_files((tmp for d in dirs for tmp in d.glob(".*.tmp")), older_than)
