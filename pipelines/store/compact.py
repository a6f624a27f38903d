"""Compaction: many small files of daily runs merged into fewer large ones, atomically.

The merged files are written into a new generation directory (``_generations/<table>/gNNNN``,
never reachable from ``DATA_DIR/*/*.parquet``) and the table's link is
swapped to it in one rename: a reader sees the old files or the new ones, never both
and never neither. Old generations are kept for a grace period for readers that listed
them, then deleted. Rows are streamed batch by batch, never held whole in memory.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from pipelines.store.base import fsync_dir
from pipelines.store.local import ensure_table_dir, generation_dirs, generation_home, swap_link
from pipelines.store.schema import TABLES, with_version


class CompactionError(RuntimeError):
    pass


@dataclass
class TableResult:
    table: str
    files_before: int = 0
    files_after: int = 0
    rows: int = 0
    renamed: dict[str, str] = field(default_factory=dict)
    removed_generations: int = 0


def _next_generation(root: Path, table: str) -> Path:
    numbers = [int(p.name[1:]) for p in generation_dirs(root, table)]
    return generation_home(root, table) / f"g{max(numbers, default=0) + 1:04d}"


def _groups(files: list[Path], target_rows: int) -> list[list[Path]]:
    """Whole files packed, in order, into groups of about ``target_rows`` rows."""
    groups: list[list[Path]] = []
    current: list[Path] = []
    rows = 0
    for f in files:
        n = pq.ParquetFile(f).metadata.num_rows
        if current and rows + n > target_rows:
            groups.append(current)
            current, rows = [], 0
        current.append(f)
        rows += n
    if current:
        groups.append(current)
    return groups


def compact_table(
    root: Path, table: str, *, target_rows: int = 1_000_000, keep_old: float = 3600.0
) -> TableResult:
    """Merge ``root/table``'s files; the caller holds the dataset's exclusive lock."""
    link = ensure_table_dir(root, table)
    if not link.is_symlink():
        raise CompactionError(f"{link} is a plain directory; compaction needs the table link")
    current = link.resolve()
    files = sorted(current.glob("*.parquet"))
    result = TableResult(table, files_before=len(files))
    schema = with_version(TABLES[table])
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    groups = _groups(files, target_rows)
    if len(groups) == len(files):
        result.files_after = len(files)
        result.removed_generations = _drop_old(root, table, current, keep_old)
        return result  # nothing to merge
    new_dir = _next_generation(root, table)
    new_dir.mkdir()
    for seq, group in enumerate(groups):
        if len(group) == 1:
            os.link(group[0], new_dir / group[0].name)  # already large: no rewrite
            result.renamed[group[0].name] = group[0].name
            continue
        name = f"merged-{stamp}-{seq:05d}.parquet"
        tmp = new_dir / f".{name}.tmp"
        with pq.ParquetWriter(tmp, schema, compression="zstd", compression_level=6) as writer:
            for f in group:
                for batch in pq.ParquetFile(f).iter_batches(batch_size=10_000):
                    writer.write_batch(batch.cast(schema))
                    result.rows += batch.num_rows
                result.renamed[f.name] = name
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, new_dir / name)
    fsync_dir(new_dir)
    swap_link(root, new_dir, link)
    fsync_dir(root)
    os.utime(current)  # the grace period of the old generation starts now
    result.files_after = len(groups)
    result.removed_generations = _drop_old(root, table, new_dir, keep_old)
    return result


def _drop_old(root: Path, table: str, current: Path, keep_old: float) -> int:
    limit = time.time() - keep_old
    removed = 0
    for gen in generation_dirs(root, table):
        if gen.resolve() != current.resolve() and gen.stat().st_mtime <= limit:
            shutil.rmtree(gen, ignore_errors=True)
            removed += 1
    return removed
