"""History: a crawl archived as WARC is re-extracted offline into an equal dataset, and a
killed crawl's archive is finished by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pipelines.store.warc import read_response
from tests.helpers.crawl import crawl, table
from tests.helpers.paths import ROOT
from tests.helpers.sitegen import build_site, posts

WARC = ["-s", "LISTINGS_WARC=on"]
# Columns that say when, by which crawl and from which record, not what was extracted.
WHEN = ["crawl_id", "first_seen", "warc_file", "warc_offset"]


def reprocess(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scrapy", "reprocess", *args, "-s", f"DATA_DIR={data_dir}"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=240)


def warcio_check(directory: Path) -> list[Path]:
    files = sorted(directory.glob("*.warc.gz"))
    for path in files:
        result = subprocess.run(
            [sys.executable, "-m", "warcio.cli", "check", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (path.name, result.stdout, result.stderr)
    return files


def articles(data: Path) -> list[dict[str, Any]]:
    return table(data, "articles").drop_columns(WHEN).sort_by("url").to_pylist()


def test_reprocess_rebuilds_the_same_articles_offline(serve: Any, tmp_path: Path) -> None:
    site, data, again = tmp_path / "site", tmp_path / "data", tmp_path / "again"
    build_site(site, posts(14), per_page=5)
    base, log = serve(site)
    first = crawl("-a", f"start_urls={base}", *WARC, data_dir=data)
    assert first.returncode == 0, first.stderr[-2000:]
    assert len(warcio_check(data / "warc")) == 1
    requests = len(log)
    result = reprocess(str(data), data_dir=again)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(log) == requests, "reprocess reached the network"
    before, after = articles(data), articles(again)
    assert len(before) == 14
    assert after == before
    # Each row names the record it came from.
    for row in table(data, "articles").to_pylist():
        record = read_response(data / "warc" / row["warc_file"], row["warc_offset"])
        assert record.url == row["url"] and b"<html" in record.body.lower()
    hits = table(again, "listing_hits").num_rows
    assert hits == table(data, "listing_hits").num_rows > 0


def test_reprocess_refuses_to_write_in_place(tmp_path: Path) -> None:
    (tmp_path / "data" / "warc").mkdir(parents=True)
    (tmp_path / "data" / "warc" / "x.warc.gz").write_bytes(b"")
    result = reprocess(str(tmp_path / "data"), data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert "is a source" in result.stderr and "Traceback" not in result.stderr


def start(base: str, data: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "listings", "-a", f"start_urls={base}"]
    cmd += ["-s", f"DATA_DIR={data}", "-s", "CONCURRENT_REQUESTS=2", *WARC]
    cmd += ["-s", "LISTINGS_WARC_ROLL_BYTES=20000"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("pages_before_kill", [3, 20, 45])
def test_a_killed_crawls_archive_is_whole(
    serve: Any, tmp_path: Path, pages_before_kill: int
) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(50), per_page=10)
    base, log = serve(site)
    proc = start(base, data)
    deadline = time.monotonic() + 60
    while len(log) < pages_before_kill:
        assert proc.poll() is None, "the crawl ended before the kill"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    warcio_check(data / "warc")  # whatever is visible is whole
    result = crawl("-a", f"start_urls={base}", *WARC, data_dir=data)
    assert result.returncode == 0, result.stderr[-2000:]
    files = warcio_check(data / "warc")
    assert files and not list((data / "warc").glob(".*.tmp"))
    assert table(data, "articles").num_rows == 50
