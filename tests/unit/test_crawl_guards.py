"""Saved pages obey the download size limit; one local crawl holds a dataset at a time."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.page_source import SourceError, read_source
from pipelines.store.crawl_lock import CrawlBusy, CrawlLock


def read(path: Path, max_bytes: int = 16 * 1024 * 1024) -> bytes:
    return read_source(str(path), None, max_bytes=max_bytes).body


def test_gzip_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "page.html.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        for _ in range(16):
            fh.write(b"\0" * (1 << 20))
    with pytest.raises(SourceError, match="larger than 1048576 bytes"):
        read(bomb, max_bytes=1 << 20)


def test_plain_and_concatenated_files_read_whole(tmp_path: Path) -> None:
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(b"<html>a") + gzip.compress(b"b</html>"))
    assert read(page) == b"<html>ab</html>"
    big = tmp_path / "big.html"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(SourceError, match="DOWNLOAD_MAXSIZE"):
        read(big, max_bytes=1024)
    cut = tmp_path / "cut.html.gz"
    cut.write_bytes(gzip.compress(b"<html>" * 100)[:-6])
    with pytest.raises(SourceError, match="not a valid gzip file"):
        read(cut)


def test_crawl_lock_is_exclusive_and_dies_with_its_process(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from pipelines.store.crawl_lock import CrawlLock;"
            "CrawlLock(Path(sys.argv[1])).acquire(False, 'x'); print('ok', flush=True);"
            "time.sleep(60)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(CrawlBusy, match=f"process {holder.pid}"):
            CrawlLock(tmp_path).acquire(False, "DATA_DIR d")
        with pytest.raises(CrawlBusy, match="a local crawl"):
            CrawlLock(tmp_path).acquire(True, "DATA_DIR d")
    finally:
        holder.kill()
        holder.wait()
    lock = CrawlLock(tmp_path)
    lock.acquire(False, "DATA_DIR d")
    lock.release()
