"""One local crawl per DATA_DIR: an overlapping run stops at once; a killed one blocks nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.helpers.crawl import article_gets, crawl, table
from tests.helpers.paths import ROOT
from tests.helpers.sitegen import build_site, posts


def slow_crawl(base: str, data: Path) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "listings", "-a", f"start_urls={base}"]
    cmd += ["-s", f"DATA_DIR={data}", "-s", "DOWNLOAD_DELAY=0.4", "-s", "AUTOTHROTTLE_ENABLED=0"]
    return subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_lock(data: Path, proc: subprocess.Popen[str]) -> None:
    lock = data / "_state" / "crawl.lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if lock.exists() and lock.read_text().strip() == str(proc.pid):
            return
        time.sleep(0.1)
    raise AssertionError("the first crawl never took the dataset")


def test_second_crawl_exits_at_once(serve: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(12), per_page=5)
    base, log = serve(site)
    first = slow_crawl(base, data)
    try:
        wait_for_lock(data, first)
        started = time.monotonic()
        second = crawl("-a", f"start_urls={base}", data_dir=data, timeout=60)
        took = time.monotonic() - started
        assert first.poll() is None, "the first crawl should still be running"
    finally:
        _, err = first.communicate(timeout=240)
    assert second.returncode == 2, second.stderr[-2000:]
    errors = [line for line in second.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "another crawl" in errors[0] and str(first.pid) in errors[0]
    assert "Traceback" not in second.stderr
    assert took < 30
    # The first is unaffected: every article once, one crawls/ row (the second left none).
    assert first.returncode == 0, err[-2000:]
    assert sorted(article_gets(log)) == [f"/posts/post-{i:04d}/" for i in range(1, 13)]
    assert table(data, "articles").num_rows == 12
    assert table(data, "crawls").num_rows == 1


def test_lock_of_a_killed_crawl_blocks_nothing(serve: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(12), per_page=5)
    base, _ = serve(site)
    first = slow_crawl(base, data)
    try:
        wait_for_lock(data, first)
        time.sleep(1)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.communicate(timeout=30)
    again = crawl("-a", f"start_urls={base}", data_dir=data)
    assert again.returncode == 0, again.stderr[-2000:]
    assert table(data, "articles").num_rows == 12
