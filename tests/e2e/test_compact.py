"""Compaction: fewer files, the same rows, readers never see a mix of generations."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import duckdb

from pipelines.store.sqlite_index import SQLiteIndex
from tests.helpers.crawl import crawl, table
from tests.helpers.paths import ROOT
from tests.helpers.sitegen import build_site, posts

SMALL = ["-s", "PARQUET_ROW_GROUP_ROWS=3", "-s", "PARQUET_ROLL_ROWS=4"]


def compact(data: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scrapy", "compact", "-s", f"DATA_DIR={data}", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_compaction_keeps_every_row_and_readers_see_one_generation(
    serve: Any, tmp_path: Path
) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(30), per_page=10)
    base, _ = serve(site)
    assert crawl("-a", f"start_urls={base}", *SMALL, data_dir=data).returncode == 0
    build_site(site, posts(40), per_page=10)
    assert crawl("-a", f"start_urls={base}", *SMALL, data_dir=data).returncode == 0
    before = sorted(r["url"] for r in table(data, "articles").to_pylist())
    files_before = len(list((data / "articles").glob("*.parquet")))
    assert files_before >= 5

    # Readers counting rows in a loop while compaction swaps the files under them: one goes
    # through the table link, one reads the generation the link pointed to when it started.
    counts: list[int] = []
    pinned_counts: list[int] = []
    failures: list[Exception] = []
    stop = threading.Event()
    pinned = os.path.realpath(data / "articles")

    def reader() -> None:
        glob = f"{data}/articles/**/*.parquet"
        con = duckdb.connect()  # one connection per thread
        while not stop.is_set():
            try:
                query = con.execute(f"SELECT count(*) FROM read_parquet('{glob}')")
                counts.append(query.fetchall()[0][0])
            except duckdb.IOException as exc:  # listed before the swap, opened after it
                failures.append(exc)

    def pinned_reader() -> None:
        con = duckdb.connect()
        while not stop.is_set():
            query = con.execute(f"SELECT count(*) FROM read_parquet('{pinned}/*.parquet')")
            pinned_counts.append(query.fetchall()[0][0])

    threads = [threading.Thread(target=reader), threading.Thread(target=pinned_reader)]
    for thread in threads:
        thread.start()
    # The replaced generation stays for the grace period: a reader mid-query still finds it.
    result = compact(data, "--keep-old", "60")
    stop.set()
    for thread in threads:
        thread.join()
    assert result.returncode == 0, result.stderr
    assert "articles: " in result.stdout
    # Never a missing or doubled row: a query sees all 40 or fails loudly (and is retried).
    assert counts and set(counts) == {40}, set(counts)
    # The glob's race: names listed in the old generation, then opened (or checked, which
    # DuckDB's "**" does first) in the new one.
    loud = ("No such file", "No files found")
    assert all(any(m in str(exc) for m in loud) for exc in failures), failures[:3]
    assert pinned_counts and set(pinned_counts) == {40}
    assert len(list((data / "articles").glob("*.parquet"))) == 1
    assert len(list((data / "_generations" / "articles").glob("g*"))) == 2
    # Only live files are reachable from DATA_DIR/*/*.parquet: never a superseded generation.
    live = duckdb.sql(f"SELECT count(*) FROM read_parquet('{data}/*/*.parquet', union_by_name=1)")
    tables = [p.name for p in data.iterdir() if p.is_symlink()]
    assert live.fetchall()[0][0] == sum(table(data, name).num_rows for name in tables)
    # Past its grace period, the old generation goes at the next compaction.
    assert compact(data, "--keep-old", "0").returncode == 0
    assert len(list((data / "_generations" / "articles").glob("g*"))) == 1
    assert sorted(r["url"] for r in table(data, "articles").to_pylist()) == before
    # The index follows the new files: nothing to re-read, nothing downloaded again.
    index = SQLiteIndex(data)
    assert index.reconcile() == (0, 0) and index.count() == 40
    index.close()
    again = crawl("-a", f"start_urls={base}", data_dir=data)
    assert again.returncode == 0
    assert table(data, "articles").num_rows == 40


def test_compaction_waits_for_running_crawl(tmp_path: Path) -> None:
    from pipelines.store.local import DatasetLock

    data = tmp_path / "data"
    (data / "_state").mkdir(parents=True)
    crawl_lock = DatasetLock(data)
    crawl_lock.shared()
    result = compact(data)
    crawl_lock.release()
    assert result.returncode == 1 and "a crawl is writing" in result.stderr
