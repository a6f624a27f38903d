"""The extraction pool in a real crawl: a hung or crashed page becomes an error row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.crawl import crawl, table
from tests.helpers.sitegen import build_site, posts


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
        "LISTINGS_EXTRACTOR=tests.helpers.extractors.hang_or_crash",
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
