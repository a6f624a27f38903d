"""Scrapy's JOBDIR pause/resume works with this spider: stop with Ctrl-C, start again, done."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.helpers.crawl import table
from tests.helpers.paths import ROOT
from tests.helpers.sitegen import build_site, posts

N = 40


def test_pause_and_resume(serve: Any, tmp_path: Path) -> None:
    site, data, job = tmp_path / "site", tmp_path / "data", tmp_path / "job"
    build_site(site, posts(N), per_page=10)
    base, log = serve(site)
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
        f"JOBDIR={job}",
        "-s",
        "CONCURRENT_REQUESTS=1",
        "-s",
        "DOWNLOAD_DELAY=0.1",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
    ]
    first = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while sum(p.startswith("/posts/") for p in log) < 8:
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    first.send_signal(signal.SIGINT)  # one Ctrl-C: finish what is in flight, keep the queue
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err[-2000:]
    paused = table(data, "articles").num_rows
    assert 0 < paused < N
    assert (job / "requests.queue").exists()

    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr[-2000:]
    rows = table(data, "articles").to_pylist()
    assert len(rows) == N == len({r["url"] for r in rows})
    gets = [p for p in log if p.startswith("/posts/")]
    assert len(gets) == len(set(gets)) == N, "an article page was downloaded twice"
    reasons = sorted(c["finish_reason"] for c in table(data, "crawls").to_pylist())
    assert reasons == ["finished", "shutdown"]
