"""A throwaway redis-server on 127.0.0.1, and distributed workers started against it."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

REDIS_SERVER = shutil.which("redis-server")
redis = pytest.importorskip("redis", reason="redis-py is not installed")
pytest.importorskip("scrapy_redis", reason="scrapy-redis is not installed")
needs_redis = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)"
)

# Short enough for tests: drain after 1 s of an empty queue, give up on a silent worker
# after 3 s.
FAST = ["-s", "LISTINGS_DRAIN_SECONDS=1", "-s", "LISTINGS_WORKER_TTL=3"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A throwaway redis-server on 127.0.0.1 keeping its files in ``workdir``."""
    assert REDIS_SERVER is not None
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cmd = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir)]
    cmd += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="module")
def redis_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_home: str) -> Iterator[str]:
    """The shared server, emptied for each test."""
    client = redis.Redis.from_url(redis_home)
    client.flushall()
    client.close()
    yield redis_home


def worker(
    data: Path | str, redis_url: str, *args: str, log: Path | None = None
) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "listings"]
    # Later -s options win: ``args`` may override FAST.
    cmd += ["-s", f"DATA_DIR={data}", "-s", f"REDIS_URL={redis_url}", *FAST, *args]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - the child writes it
    return subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def wait_all(procs: list[subprocess.Popen[bytes]], timeout: float = 90) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=max(0.1, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            for p in procs:
                p.kill()
            raise
    return codes
