"""Cards and next page on the real listing pages of the shared corpus, against hand-written truth.

The pages are read from ``../shared/corpus/listings`` (never copied here); a page that is absent
is skipped. Scoring is ``benchmarks/quality_listings.py``'s, on ``detect_cards`` called in-process
exactly as ``scrapy cards PAGE --url URL`` calls it. The floors are what the detector achieves
today, so a regression fails.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipelines.model import FetchedPage
from pipelines.pages.html import parse_page
from pipelines.pages.listing import detect_cards
from pipelines.text.clean import DEFAULT_BOILERPLATE

ROOT = Path(__file__).resolve().parents[2]
TRUTH = sorted((ROOT / "tests" / "fixtures" / "shared_listings").glob("*.json"))
_spec = importlib.util.spec_from_file_location(
    "quality_listings", ROOT / "benchmarks" / "quality_listings.py"
)
assert _spec and _spec.loader
quality = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(quality)

# name -> (recall floor, precision floor)
FLOORS = {
    "gerapyautoextractor__dfa66_announcement": (1.0, 1.0),
    "gerapyautoextractor__hrfund_announcement": (1.0, 1.0),
    "gerapyautoextractor__hsqhfunds_announcement": (1.0, 1.0),
    "gerapyautoextractor__netease_international_news": (0.97, 1.0),
    "gerapyautoextractor__netease_leaderboard_news": (0.99, 1.0),
    "gerapyautoextractor__netease_rolling_news": (1.0, 1.0),
    "gerapyautoextractor__rtfund_xxpl": (1.0, 1.0),
    "gerapyautoextractor__tencent_important_news": (1.0, 1.0),
    "gerapyautoextractor__zhihu_search_result": (1.0, 1.0),
    "newspaper4k__wired_main_site": (0.94, 1.0),
    "newspaper__cnn_main_site": (0.98, 0.99),
    "newspaper__yahoo_main_site": (0.68, 1.0),
}
OVERALL_RECALL, OVERALL_PRECISION = 0.98, 0.99
RESULTS: dict[str, dict[str, Any]] = {}


def run(path: Path) -> dict[str, Any]:
    truth = json.loads(path.read_text("utf-8"))
    truth["name"] = path.stem
    page = (ROOT / truth["page"]).resolve()
    if not page.exists():
        pytest.skip(f"shared corpus page absent: {truth['page']}")
    body = gzip.decompress(page.read_bytes()) if page.suffix == ".gz" else page.read_bytes()
    tree = parse_page(FetchedPage(truth["url"], body, None, 200, datetime.now(UTC)))
    listing = detect_cards(tree, truth["url"], boilerplate=DEFAULT_BOILERPLATE)
    got = {
        "exit": 0,
        "stderr": "",
        "seconds": 0.0,
        "cards": [c.to_json() for c in listing.cards],
        "next": listing.next_url,
    }
    row = quality.score_page(truth, got)
    RESULTS[path.stem] = row
    return row


@pytest.mark.parametrize("path", TRUTH, ids=[p.stem for p in TRUTH])
def test_shared_listing_page(path: Path) -> None:
    row = run(path)
    recall_floor, precision_floor = FLOORS.get(path.stem, (0.95, 0.95))
    detail = f"missed {row['missed'][:3]}, extra {row['extra'][:3]}"
    assert (row["recall"] or 0.0) >= recall_floor, f"recall {row['recall']:.2f}; {detail}"
    assert (row["precision"] or 0.0) >= precision_floor, f"precision {row['precision']}; {detail}"
    assert row["next_right"], f"next {row['next_given']!r}, want {row['next_truth']!r}"


def test_shared_listings_overall() -> None:
    rows = [RESULTS.get(p.stem) or run(p) for p in TRUTH]
    total = quality.summarise(rows)
    assert total["recall"] >= OVERALL_RECALL
    assert total["precision"] >= OVERALL_PRECISION
    assert total["false_next"] == 0
    assert total["next_right"] == total["pages"]
