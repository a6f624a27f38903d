"""Compaction: many small files of daily runs merged into fewer large ones, atomically.

The merged files are written into a new generation directory (``_generations/<table>/gNNNN``,
never reachable from ``DATA_DIR/*/*.parquet``) and the table's link is
swapped to it in one rename: a reader sees the old files or the new ones, never both
and never neither. Old generations are kept for a grace period for readers that listed
them, then deleted. Rows are streamed batch by batch, never held whole in memory.

``articles`` keeps one row per URL, its latest version (highest ``version``, then latest
``first_seen``): every version stays in ``versions/``.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
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
    superseded = _superseded(files) if table == "articles" else {}
    if len(groups) == len(files) and not superseded:
        result.files_after = len(files)
        result.removed_generations = _drop_old(root, table, current, keep_old)
        return result  # nothing to merge
    new_dir = _next_generation(root, table)
    new_dir.mkdir()
    for seq, group in enumerate(groups):
        if len(group) == 1 and not any(f.name in superseded for f in group):
            os.link(group[0], new_dir / group[0].name)  # already large: no rewrite
            result.renamed[group[0].name] = group[0].name
            continue
        name = f"merged-{stamp}-{seq:05d}.parquet"
        tmp = new_dir / f".{name}.tmp"
        with pq.ParquetWriter(tmp, schema, compression="zstd", compression_level=6) as writer:
            for f in group:
                start = 0
                for batch in pq.ParquetFile(f).iter_batches(batch_size=10_000):
                    batch = _conform(batch, schema)
                    drop = superseded.get(f.name)
                    if drop:
                        keep = [start + i not in drop for i in range(batch.num_rows)]
                        start += batch.num_rows
                        batch = batch.filter(pa.array(keep))
                    writer.write_batch(batch)
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


def _conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """A batch of an older file with the current columns (missing ones null)."""
    columns = [
        batch.column(f.name) if f.name in batch.schema.names else pa.nulls(batch.num_rows, f.type)
        for f in schema
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _superseded(files: list[Path]) -> dict[str, set[int]]:
    """Rows (by file and position) of articles a later version replaces."""
    best: dict[str, tuple[tuple[int, float], str, int]] = {}
    drop: dict[str, set[int]] = {}
    for f in files:
        with pq.ParquetFile(f) as parquet:
            names = parquet.schema_arrow.names
            cols = [c for c in ("url", "version", "first_seen") if c in names]
            table = parquet.read(columns=cols)
        urls = table.column("url").to_pylist()
        versions = table.column("version").to_pylist() if "version" in cols else [None] * len(urls)
        seen = (
            pc.cast(table.column("first_seen"), pa.int64()).to_pylist()
            if "first_seen" in cols
            else [None] * len(urls)
        )
        for i, (url, version, first_seen) in enumerate(zip(urls, versions, seen, strict=True)):
            key = (version or 1, float(first_seen or 0))
            old = best.get(url)
            if old is None or key >= old[0]:
                if old is not None:
                    drop.setdefault(old[1], set()).add(old[2])
                best[url] = (key, f.name, i)
            else:
                drop.setdefault(f.name, set()).add(i)
    return drop


def _drop_old(root: Path, table: str, current: Path, keep_old: float) -> int:
    limit = time.time() - keep_old
    removed = 0
    for gen in generation_dirs(root, table):
        if gen.resolve() != current.resolve() and gen.stat().st_mtime <= limit:
            shutil.rmtree(gen, ignore_errors=True)
            removed += 1
    return removed
