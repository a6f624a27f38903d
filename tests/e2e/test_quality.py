"""Quality bars on real themes and real listing pages: a regression in detection fails here.

Runs ``benchmarks/quality_themes.py`` (the real crawl of every site in tests/corpus/themes/
over loopback) and ``benchmarks/quality_listings.py`` (``scrapy cards`` on the 12 shared real
listing pages, skipped when ../shared/corpus is absent) side by side. The bars are the figures
measured on this tree (BENCHMARKS.md, "Quality") minus a small margin: per site, article
recall and precision must not drop; overall, each field's mean may drop by at most 0.02.
"""

from __future__ import annotations

import importlib.util
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


# Overall (mean over sites) floors, measured on 2026-12-02 over 24 sites (BENCHMARKS.md,
# "Quality") minus 0.02: recall, precision, title, date, author, category, tags, code and
# formulas 1.00 (ABlog with Furo dated through the feed it does not link), body F1 0.97.
# Leaked lines (measured 0.0) is a ceiling.
THEME_FLOORS = {
    "recall": 0.98,
    "precision": 0.98,
    "title": 0.98,
    "date": 0.98,
    "author": 0.98,
    "category": 0.98,
    "tags": 0.98,
    "body_f1": 0.95,
    "code": 0.98,
    "formulas": 0.98,
}
THEME_LEAKED_CEILING = 0.2
# Per site: every post found, nothing but posts.
SITE_RECALL, SITE_PRECISION = 0.99, 1.0
# Shared listing pages, micro over all cards: measured 0.981 / 0.998, 12/12 next right.
CARD_RECALL, CARD_PRECISION = 0.97, 0.98
NEXT_RIGHT_SHARE, FALSE_NEXT_MAX = 0.95, 0


@pytest.fixture(scope="module")
def reports() -> dict[str, Any]:
    themes, listings = _load("quality_themes"), _load("quality_listings")
    with ThreadPoolExecutor(max_workers=2) as pool:
        t = pool.submit(themes.run, timeout=150)
        lst = pool.submit(listings.run, jobs=1, timeout=90)
        return {"themes": t.result(), "listings": lst.result()}


def test_every_theme_site_is_crawled_whole(reports: dict[str, Any]) -> None:
    sites = reports["themes"]["sites"]
    assert len(sites) >= 18
    bad = [
        (s["site"], round(s["recall"], 3), round(s["precision"], 3), s.get("missing", [])[:3])
        for s in sites
        if s["crawl_exit"] != 0 or s["recall"] < SITE_RECALL or s["precision"] < SITE_PRECISION
    ]
    assert not bad, bad


def test_theme_fields_stay_above_their_bars(reports: dict[str, Any]) -> None:
    overall = reports["themes"]["overall"]
    low = {
        m: round(overall[m], 3)
        for m, floor in THEME_FLOORS.items()
        if overall.get(m) is not None and overall[m] < floor
    }
    assert not low, f"below the bars {THEME_FLOORS}: {low}"
    assert (overall.get("leaked") or 0.0) <= THEME_LEAKED_CEILING


def test_shared_listing_pages_stay_above_their_bars(reports: dict[str, Any]) -> None:
    result = reports["listings"]
    if not result.get("pages"):
        pytest.skip(result.get("skipped", "no shared listing pages"))
    s = result["overall"]
    assert s["failed_runs"] == 0
    assert s["recall"] >= CARD_RECALL, s
    assert s["precision"] >= CARD_PRECISION, s
    assert s["next_right"] >= NEXT_RIGHT_SHARE * s["pages"], s
    assert s["false_next"] <= FALSE_NEXT_MAX, s
