"""Every table loads, with its columns, in every reader an analyst uses: even with no rows
(a clean run's errors/), and only the live files through ``DATA_DIR/*/*.parquet``."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipelines.store.schema import TABLES
from tests.helpers.crawl import crawl, table
from tests.helpers.sitegen import build_site, posts


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: Any) -> Path:
    import functools
    import http.server
    import threading

    tmp = tmp_path_factory.mktemp("readers")
    site, data = tmp / "site", tmp / "data"
    build_site(site, posts(6), per_page=3)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = crawl(
            "-a", f"start_urls=http://127.0.0.1:{server.server_address[1]}/", data_dir=data
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr[-2000:]
    assert table(data, "errors").num_rows == 0
    return data


def test_pandas_and_pyarrow(clean_run: Path) -> None:
    import pandas as pd
    import pyarrow.dataset as ds

    errors = pd.read_parquet(clean_run / "errors")
    assert list(errors.columns) == TABLES["errors"].names and len(errors) == 0
    assert errors.groupby("stage").size().empty
    for name, schema in TABLES.items():
        loaded = ds.dataset(clean_run / name, format="parquet", partitioning="hive").schema
        assert loaded.names == schema.names, name


def test_duckdb_readme_query(clean_run: Path) -> None:
    import duckdb

    rows = duckdb.sql(
        f"SELECT stage, error, count(*) FROM read_parquet('{clean_run}/errors/**/*.parquet') "
        "GROUP BY ALL"
    ).fetchall()
    assert rows == []
    columns = duckdb.sql(f"SELECT * FROM read_parquet('{clean_run}/errors/*.parquet')").columns
    assert columns == TABLES["errors"].names


def test_polars(clean_run: Path) -> None:
    import polars as pl

    errors = pl.scan_parquet(f"{clean_run}/errors/**/*.parquet", hive_partitioning=True).collect()
    assert errors.columns == TABLES["errors"].names and errors.height == 0
    assert pl.read_parquet(clean_run / "articles").height == 6


def test_globs_see_only_live_files(clean_run: Path) -> None:
    import duckdb

    expected = sum(table(clean_run, name).num_rows for name in TABLES)
    for glob in ("*/*.parquet", "*/part-*.parquet"):
        got = duckdb.sql(
            f"SELECT count(*) FROM read_parquet('{clean_run}/{glob}', union_by_name = 1)"
        ).fetchall()[0][0]
        assert got == expected, glob
    assert not [p for p in clean_run.glob("*/*.parquet") if "_generations" in p.parts]


@pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="pyspark or java not installed",
)
def test_spark(clean_run: Path) -> None:
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    try:
        errors = spark.read.parquet(str(clean_run / "errors"))
        assert errors.columns == TABLES["errors"].names and errors.count() == 0
        assert spark.read.parquet(str(clean_run / "articles")).count() == 6
        assert spark.read.parquet(str(clean_run / "listing_hits")).count() == 6
    finally:
        spark.stop()
