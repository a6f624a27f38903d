"""Card detection on realistic listing layouts, scored per layout against expected cards.

The table of precision/recall and field accuracy is printed at the end of the run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipelines.pages.html import decode_html, parse_html
from pipelines.pages.listing import detect_cards
from tests.conftest import fixture_dirs, read_meta, read_page

LAYOUTS = fixture_dirs("listings")
SCORES: dict[str, dict[str, Any]] = {}
FIELDS = ("title", "published", "category", "excerpt")


def detect(folder: Path) -> tuple[list[dict[str, Any]], str | None]:
    meta = read_meta(folder)
    html, _ = decode_html(read_page(folder), meta.get("content_type"))
    listing = detect_cards(parse_html(html), meta["url"])
    return [c.to_json() for c in listing.cards], listing.next_url


def expected_of(folder: Path) -> tuple[list[dict[str, Any]], str | None]:
    lines = [
        json.loads(x)
        for x in (folder / "expected.jsonl").read_text("utf-8").splitlines()
        if x.strip()
    ]
    cards = [x for x in lines if x["kind"] == "card"]
    nxt = [x["url"] for x in lines if x["kind"] == "next"]
    return cards, (nxt[0] if nxt else None)


def score(folder: Path) -> dict[str, Any]:
    got, got_next = detect(folder)
    want, want_next = expected_of(folder)
    got_by_url = {c["url"]: c for c in got}
    want_urls = [c["url"] for c in want]
    matched = [c for c in want if c["url"] in got_by_url]
    result: dict[str, Any] = {
        "cards": len(want),
        "recall": len(matched) / len(want) if want else 1.0,
        "precision": (sum(1 for c in got if c["url"] in set(want_urls)) / len(got)) if got else 1.0,
        "next_ok": got_next == want_next,
        "order_ok": [c["url"] for c in got if c["url"] in set(want_urls)]
        == [c["url"] for c in matched],
        "wrong": [],
    }
    for f in FIELDS:
        ok = 0
        for c in matched:
            if got_by_url[c["url"]][f] == c[f]:
                ok += 1
            else:
                result["wrong"].append((f, c["url"], got_by_url[c["url"]][f], c[f]))
        result[f] = ok / len(matched) if matched else 1.0
    if not result["next_ok"]:
        result["wrong"].append(("next", "", got_next, want_next))
    result["extra"] = [c["url"] for c in got if c["url"] not in set(want_urls)]
    return result


def table() -> str:
    head = "| layout | cards | recall | precision | title | date | category | excerpt | next |"
    rows = [head, "|---|---|---|---|---|---|---|---|---|"]
    for name, s in sorted(SCORES.items()):
        rows.append(
            f"| {name} | {s['cards']} | {s['recall']:.0%} | {s['precision']:.0%} | {s['title']:.0%} "
            f"| {s['published']:.0%} | {s['category']:.0%} | {s['excerpt']:.0%} | {'ok' if s['next_ok'] else 'WRONG'} |"
        )
    return "\n".join(rows)


@pytest.mark.parametrize("folder", LAYOUTS, ids=[f.name for f in LAYOUTS])
def test_layout(folder: Path) -> None:
    s = score(folder)
    SCORES[folder.name] = s
    detail = "\n".join(f"  {w}" for w in s["wrong"][:12]) + (
        f"\n  extra: {s['extra']}" if s["extra"] else ""
    )
    assert s["recall"] >= 0.99, f"recall {s['recall']:.0%}\n{detail}"
    assert s["precision"] == 1.0, f"precision {s['precision']:.0%}\n{detail}"
    assert s["order_ok"], "cards out of page order"
    for f in ("title", "published", "category"):
        assert s[f] >= 0.98, f"{f} right on {s[f]:.0%} of cards\n{detail}"
    assert s["excerpt"] >= 0.98, f"excerpt right on {s['excerpt']:.0%} of cards\n{detail}"
    assert s["next_ok"], detail


def test_fixture_suite_is_broad() -> None:
    assert len(LAYOUTS) >= 8
