"""Running the real commands in a subprocess, and reading the dataset back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds

from crawler import settings as defaults
from tests.helpers.paths import ROOT

DEMO = ROOT / "crawler" / "demo" / "site"
MANIFEST = json.loads((DEMO / "manifest.json").read_text("utf-8")) if DEMO.exists() else None


def crawl(
    *args: str, data_dir: Path | str, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "listings", *args, "-s", f"DATA_DIR={data_dir}"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def table(data_dir: Path, name: str) -> Any:
    return ds.dataset(data_dir / name, format="parquet", partitioning="hive").to_table()


def compact(data: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    """``scrapy compact`` on ``data``."""
    cmd = [sys.executable, "-m", "scrapy", "compact", "-s", f"DATA_DIR={data}", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def article_gets(log: list[str]) -> list[str]:
    """The article requests in a loopback server's request log."""
    return [p for p in log if p.startswith("/posts/")]


# Where a crawl looks for a feed no listing page declares (once per start URL): a request
# that is neither a listing page nor an article.
FEED_GUESSES = tuple(f"/{name}" for name in defaults.LISTINGS_FEED_GUESSES)


def feed_guess(path: str) -> bool:
    return path.endswith(FEED_GUESSES)
