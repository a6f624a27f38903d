"""A dataset in a directory (a local or shared filesystem).

Each table directory is a link to its live generation of files (kept under
``_generations/<table>/``); a file is written under
a hidden temporary name and renamed into place only once complete, so a reader sees a whole
file or none, even after ``kill -9``. Crawls hold the dataset lock shared, compaction alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.store.base import (
    Dataset,
    StorageError,
    fsync_dir,
    owner,
    remove_dead_writers_files,
)
from pipelines.store.schema import TABLES

# Generations live under one underscore folder, out of reach of ``DATA_DIR/*/*.parquet``
# and of every reader's hidden-file rules; each table directory links to its live one.
GENERATIONS = "_generations"


def generation_home(root: Path, table: str) -> Path:
    """``root/_generations/table``: where the table's generations of files live."""
    return root / GENERATIONS / table


def generation_dirs(root: Path, table: str) -> list[Path]:
    """The table's generation directories (``g0000``, ``g0001``, ...), oldest first."""
    return sorted(generation_home(root, table).glob("g[0-9]*"))


def swap_link(root: Path, target: Path, link: Path) -> None:
    """Point ``link`` at ``target`` (relative, so the dataset can move) in one rename."""
    swap = root / f".{link.name}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        swap.unlink()
    os.symlink(os.path.relpath(target, root), swap, target_is_directory=True)
    os.replace(swap, link)


def migrate_generations(root: Path, table: str) -> None:
    """Move the generations of an older dataset (``.table.g0000`` beside the link) under
    ``_generations/table/`` and point the link there; a no-op once done."""
    legacy = sorted(root.glob(f".{table}.g[0-9]*"))
    if not legacy:
        return
    home = generation_home(root, table)
    home.mkdir(parents=True, exist_ok=True)
    link = root / table
    live = os.readlink(link) if link.is_symlink() else None
    for old in legacy:
        new = home / f"g{old.name.rsplit('.g', 1)[1]}"
        # Another process starting at the same moment may have moved it first.
        with contextlib.suppress(FileNotFoundError, FileExistsError, OSError):
            os.rename(old, new)
        if live == old.name:
            swap_link(root, new, link)
    fsync_dir(root)


def ensure_table_dir(root: Path, table: str) -> Path:
    """``root/table``: a link to the table's live generation directory.

    Readers go through the link; compaction swaps it in one atomic rename, so a reader
    sees the old set of files or the new one, never a mix.
    """
    link = root / table
    if link.is_symlink() and os.readlink(link).startswith("."):
        migrate_generations(root, table)
    if link.is_dir():
        return link
    first = generation_home(root, table) / "g0000"
    first.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another worker made it first
        os.symlink(os.path.relpath(first, root), link, target_is_directory=True)
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
        probe = root / f".write-probe~{owner()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise StorageError(
            f"DATA_DIR {str(root)!r} cannot be written: {exc.strerror or exc}"
        ) from exc


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
        # One file read as one: pq.read_table would import pyarrow.dataset, and with it
        # pandas (about 50 MB resident in a crawl process that never uses either).
        with pq.ParquetFile(self.root / table / name) as f:
            return f.read(columns=columns)

    def spool_path(self, table: str, name: str) -> Path:
        return ensure_table_dir(self.root, table) / f".{name}~{owner()}.tmp"

    def publish(self, table: str, spool: Path, name: str) -> None:
        target = self.root / table / name
        try:
            with open(spool, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(spool, target)
            fsync_dir(target.parent)
        except OSError as exc:
            raise StorageError(f"cannot finish {target}: {exc}") from exc


def remove_stale_temporaries(root: Path, older_than: float = 6 * 3600) -> int:
    """Delete temporary files left by a killed crawl; they were never part of the dataset."""
    dirs = [root / table for table in TABLES if (root / table).is_dir()]
    return remove_dead_writers_files((tmp for d in dirs for tmp in d.glob(".*.tmp")), older_than)
