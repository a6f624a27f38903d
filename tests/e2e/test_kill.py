"""Kill-safety: SIGKILL a crawl at several moments, re-run, and the dataset is whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.helpers.crawl import crawl, table
from tests.helpers.paths import ROOT
from tests.helpers.sitegen import build_site, posts

N = 80
SMALL_FILES = ["-s", "PARQUET_ROW_GROUP_ROWS=2", "-s", "PARQUET_ROLL_ROWS=6"]


def committed(data: Path) -> int:
    return len(list((data / "articles").glob("*.parquet")))


def in_progress(data: Path) -> bool:
    return any((data / "articles").glob(".*.tmp"))


MOMENTS: dict[str, Callable[[Path], bool]] = {
    "early": lambda data: (data / "_state").exists(),
    "mid-write": lambda data: in_progress(data) and committed(data) >= 2,
    "late": lambda data: committed(data) >= 10,
}


def start(base: str, data: Path) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "listings",
        "-a",
        f"start_urls={base}",
        "-s",
        f"DATA_DIR={data}",
        "-s",
        "CONCURRENT_REQUESTS=2",
        *SMALL_FILES,
    ]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_kill_then_rerun(serve: Any, tmp_path: Path, moment: str) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(N), per_page=10)
    base, log = serve(site)
    proc = start(base, data)
    deadline = time.monotonic() + 60
    while not MOMENTS[moment](data):
        assert proc.poll() is None, f"the crawl ended before the {moment} moment"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    # Whatever was left: every visible file is complete and readable.
    for f in (data / "articles").glob("*.parquet"):
        pq.read_table(f)
    before = table(data, "articles").num_rows if (data / "articles").exists() else 0

    stored = {r["url"] for r in table(data, "articles").to_pylist()} if before else set()
    mark = len(log)
    result = crawl("-a", f"start_urls={base}", *SMALL_FILES, data_dir=data)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = table(data, "articles").to_pylist()
    assert len(rows) == N == len({r["url"] for r in rows}), (moment, before, len(rows))
    assert not in_progress(data), "a dead writer's temporary file was left behind"
    # The re-run fetched exactly what the killed run had not stored, each page once.
    refetched = [p for p in log[mark:] if p.startswith("/posts/")]
    assert len(refetched) == len(set(refetched)) == N - before
    assert not {base.rstrip("/") + p for p in refetched} & stored
