"""Extraction in worker processes: same output as in one process, and a bad page costs a row."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from pebble import ProcessPool

from pipelines.model import ArticlePage
from pipelines.pages.extract import ExtractOptions, extract_page
from pipelines.pages.sites import GENERIC
from tests.conftest import fixture_dirs, read_meta, read_page
from tests.helpers.crawl import DEMO


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
    inline = [asdict(extract_page(p, GENERIC, ExtractOptions())) for p in items]
    with ProcessPool(max_workers=2) as pool:
        futures = [pool.schedule(extract_page, args=(p, GENERIC, ExtractOptions())) for p in items]
        pooled = [asdict(f.result(timeout=60)) for f in futures]
    assert len(items) > 50
    assert pooled == inline
