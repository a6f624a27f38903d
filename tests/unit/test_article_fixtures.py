"""Article extraction on saved pages of many platforms, against the expected record beside each."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.model import Article, ArticlePage, PageError
from pipelines.pages.extract import extract_page
from pipelines.text.clean import CODE_PLACEHOLDERS, DEFAULT_BOILERPLATE, FORMULA_PLACEHOLDERS
from tests.conftest import fixture_dirs, read_meta, read_page

CASES = fixture_dirs("articles")


def run(folder: Path) -> Article | PageError:
    meta = read_meta(folder)
    page = ArticlePage(
        url=meta["url"],
        body=read_page(folder),
        content_type=meta.get("content_type"),
        status=200,
        fetched_at=datetime(2026, 1, 12, tzinfo=UTC),
    )
    return extract_page(page)


@pytest.mark.parametrize("folder", CASES, ids=[c.name for c in CASES])
def test_article_fixture(folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    result = run(folder)
    if not expected["is_article"]:
        assert isinstance(result, PageError), (
            f"{folder.name}: kept a non-article ({expected.get('reason')})"
        )
        assert result.stage == "extract"
        return
    assert isinstance(result, Article), f"{folder.name}: rejected: {getattr(result, 'error', '')}"
    published = result.published.isoformat() if result.published else None
    got = {
        "url": result.url,
        "title": result.title,
        "author": result.author,
        "published": published,
        "category": result.category,
        "tags": result.tags,
        "lang": result.lang,
        "code_blocks": result.code_blocks,
        "formulas": result.formulas,
    }
    wrong = {
        k: (got[k], expected[k])
        for k in got
        if k in expected
        and (sorted(got[k]) != sorted(expected[k]) if k == "tags" else got[k] != expected[k])
    }
    assert not wrong, f"{folder.name}: fields differ (got, expected): {wrong}"
    flat = " ".join(result.text.split())
    missing = [p for p in expected.get("text_must_contain", []) if " ".join(p.split()) not in flat]
    assert not missing, f"{folder.name}: text lost {missing}"
    leaked = [p for p in expected.get("text_must_not_contain", []) if p in result.text]
    assert not leaked, f"{folder.name}: boilerplate in text {leaked}"
    for token in CODE_PLACEHOLDERS + FORMULA_PLACEHOLDERS + DEFAULT_BOILERPLATE:
        assert token not in result.text
    start = expected.get("text_starts_with")
    if start:
        assert flat.startswith(" ".join(start.split())), f"{folder.name}: starts {flat[:60]!r}"
