"""What every backend of the dataset shares: the ``Dataset`` interface, its error, and the
naming of a process's temporary files (so a dead writer's leftovers can be told apart)."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.parquet as pq


# Temporary files name their writer, so a later run can tell a dead writer's leftovers
# from the file a live worker on the same directory is still writing.
def owner() -> str:
    """Host and pid naming this process's own files (read at each call: forks differ)."""
    return f"{socket.gethostname()}-{os.getpid()}"


class StorageError(RuntimeError):
    """The dataset directory cannot be written."""


def fsync_dir(path: Path) -> None:
    """Sync the directory ``path`` to disk, where the platform allows it."""
    # Makes the rename itself durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class WriteLock(Protocol):
    """Held by a crawl while it writes (a local dataset's flock); released at its end."""

    def release(self) -> None: ...


class Dataset(ABC):
    """Where the tables live: what a crawl needs of a local directory or an object store."""

    state_dir: Path  # on local disk: the SQLite index and the like, never data

    @abstractmethod
    def check_writable(self) -> None:
        """Raise StorageError with a readable reason if the dataset cannot be written."""
        raise NotImplementedError

    @abstractmethod
    def open_for_writing(self) -> WriteLock | None:
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


def writer_alive(tmp: Path) -> bool:
    """Whether the process that writes the temporary file ``tmp`` may still be running."""
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
            if writer_alive(tmp) and tmp.stat().st_mtime > limit:
                continue
            tmp.unlink()
            removed += 1
    return removed
