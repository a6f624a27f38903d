"""End to end: real crawls through the command line, the dataset read back with pyarrow and DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.store.schema import METADATA_KEY, SCHEMA_VERSION, TABLES
from pipelines.text.clean import CODE_PLACEHOLDERS, DEFAULT_BOILERPLATE, FORMULA_PLACEHOLDERS
from tests.helpers.crawl import DEMO, MANIFEST, crawl, table

pytestmark = pytest.mark.skipif(MANIFEST is None, reason="demo site not built")


def check_dataset(data_dir: Path, base: str) -> None:
    assert MANIFEST is not None
    articles = table(data_dir, "articles")
    assert articles.schema.remove_metadata() == TABLES["articles"].remove_metadata()
    rows = articles.to_pylist()
    assert len(rows) == len(MANIFEST["articles"]) == 34
    assert len({r["url"] for r in rows}) == 34
    expected = {base.rstrip("/") + a["path"]: a for a in MANIFEST["articles"]}
    assert {r["url"] for r in rows} == set(expected)
    bad = DEFAULT_BOILERPLATE + CODE_PLACEHOLDERS + FORMULA_PLACEHOLDERS
    for r in rows:
        want = expected[r["url"]]
        assert r["title"] == want["title"], r["url"]
        assert r["author"] == want["author"], r["url"]
        assert r["category"] == want["category"], (r["url"], r["category"])
        assert r["code_blocks"] == want["code_blocks"], (r["url"], r["code_blocks"])
        assert r["formulas"] == want["formulas"], (r["url"], r["formulas"])
        assert r["lang"] == "zh-cn", (r["url"], r["lang"])
        assert r["published"] is not None and r["site"] == "127.0.0.1"
        assert r["excerpt"] and not r["excerpt"].endswith(("...", "…"))
        for token in bad:
            assert token not in r["text"] and token not in r["excerpt"], (r["url"], token)
        lines = r["text"].split("\n")
        for furniture in (
            "写得很清楚，感谢分享！",
            "请问有完整代码吗？",
            "分享到：",
            "© 2026 极客笔记",
            "热门文章",
        ):
            assert furniture not in r["text"], (r["url"], furniture)
        assert "相关文章" not in lines and "2 条评论" not in lines, r["url"]
        assert r["text"].startswith(r["excerpt"][:20]), r["url"]
    hits = table(data_dir, "listing_hits")
    assert hits.num_rows == sum(len(p["articles"]) for p in MANIFEST["listings"])
    assert hits.schema.remove_metadata() == TABLES["listing_hits"].remove_metadata()
    crawls = table(data_dir, "crawls").to_pylist()
    assert len(crawls) == 1 and crawls[0]["articles_new"] == 34
    assert crawls[0]["finish_reason"] == "finished"
    for f in (data_dir / "articles").glob("*.parquet"):
        meta = pq.read_schema(f).metadata
        assert meta[METADATA_KEY] == SCHEMA_VERSION.encode()
        assert pq.ParquetFile(f).metadata.row_group(0).column(0).compression == "ZSTD"
    con = duckdb.connect()
    glob = f"{data_dir}/articles/**/*.parquet"
    n, distinct, langs = con.execute(
        f"SELECT count(*), count(DISTINCT url), list(DISTINCT lang) FROM read_parquet('{glob}', hive_partitioning = 1)"
    ).fetchone()
    assert (n, distinct, langs) == (34, 34, ["zh-cn"])
    types = {
        row[0]: row[1]
        for row in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = 1)"
        ).fetchall()
    }
    assert types["published"] == "TIMESTAMP WITH TIME ZONE" and types["tags"] == "VARCHAR[]"
    assert types["code_blocks"] == "INTEGER" and types["lang_prob"] == "FLOAT"


def test_crawl_demo_over_http(serve: Any, tmp_path: Path) -> None:
    base, log = serve(DEMO)
    result = crawl("-a", f"start_urls={base}", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    check_dataset(tmp_path, base)
    article_gets = [p for p in log if p.startswith("/posts/")]
    assert len(article_gets) == len(set(article_gets)) == 34


def test_default_crawl_is_the_demo(tmp_path: Path) -> None:
    result = crawl(data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = table(tmp_path, "articles").to_pylist()
    assert len(rows) == 34 and all(r["site"] == "demo.listings.invalid" for r in rows)
    assert table(tmp_path, "errors").num_rows == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-a", "start_urls=ftp://example.com/"], "is not an http(s) URL"),
        (["-a", "start_urls=not-a-url"], "is not an http(s) URL"),
        (["-a", "site=nosuchsite"], "is not in"),
        (["-a", "colour=blue"], "unknown spider argument"),
        (["-s", "LISTINGS_EXTRACT_WORKERS=many"], "must be 'auto' or a whole number"),
    ],
)
def test_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    result = crawl(*args, data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "d" / "articles").exists()


def test_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = crawl(data_dir=blocker / "sub")
    assert result.returncode == 2 and "cannot be written" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_start_page_is_an_error_row(serve: Any, tmp_path: Path) -> None:
    base, _ = serve(DEMO)
    result = crawl("-a", f"start_urls={base}no/such/page/", data_dir=tmp_path)
    assert "Traceback" not in result.stderr
    errors = table(tmp_path, "errors").to_pylist()
    assert [(e["stage"], e["status"]) for e in errors] == [("download", 404)]
    assert table(tmp_path, "crawls").to_pylist()[0]["finish_reason"] == "finished"
    assert result.returncode == 1  # nothing could be crawled: a scheduler must see it
