"""Distributed crawling: several worker processes, one real Redis server, one dataset.

Each test starts its own ``redis-server`` on a free 127.0.0.1 port (skipped when the binary
is missing) and serves a generated site on 127.0.0.1; the workers are real ``scrapy crawl``
processes. ``python -m tests.e2e.test_distributed`` measures pages per second for 1, 2 and 3
workers instead (see ``measure``).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from tests.helpers.crawl import article_gets, table
from tests.helpers.paths import ROOT
from tests.helpers.redis import REDIS_SERVER, needs_redis, redis, redis_server, wait_all, worker
from tests.helpers.sitegen import build_site, posts

pytestmark = needs_redis


def rows_in(path: Path) -> int:
    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except OSError:  # renamed away by compaction, or not there yet
        return 0


def listing_gets(log: list[str]) -> list[str]:
    return [p for p in log if p == "/" or p.startswith("/page/")]


def check_dataset(data: Path, base: str, n: int) -> list[dict[str, Any]]:
    """Every article exactly once, readable as one dataset by pyarrow and by DuckDB."""
    rows = table(data, "articles").to_pylist()
    expected = {f"{base.rstrip('/')}/posts/post-{i:04d}/" for i in range(1, n + 1)}
    assert sorted(r["url"] for r in rows) == sorted(expected)
    glob = f"{data}/articles/**/*.parquet"
    query = (
        f"SELECT count(*), count(DISTINCT url) FROM read_parquet('{glob}', hive_partitioning = 1)"
    )
    count, distinct = duckdb.connect().execute(query).fetchone()
    assert (count, distinct) == (n, n)
    return rows


# -- the shared index, against the real server -------------------------------------------


def test_redis_index_claims_commits_and_reconcile(redis_url: str, tmp_path: Path) -> None:
    import pyarrow as pa

    from pipelines.store.local import ensure_table_dir
    from pipelines.store.redis_index import ALIVE_PREFIX, WORKERS_KEY, RedisIndex
    from pipelines.store.schema import TABLES, with_version
    from pipelines.text.fingerprints import simhash

    client = redis.Redis.from_url(redis_url)
    ensure_table_dir(tmp_path, "articles")
    a, b = RedisIndex(redis_url, tmp_path), RedisIndex(redis_url, tmp_path)
    assert a.reconcile() == (0, 0)
    text = "The crawler writes every file under a temporary name and renames it. " * 5
    fp = simhash(text)
    for w in ("A", "B"):
        client.sadd(WORKERS_KEY, w)
        client.set(ALIVE_PREFIX + w, 1)
    url = "http://x.test/posts/1/"
    assert a.reserve(url, "h1", fp, "part-A-00000.parquet")
    # One winner, whichever worker asks.
    assert not b.reserve(url, "h1", fp, "part-B-00000.parquet")
    assert not a.reserve(url, "h1", fp, "part-A-00000.parquet")
    assert a.file_of(url) == "pending:part-A-00000.parquet"
    assert not b.stored_before(url, "B")
    assert b.near_duplicate_of("h1", fp) == url
    assert b.near_duplicate_of("other", fp ^ 0b101) == url  # 2 bits apart: near duplicate
    assert b.near_duplicate_of("other", fp ^ 0xFFFF) is None
    # A dead worker's claim does not block the article for ever.
    client.delete(ALIVE_PREFIX + "A")
    assert b.reserve(url, "h1", fp, "part-B-00000.parquet")
    b.commit_file("part-B-00000.parquet", "part-B-00000.parquet")
    assert a.stored_before(url, "A") and not a.stored_before(url, "B")
    assert a.is_known(url) and a.count() == 1
    # A worker given up for dead (out of the registry) claims nothing any more.
    client.srem(WORKERS_KEY, "A")
    client.set(ALIVE_PREFIX + "A", 1)
    assert not a.reserve("http://x.test/posts/2/", "h2", 0, "part-A-00000.parquet")

    # The files are the truth: an index that lost everything is rebuilt from them, a
    # vanished file takes its URLs along.
    row = {"url": url, "site": "x.test", "text": text, "content_hash": "h1"}
    pq.write_table(
        pa.Table.from_pylist([row], schema=with_version(TABLES["articles"])),
        tmp_path / "articles" / "part-B-00000.parquet",
    )
    client.flushall()
    assert a.reconcile() == (1, 0)
    assert a.file_of(url) == "part-B-00000.parquet" and a.near_duplicate_of("h1", fp) == url
    a.rename_files({"part-B-00000.parquet": "merged-1-00000.parquet"})
    assert a.file_of(url) == "merged-1-00000.parquet"
    assert a.reconcile() == (1, 1)  # merged-… is not on disk, part-B-… is
    assert a.file_of(url) == "part-B-00000.parquet"
    (tmp_path / "articles" / "part-B-00000.parquet").unlink()
    assert a.reconcile() == (0, 1)
    assert not a.is_known(url) and a.near_duplicate_of("h1", fp) is None and a.count() == 0
    a.close()
    b.close()


def test_the_switch_is_redis_url() -> None:
    from scrapy.settings import Settings

    from crawler.addons import DistributedCrawl

    def project(**cmdline: Any) -> Settings:
        settings = Settings()
        settings.setmodule("crawler.settings", priority="project")
        settings.setdict(cmdline, priority="cmdline")
        return settings

    embedded = project()
    DistributedCrawl().update_settings(embedded)
    assert embedded.get("SCHEDULER") != "scrapy_redis.scheduler.Scheduler"
    assert embedded["DUPEFILTER_CLASS"] == "crawler.dupefilter.DiskDupeFilter"
    assert "crawler.distributed.DistributedWorker" not in embedded.getdict("EXTENSIONS")

    distributed = project(REDIS_URL="redis://127.0.0.1:1/0")
    distributed.set("SCHEDULER_PERSIST", False, priority="cmdline")
    DistributedCrawl().update_settings(distributed)
    assert distributed["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert distributed["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert distributed["SCHEDULER_QUEUE_CLASS"] == "crawler.distributed.LeasedPriorityQueue"
    assert "crawler.distributed.DistributedWorker" in distributed.getdict("EXTENSIONS")
    assert distributed.getbool("SCHEDULER_PERSIST") is False  # the command line still wins


# -- workers crawling together -----------------------------------------------------------


def joined(redis_url: str, workers: int, delay: float = 0.03) -> Any:
    """A server gate: hold every answer until ``workers`` workers are registered."""
    opened = threading.Event()

    def wait() -> None:
        if not opened.is_set():
            client = redis.Redis.from_url(redis_url)
            deadline = time.monotonic() + 60
            while client.scard("listings:workers") < workers and time.monotonic() < deadline:
                time.sleep(0.05)
            client.close()
            opened.set()
        time.sleep(delay)

    return wait


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_share_one_crawl(serve: Any, tmp_path: Path, redis_url: str, workers: int) -> None:
    n = 60
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(n), per_page=6)
    # Workers start seconds apart on a busy machine, and one alone can crawl 60 pages in
    # that time: the site answers nobody until every worker has joined, then a little slowly.
    base, log = serve(site, before=joined(redis_url, workers))
    # The same command in every process: the start URL is seeded once, all take a share.
    procs = [
        worker(data, redis_url, "-a", f"start_urls={base}", log=tmp_path / f"w{i}.log")
        for i in range(workers)
    ]
    codes = wait_all(procs)
    logs = "\n".join((tmp_path / f"w{i}.log").read_text(errors="replace") for i in range(workers))
    assert codes == [0] * workers, logs[-3000:]
    assert "Traceback" not in logs

    check_dataset(data, base, n)
    gets = article_gets(log)
    assert len(gets) == len(set(gets)) == n  # no article page downloaded twice
    assert len(listing_gets(log)) == len(set(listing_gets(log))) == n // 6
    crawls = table(data, "crawls").to_pylist()
    assert len(crawls) == workers and {c["finish_reason"] for c in crawls} == {"finished"}
    assert sum(c["articles_new"] for c in crawls) == n
    # Every worker's files are its own, and each table reads back as one.
    files = [f.name for f in (data / "articles").glob("*.parquet")]
    assert len(files) == len(set(files)) >= 2
    assert table(data, "listing_hits").num_rows == n
    # The run drained: nothing queued, nothing leased, nobody registered.
    client = redis.Redis.from_url(redis_url)
    assert client.zcard("listings:requests") == 0 and not client.exists("listings:workers")
    assert not client.keys("listings:lease:*") and not client.keys("listings:done:*")


def test_killed_worker_loses_nothing(serve: Any, tmp_path: Path, redis_url: str) -> None:
    n = 60
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(n), per_page=6)
    base, log = serve(site)
    # Slow and small, so that the kill lands mid-crawl with rows written but not committed.
    slow = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.1"]
    slow += ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "PARQUET_ROW_GROUP_ROWS=2"]
    args = ["-a", f"start_urls={base}", *slow, "-s", "LISTINGS_CHECKPOINT_SECONDS=1"]
    victim = worker(data, redis_url, *args, "-s", "LISTINGS_CRAWL_ID=victim")
    survivor = worker(data, redis_url, *args, log=tmp_path / "survivor.log")
    # Kill it once it has committed some work (a checkpoint) and is still busy.
    deadline = time.monotonic() + 60
    while sum(rows_in(f) for f in (data / "articles").glob("part-victim-*.parquet")) < 3:
        assert victim.poll() is None and time.monotonic() < deadline, "crawl ended too soon"
        time.sleep(0.02)
    time.sleep(0.3)  # between two checkpoints (1 s apart), not inside one
    assert len(article_gets(log)) < n - 10, "the crawl was nearly over before the kill"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    mark = len(log)
    late = worker(data, redis_url, *args, log=tmp_path / "late.log")
    codes = wait_all([survivor, late])
    logs = (tmp_path / "survivor.log").read_text(errors="replace")
    logs += (tmp_path / "late.log").read_text(errors="replace")
    assert codes == [0, 0], logs[-3000:]
    assert "stopped sending heartbeats" in logs  # the victim's requests went back

    rows = check_dataset(data, base, n)
    assert set(article_gets(log)) == {f"/posts/post-{i:04d}/" for i in range(1, n + 1)}
    # What the victim committed stays, once. Its requests still leased at the kill are
    # fetched again (on a loaded machine that can be every one of them: their rows were
    # committed while the pipelines still held the requests) and dropped as stored.
    kept = {r["url"] for r in rows if r["crawl_id"] == "victim"}
    redone = {base.rstrip("/") + p for p in article_gets(log[mark:])}
    assert len(kept) >= 3
    assert not {r["url"] for r in rows if r["crawl_id"] != "victim"} & kept
    assert redone <= {base.rstrip("/") + f"/posts/post-{i:04d}/" for i in range(1, n + 1)}
    assert len(table(data, "crawls").to_pylist()) == 2  # the victim wrote none


def test_pushed_urls_and_the_next_run(serve: Any, tmp_path: Path, redis_url: str) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(30), per_page=6)
    base, log = serve(site)
    push = [sys.executable, "-m", "scrapy", "push", "-s", f"REDIS_URL={redis_url}"]
    out = subprocess.run([*push, base], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "queued" in out.stdout, out.stderr
    again = subprocess.run([*push, base], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "already queued" in again.stdout
    # Workers given no start URL take theirs from the shared queue.
    logs = [tmp_path / f"w{i}.log" for i in range(2)]
    codes = wait_all([worker(data, redis_url, log=path) for path in logs])
    assert codes == [0, 0], "\n".join(p.read_text(errors="replace")[-2000:] for p in logs)
    check_dataset(data, base, 30)
    assert {tuple(c["start_urls"]) for c in table(data, "crawls").to_pylist()} == {()}
    status = subprocess.run(
        [*push, "--status", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    info = json.loads(status.stdout)
    assert info["queued"] == 0 and info["seen"] == 0 and info["index_articles"] == 30
    assert [w["state"] for w in info["workers"]] == ["finished", "finished"]

    # The next run (after the first drained) walks the listings again, and the shared index
    # keeps articles/ unique across runs: only the three new posts are downloaded.
    log.clear()
    build_site(site, posts(33), per_page=6)
    logs = [tmp_path / f"next{i}.log" for i in range(2)]
    codes = wait_all(
        [worker(data, redis_url, "-a", f"start_urls={base}", log=path) for path in logs]
    )
    assert codes == [0, 0], "\n".join(p.read_text(errors="replace")[-2000:] for p in logs)
    assert sorted(article_gets(log)) == [f"/posts/post-{i:04d}/" for i in (31, 32, 33)]
    check_dataset(data, base, 33)


# -- measuring: python -m tests.e2e.test_distributed [--articles 300] ------------------------


def _timed_server(folder: Path, latency: float) -> tuple[str, list[tuple[float, str]], Any]:
    hits: list[tuple[float, str]] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(latency)  # a remote site's response time
            super().do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            hits.append((time.monotonic(), self.path))

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", hits, server


def measure(articles: int, counts: list[int], latency: float) -> list[dict[str, Any]]:
    """Crawl one generated site with 1, 2, 3 … workers; pages/s over the crawl's span.

    The workers are started first and the start URL pushed once all have joined, so that
    process start-up (seconds of imports, competing for the same cores) is not counted.
    """
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_site(root / "site", posts(articles), per_page=10)
        base, hits, server = _timed_server(root / "site", latency)
        push = [sys.executable, "-m", "scrapy", "push", base]
        with redis_server(root / "redis") as url:
            client = redis.Redis.from_url(url)
            for count in counts:
                client.flushall()
                hits.clear()
                data = root / f"data-{count}"
                # Waiting workers must not drain before the push.
                args = ["-s", "LISTINGS_WORKER_TTL=60", "-s", "LISTINGS_DRAIN_SECONDS=20"]
                procs = [worker(data, url, *args) for _ in range(count)]
                deadline = time.monotonic() + 120
                while client.scard("listings:workers") < count and time.monotonic() < deadline:
                    time.sleep(0.1)
                subprocess.run([*push, "-s", f"REDIS_URL={url}"], cwd=ROOT, check=True, timeout=60)
                codes = wait_all(procs, timeout=600)
                pages = [p for _, p in hits if p != "/robots.txt"]
                times = [t for t, p in hits if p != "/robots.txt"]
                span = times[-1] - times[0]
                results.append(
                    {
                        "workers": count,
                        "latency_s": latency,
                        "exit_codes": codes,
                        "pages": len(pages),
                        "crawl_seconds": round(span, 2),
                        "pages_per_second": round(len(pages) / span, 1),
                        "duplicate_downloads": len(pages) - len(set(pages)),
                        "articles_stored": table(data, "articles").num_rows,
                    }
                )
        server.shutdown()
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=measure.__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per response")
    options = parser.parse_args()
    if REDIS_SERVER is None:
        sys.exit("redis-server is not installed")
    for result in measure(options.articles, options.workers, options.latency):
        print(json.dumps(result))
