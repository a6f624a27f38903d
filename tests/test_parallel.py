"""Extraction in worker processes: same output as in one process, and a bad page costs a row."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pebble import ProcessPool

from crawler.items import ArticlePage
from pipelines.process import Options, process_page
from pipelines.sites import GENERIC
from tests.conftest import fixture_dirs, read_meta, read_page
from tests.sitegen import build_site, posts
from tests.test_crawl_e2e import DEMO, crawl, table


def pages() -> list[ArticlePage]:
    found = [
        ArticlePage(
            read_meta(d)["url"],
            read_page(d),
            read_meta(d).get("content_type"),
            200,
            datetime(2026, 1, 12, tzinfo=UTC),
        )
        for d in fixture_dirs("articles")
    ]
    for path in sorted((DEMO / "posts").glob("*/index.html")):
        url = f"http://demo.listings.invalid/posts/{path.parent.name}/"
        found.append(
            ArticlePage(url, path.read_bytes(), "text/html", 200, datetime(2026, 1, 12, tzinfo=UTC))
        )
    return found


def test_pool_output_is_identical_to_inline() -> None:
    items = pages()
    inline = [asdict(process_page(p, GENERIC, Options())) for p in items]
    with ProcessPool(max_workers=2) as pool:
        futures = [pool.schedule(process_page, args=(p, GENERIC, Options())) for p in items]
        pooled = [asdict(f.result(timeout=60)) for f in futures]
    assert len(items) > 50
    assert pooled == inline


def test_hung_and_crashed_pages_become_error_rows(serve: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    items = posts(8)
    build_site(site, items, per_page=8)
    for bad in ("hang", "crash"):
        (site / "posts" / bad).mkdir()
        (site / "posts" / bad / "index.html").write_bytes(
            (site / "posts" / "post-0001" / "index.html").read_bytes()
        )
    index = site / "index.html"
    index.write_text(
        index.read_text("utf-8").replace(
            "<main>",
            '<main><article class="post"><h2 class="post-title"><a href="/posts/hang/">挂起</a></h2>'
            '<p class="post-excerpt">这一页的抽取会卡住。</p></article>'
            '<article class="post"><h2 class="post-title"><a href="/posts/crash/">崩溃</a></h2>'
            '<p class="post-excerpt">这一页的抽取会让进程退出。</p></article>',
            1,
        ),
        encoding="utf-8",
    )
    base, _ = serve(site)
    result = crawl(
        "-a",
        f"start_urls={base}",
        "-s",
        "LISTINGS_EXTRACTOR=tests.extractors.hang_or_crash",
        "-s",
        "LISTINGS_EXTRACT_WORKERS=2",
        "-s",
        "LISTINGS_EXTRACT_TIMEOUT=3",
        data_dir=data,
    )
    assert "Traceback" not in result.stderr
    errors = {e["url"].rsplit("/", 2)[-2]: e for e in table(data, "errors").to_pylist()}
    assert set(errors) == {"hang", "crash"}
    assert "longer than 3 s" in errors["hang"]["error"]
    assert errors["crash"]["stage"] == "extract" and "failed" in errors["crash"]["error"]
    # The pool recovered: every other article was extracted.
    assert table(data, "articles").num_rows == 8
