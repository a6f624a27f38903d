"""DATA_DIR as an object store: crawls into ``s3://`` on a moto S3 server on 127.0.0.1.

The server runs in this process (moto's ``ThreadedMotoServer``); the crawls are real
``scrapy crawl`` processes that reach it through pyarrow's S3 filesystem, and the dataset is
read back from the bucket with pyarrow and DuckDB.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyarrow import fs as pafs

from pipelines.store import open_dataset
from pipelines.store.base import StorageError
from pipelines.store.local import LocalDataset
from pipelines.store.objectstore import ObjectStoreDataset, default_state_dir
from pipelines.store.schema import TABLES
from pipelines.store.sqlite_index import SQLiteIndex
from pipelines.store.writer import TableWriter
from tests.helpers.crawl import MANIFEST, article_gets, compact, crawl
from tests.helpers.paths import ROOT
from tests.helpers.redis import REDIS_SERVER, free_port, wait_all, worker
from tests.helpers.rows import article
from tests.helpers.sitegen import build_site, posts

moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "listings-test",
    "AWS_SECRET_ACCESS_KEY": "listings-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
TABLE_FILE = re.compile(rf"({'|'.join(TABLES)})/part-[A-Za-z0-9._-]+\.parquet")


@dataclass
class Bucket:
    name: str
    uri: str  # DATA_DIR: s3://name/prefix?endpoint_override=…&scheme=http
    fs: pafs.S3FileSystem

    def objects(self) -> list[str]:
        """Every object in the bucket (pyarrow shows directory markers as directories)."""
        selector = pafs.FileSelector(self.name, recursive=True)
        return sorted(i.path for i in self.fs.get_file_info(selector) if i.is_file)

    def table(self, name: str) -> pa.Table:
        return pq.ParquetDataset(f"{self.name}/prefix/{name}", filesystem=self.fs).read()


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1; credentials in the environment the crawls inherit."""
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    with pytest.MonkeyPatch.context() as env:
        for name, value in CREDENTIALS.items():
            env.setenv(name, value)
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
            env.delenv(name, raising=False)
        yield f"127.0.0.1:{port}"
    server.stop()


def client(endpoint: str) -> pafs.S3FileSystem:
    return pafs.S3FileSystem(
        endpoint_override=endpoint,
        scheme="http",
        region="us-east-1",
        allow_bucket_creation=True,
        allow_delayed_open=True,
    )


@pytest.fixture
def bucket(s3_endpoint: str) -> Bucket:
    """A new, empty bucket for each test."""
    name = f"listings-{uuid.uuid4().hex[:12]}"
    fs = client(s3_endpoint)
    fs.create_dir(name)
    return Bucket(name, f"s3://{name}/prefix?endpoint_override={s3_endpoint}&scheme=http", fs)


def assert_only_complete_files(bucket: Bucket) -> None:
    """Nothing but the tables' committed files: no temporary, probe, state or partial object."""
    keys = bucket.objects()
    strays = [k for k in keys if not TABLE_FILE.fullmatch(k.removeprefix(f"{bucket.name}/prefix/"))]
    assert strays == []
    # A table with no row holds one zero-row file with its schema, so that it loads.
    for key in keys:
        rows = pq.read_metadata(key, filesystem=bucket.fs).num_rows
        assert rows > 0 or key.endswith("/part-empty.parquet"), key


# -- crawls into the bucket ------------------------------------------------------------


@pytest.mark.skipif(MANIFEST is None, reason="demo site not built")
def test_demo_crawl_into_s3(bucket: Bucket, tmp_path: Path) -> None:
    assert MANIFEST is not None
    state = tmp_path / "state"
    result = crawl("-s", f"LISTINGS_STATE_DIR={state}", data_dir=bucket.uri)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    # Logs name the dataset without its options.
    assert f"dataset in s3://{bucket.name}/prefix." in result.stderr

    articles = bucket.table("articles")
    assert articles.schema.remove_metadata() == TABLES["articles"].remove_metadata()
    rows = articles.to_pylist()
    assert len(rows) == len(MANIFEST["articles"]) == 34
    assert len({r["url"] for r in rows}) == 34
    assert {r["site"] for r in rows} == {"demo.listings.invalid"}
    assert {"http://demo.listings.invalid" + a["path"] for a in MANIFEST["articles"]} == {
        r["url"] for r in rows
    }
    hits = bucket.table("listing_hits")
    assert hits.schema.remove_metadata() == TABLES["listing_hits"].remove_metadata()
    assert hits.num_rows == sum(len(p["articles"]) for p in MANIFEST["listings"])
    crawls = bucket.table("crawls").to_pylist()
    assert [(c["articles_new"], c["finish_reason"]) for c in crawls] == [(34, "finished")]

    # DuckDB over the same files (its httpfs extension is not needed: pyarrow reads them).
    con = duckdb.connect()
    con.register("articles", articles)
    n, distinct, langs = con.execute(
        "SELECT count(*), count(DISTINCT url), list(DISTINCT lang) FROM articles"
    ).fetchone()
    assert (n, distinct, langs) == (34, 34, ["zh-cn"])

    assert_only_complete_files(bucket)
    # No errors: errors/ is one zero-row file with the schema, so that it loads.
    assert [k.rsplit("/", 1)[1] for k in bucket.objects() if "/errors/" in k] == [
        "part-empty.parquet"
    ]
    assert bucket.table("errors").num_rows == 0
    # What is not data stays local: the index, and a spool emptied by the uploads.
    assert (state / "index.sqlite").is_file()
    assert list((state / "spool").iterdir()) == []


def test_next_run_does_only_new_work_from_the_bucket_listing(
    serve: Any, bucket: Bucket, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    build_site(site, posts(12), per_page=5)
    base, log = serve(site)

    def run(state: str) -> None:
        args = ["-a", f"start_urls={base}", "-s", f"LISTINGS_STATE_DIR={tmp_path / state}"]
        result = crawl(*args, data_dir=bucket.uri)
        assert result.returncode == 0, result.stderr[-3000:]

    run("machine-a")
    assert len(article_gets(log)) == 12
    log.clear()

    # A day later, three new posts, and the crawl runs on another machine: its empty index
    # is rebuilt from the objects listed in the bucket.
    build_site(site, posts(15), per_page=5)
    run("machine-b")
    assert sorted(article_gets(log)) == [f"/posts/post-{i:04d}/" for i in (13, 14, 15)]
    assert "/page/2/" in log and "/page/3/" not in log  # the crawls/ row of run 1 is read
    log.clear()

    # Back on the first machine, nothing new: its index catches up with run 2's file.
    run("machine-a")
    assert article_gets(log) == []

    articles = bucket.table("articles").to_pylist()
    assert len(articles) == 15 == len({a["url"] for a in articles})
    crawls = sorted(bucket.table("crawls").to_pylist(), key=lambda c: c["started"])
    assert [c["articles_new"] for c in crawls] == [12, 3, 0]
    assert {c["finish_reason"] for c in crawls} == {"finished"}
    keys = bucket.objects()
    assert len([k for k in keys if "/articles/" in k]) == 2  # run 3 had nothing to write
    assert len([k for k in keys if "/crawls/" in k]) == 3
    assert_only_complete_files(bucket)


def test_killed_crawl_leaves_no_partial_object(serve: Any, bucket: Bucket, tmp_path: Path) -> None:
    n = 40
    site, state = tmp_path / "site", tmp_path / "state"
    build_site(site, posts(n), per_page=10)
    base, _ = serve(site)
    args = ["-a", f"start_urls={base}", "-s", f"LISTINGS_STATE_DIR={state}"]
    args += ["-s", "PARQUET_ROW_GROUP_ROWS=2", "-s", "PARQUET_ROLL_ROWS=4"]
    slow = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.1"]
    cmd = [sys.executable, "-m", "scrapy", "crawl", "listings", *args, *slow]
    proc = subprocess.Popen(
        [*cmd, "-s", f"DATA_DIR={bucket.uri}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while len([k for k in bucket.objects() if "/articles/" in k]) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, "the crawl ended too soon"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert_only_complete_files(bucket)
    before = bucket.table("articles").num_rows
    assert 4 <= before < n

    result = crawl(*args, data_dir=bucket.uri)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = bucket.table("articles").to_pylist()
    assert len(rows) == n == len({r["url"] for r in rows})
    assert_only_complete_files(bucket)
    # The dead writer's spool files were removed at the start of the second run.
    assert list((state / "spool").iterdir()) == []


@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")
def test_two_workers_write_one_bucket(
    serve: Any,
    bucket: Bucket,
    tmp_path: Path,
    redis_url: str,
) -> None:
    n = 30
    site = tmp_path / "site"
    build_site(site, posts(n), per_page=6)
    base, log = serve(site)
    # Each worker has its own state directory, as on two machines.
    logs = [tmp_path / f"w{i}.log" for i in range(2)]
    args = ["-a", f"start_urls={base}"]
    procs = [
        worker(
            bucket.uri,
            redis_url,
            *args,
            "-s",
            f"LISTINGS_STATE_DIR={tmp_path / f'state{i}'}",
            log=path,
        )
        for i, path in enumerate(logs)
    ]
    codes = wait_all(procs, timeout=180)
    text = "\n".join(p.read_text(errors="replace") for p in logs)
    assert codes == [0, 0], text[-3000:]
    assert "Traceback" not in text

    articles = bucket.table("articles")
    expected = {f"{base.rstrip('/')}/posts/post-{i:04d}/" for i in range(1, n + 1)}
    assert sorted(articles.column("url").to_pylist()) == sorted(expected)
    con = duckdb.connect()
    con.register("articles", articles)
    assert con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (n, n)
    gets = article_gets(log)
    assert len(gets) == len(set(gets)) == n
    crawls = bucket.table("crawls").to_pylist()
    assert len(crawls) == 2 and {c["finish_reason"] for c in crawls} == {"finished"}
    assert sum(c["articles_new"] for c in crawls) == n
    assert bucket.table("listing_hits").num_rows == n
    assert_only_complete_files(bucket)


# -- what a bad DATA_DIR gets ----------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing bucket", "The specified bucket does not exist"),
        ("closed port", "Could not connect"),
        ("unknown scheme", "neither a path nor a URI pyarrow can open"),
        ("unknown option", "Unexpected query parameter in S3 URI: 'colour'"),
    ],
)
def test_bad_object_store_stops_before_crawling(
    s3_endpoint: str, bucket: Bucket, tmp_path: Path, case: str, message: str
) -> None:
    missing = f"missing-{uuid.uuid4().hex[:12]}"
    data_dir = {
        "missing bucket": f"s3://{missing}/prefix?endpoint_override={s3_endpoint}&scheme=http",
        "closed port": f"s3://{bucket.name}/p?endpoint_override=127.0.0.1:{free_port()}&scheme=http",
        "unknown scheme": "nosuchstore://bucket/prefix",
        "unknown option": f"s3://{bucket.name}/p?endpoint_override={s3_endpoint}&colour=blue",
    }[case]
    state = tmp_path / "state"
    result = crawl("-s", f"LISTINGS_STATE_DIR={state}", data_dir=data_dir)
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: DATA_DIR "), lines
    assert message in lines[0] and "Traceback" not in result.stderr
    if case in ("missing bucket", "closed port"):
        assert "cannot be written" in lines[0]
    # Nothing written anywhere: not in the store, not even the local state directory.
    assert bucket.objects() == [] and not state.exists()
    assert bucket.fs.get_file_info(missing).type == pafs.FileType.NotFound


def test_compaction_refuses_an_object_store(bucket: Bucket) -> None:
    result = compact(bucket.uri)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"Error: DATA_DIR s3://{bucket.name}/prefix is an object store; scrapy compact works "
        "only on a local or shared filesystem"
    ]


# -- the writer against the store ------------------------------------------------------


def error_row(i: int) -> dict[str, Any]:
    return {"url": f"https://x.org/{i}", "stage": "download", "error": "x", "at": datetime.now(UTC)}


def test_writer_publishes_only_complete_files(bucket: Bucket, tmp_path: Path) -> None:
    state = tmp_path / "state"
    dataset = open_dataset(bucket.uri, state)
    assert isinstance(dataset, ObjectStoreDataset)
    assert dataset.open_for_writing() is None  # no lock on an object store
    spool = state / "spool"
    committed: list[str] = []
    writer = TableWriter(
        dataset,
        "articles",
        "c1",
        row_group_rows=10,
        roll_rows=30,
        on_commit=lambda table, name: committed.append(name),
    )
    for i in range(25):
        writer.write(article(i))
    # Two row groups are in a local spool file; the bucket shows nothing yet.
    assert bucket.objects() == []
    assert len(list(spool.glob(".articles.part-c1-00000.parquet~*.tmp"))) == 1
    for i in range(25, 65):
        writer.write(article(i))
    writer.commit()
    names = [f"part-c1-{i:05d}.parquet" for i in range(3)]
    assert committed == names == dataset.files("articles")
    assert bucket.objects() == [f"{bucket.name}/prefix/articles/{name}" for name in names]
    assert list(spool.iterdir()) == []
    table = bucket.table("articles")
    assert table.num_rows == 65
    assert sorted(table.column("url").to_pylist()) == sorted(
        f"https://x.org/{i}" for i in range(65)
    )
    assert [pq.read_metadata(k, filesystem=bucket.fs).num_row_groups for k in bucket.objects()] == [
        3,
        3,
        1,
    ]

    # The index lives in the state directory and reads the files through the store.
    index = SQLiteIndex(dataset)
    assert index.reconcile() == (3, 0)
    assert index.is_known("https://x.org/64") and index.count() == 65
    assert (state / "index.sqlite").is_file()
    index.close()

    # An aborted writer leaves nothing, neither in the bucket nor in the spool.
    errors = TableWriter(dataset, "errors", "c2", row_group_rows=1)
    errors.write(error_row(1))
    assert len(list(spool.iterdir())) == 1
    errors.abort()
    assert list(spool.iterdir()) == [] and dataset.files("errors") == []
    assert len(bucket.objects()) == 3


def test_failed_upload_is_a_storage_error_and_publishes_nothing(
    s3_endpoint: str, bucket: Bucket, tmp_path: Path
) -> None:
    gone = f"gone-{uuid.uuid4().hex[:12]}"
    dataset = open_dataset(
        f"s3://{gone}/prefix?endpoint_override={s3_endpoint}&scheme=http", tmp_path
    )
    writer = TableWriter(dataset, "articles", "c1", row_group_rows=1)
    writer.write(article(1))
    with pytest.raises(StorageError) as failed:
        writer.commit()
    assert str(failed.value).startswith(
        f"cannot upload s3://{gone}/prefix/articles/part-c1-00000.parquet: "
    )
    assert "The specified bucket does not exist" in str(failed.value)
    # The file stays in the spool until the writer is aborted (or the next run starts).
    assert len(list((tmp_path / "spool").iterdir())) == 1
    writer.abort()
    assert list((tmp_path / "spool").iterdir()) == []
    assert bucket.fs.get_file_info(gone).type == pafs.FileType.NotFound


def test_dead_writers_spool_files_are_removed_at_start(bucket: Bucket, tmp_path: Path) -> None:
    dataset = open_dataset(bucket.uri, tmp_path)
    spool = tmp_path / "spool"
    spool.mkdir()
    host = socket.gethostname()
    dead = spool / f".articles.part-c1-00000.parquet~{host}-4194305.tmp"  # above pid_max
    alive = spool / f".articles.part-c2-00000.parquet~{host}-{os.getpid()}.tmp"
    elsewhere = spool / ".articles.part-c3-00000.parquet~another-host-1.tmp"
    for f in (dead, alive, elsewhere):
        f.write_bytes(b"PAR1")
    dataset.open_for_writing()
    assert sorted(spool.iterdir()) == sorted([alive, elsewhere])


# -- DATA_DIR to dataset ---------------------------------------------------------------


def test_data_dir_paths_stay_local_and_uris_name_their_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(open_dataset("data"), LocalDataset)
    local = open_dataset(f"file://{tmp_path}/data")
    assert isinstance(local, LocalDataset) and local.root == tmp_path / "data"
    assert local.state_dir == tmp_path / "data" / "_state"

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    uri = "s3://KEY:SECRET@bucket/prefix?endpoint_override=127.0.0.1:9&scheme=http"
    remote = open_dataset(uri)
    assert str(remote) == "s3://bucket/prefix" and "SECRET" not in str(remote.state_dir)
    assert remote.state_dir.parent == tmp_path / "cache" / "listings"
    assert remote.state_dir == default_state_dir(uri.replace("KEY:SECRET@", ""))
    assert remote.state_dir != default_state_dir(uri.replace("/prefix", "/other"))
    assert open_dataset(uri, tmp_path / "mine").state_dir == tmp_path / "mine"
