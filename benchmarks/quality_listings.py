"""Card and next-page quality of ``scrapy cards`` on the real listing pages of the shared corpus.

Truth is hand-labelled in ``tests/fixtures/shared_listings/*.json`` (see the README there); the
pages themselves are read from ``../shared/corpus/listings`` and never copied. For each page the
command runs once (``scrapy cards PAGE --url URL``) and is scored on:

- card recall and precision, matching URLs after normalisation (scheme and host case, http and
  https alike, default port, trailing slash, fragment, tracking parameters); a card's
  ``alt_urls`` (other links of the same card to the same document) match it too;
- title match on the matched cards (whitespace, quotes and case ignored; a title the site cut
  short with an ellipsis matches its full form, and any headline the truth lists for the card);
- published match on the matched cards whose truth shows a date (same calendar day);
- next page right (normalised equality, both null counts as right) and false next (a next page
  given where the truth has none).

Usage: ``python benchmarks/quality_listings.py [--page NAME] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# The shared scorer module sits beside this file, however this file is loaded.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorer import ROOT, SCRAPY, report, run_command

TRUTH_DIR = ROOT / "tests" / "fixtures" / "shared_listings"

# Query parameters that only track the click: the same story is linked with several values of
# them on one page (CNN's ``hpt``, WIRED's fragment-borne ``intcid``), so they are not identity.
_TRACKING = frozenset(
    {"fbclid", "gclid", "hpt", "iid", "xid", "intcid", "ref", "src", "guccounter", "guce_referrer"}
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ELLIPSIS = re.compile(r"(?:\.{2,}|…+)\s*$")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                         "\u00a0": " "})  # fmt: skip


# --- normalisation -------------------------------------------------------------------------


def norm_url(url: str | None) -> str | None:
    """The comparison form of a URL; None for anything that is not an http(s) address."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    if port and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in _TRACKING and not k.lower().startswith(_TRACKING_PREFIXES)
        )
    )
    # http and https name the same story on these sites; the scheme is not what is scored.
    return urlunsplit(("http", host, path, query, ""))


def norm_title(value: str | None) -> str:
    text = unicodedata.normalize("NFKC", value or "").translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().casefold()


def title_match(expected: list[str], got: str | None) -> bool:
    """True when ``got`` is one of the expected headlines, allowing for site truncation."""
    ours = norm_title(got)
    if not ours:
        return False
    ours_cut = _ELLIPSIS.sub("", ours).strip()
    for title in expected:
        want = norm_title(title)
        if not want:
            continue
        if ours == want:
            return True
        want_cut = _ELLIPSIS.sub("", want).strip()
        # One side was cut short with an ellipsis: the other must start with what is left.
        if want_cut != want and want_cut and ours_cut.startswith(want_cut):
            return True
        if ours_cut != ours and ours_cut and want_cut.startswith(ours_cut):
            return True
    return False


def date_match(expected: str, got: str | None) -> bool:
    return bool(got) and str(got)[:10] == expected[:10]


# --- truth and product ---------------------------------------------------------------------


def load_truth(names: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The truth files whose page exists; ``names`` filters on the file stem (substring)."""
    wanted = list(names or [])
    found = []
    for path in sorted(TRUTH_DIR.glob("*.json")):
        if wanted and not any(w in path.stem for w in wanted):
            continue
        truth = json.loads(path.read_text("utf-8"))
        truth["name"] = path.stem
        truth["page_path"] = (ROOT / truth["page"]).resolve()
        if truth["page_path"].exists():
            found.append(truth)
    return found


def run_cards(page: Path, url: str, timeout: int, project: Path = ROOT) -> dict[str, Any]:
    ran = run_command([str(SCRAPY), "cards", str(page), "--url", url], timeout, project)
    code, out, err = ran.code, ran.out, ran.err
    cards: list[dict[str, Any]] = []
    nexts: list[str] = []
    for line in out.splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(item, dict):
            continue
        if item.get("kind") == "card":
            cards.append(item)
        elif item.get("kind") == "next" and item.get("url"):
            nexts.append(item["url"])
    return {
        "exit": code,
        "stderr": err[-2000:],
        "cards": cards,
        "next": nexts[0] if nexts else None,
        "seconds": round(ran.seconds, 2),
    }


# --- scoring -------------------------------------------------------------------------------


def score_page(truth: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    expected: dict[str, dict[str, Any]] = {}
    aliases: dict[str, str] = {}
    for card in truth["cards"]:
        key = norm_url(card["url"])
        if key and key not in expected:
            expected[key] = card
            for alt in card.get("alt_urls", []):
                alias = norm_url(alt)
                if alias and alias not in aliases:
                    aliases[alias] = key
    ours: dict[str, dict[str, Any]] = {}
    for card in got["cards"]:
        key = norm_url(card.get("url"))
        # Another link of the same card (a download icon beside the title) stands for it.
        key = key if key in expected else aliases.get(key or "", key)
        if key and key not in ours:
            ours[key] = card
    matched = [k for k in ours if k in expected]
    titles_ok, dates_n, dates_ok = 0, 0, 0
    title_misses: list[dict[str, Any]] = []
    for key in matched:
        want = expected[key]
        headlines = [want.get("title") or "", *want.get("alt_titles", [])]
        if title_match(headlines, ours[key].get("title")):
            titles_ok += 1
        elif len(title_misses) < 5:
            title_misses.append({"url": want["url"], "want": want.get("title"),
                                 "got": ours[key].get("title")})  # fmt: skip
        if want.get("published"):
            dates_n += 1
            dates_ok += date_match(want["published"], ours[key].get("published"))
    want_next, our_next = norm_url(truth.get("next")), norm_url(got["next"])
    return {
        "name": truth["name"],
        "exit": got["exit"],
        "seconds": got["seconds"],
        "truth_cards": len(expected),
        "cards_given": len(ours),
        "matched": len(matched),
        "recall": len(matched) / len(expected) if expected else None,
        "precision": len(matched) / len(ours) if ours else None,
        "titles_ok": titles_ok,
        "dates_n": dates_n,
        "dates_ok": dates_ok,
        "next_truth": truth.get("next"),
        "next_given": got["next"],
        "next_right": want_next == our_next,
        "false_next": want_next is None and our_next is not None,
        "missed": [expected[k]["url"] for k in expected if k not in ours][:10],
        "extra": [ours[k].get("url") for k in ours if k not in expected][:10],
        "title_misses": title_misses,
        "stderr": got["stderr"] if got["exit"] else "",
    }


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Micro totals over all cards, plus the per-page mean of recall and precision."""
    truth = sum(r["truth_cards"] for r in rows)
    given = sum(r["cards_given"] for r in rows)
    matched = sum(r["matched"] for r in rows)
    recalls = [r["recall"] for r in rows if r["recall"] is not None]
    precisions = [r["precision"] if r["precision"] is not None else 0.0 for r in rows]
    return {
        "pages": len(rows),
        "failed_runs": sum(1 for r in rows if r["exit"] != 0),
        "truth_cards": truth,
        "cards_given": given,
        "matched": matched,
        "recall": _ratio(matched, truth),
        "precision": _ratio(matched, given),
        "recall_page_mean": sum(recalls) / len(recalls) if recalls else None,
        "precision_page_mean": sum(precisions) / len(precisions) if precisions else None,
        "title_accuracy": _ratio(sum(r["titles_ok"] for r in rows), matched),
        "date_accuracy": _ratio(sum(r["dates_ok"] for r in rows), sum(r["dates_n"] for r in rows)),
        "next_right": sum(1 for r in rows if r["next_right"]),
        "false_next": sum(1 for r in rows if r["false_next"]),
        "pages_with_next": sum(1 for r in rows if r["next_truth"]),
    }


def run(
    names: Iterable[str] | None = None,
    jobs: int = 2,
    timeout: int = 120,
    project: Path = ROOT,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Score every selected truth file; returns per-page rows and the overall summary."""
    truths = load_truth(names)
    if not truths:
        return {"pages": [], "overall": {}, "skipped": f"no truth with its page under {TRUTH_DIR}"}
    started = time.monotonic()

    def one(truth: dict[str, Any]) -> dict[str, Any]:
        return score_page(truth, run_cards(truth["page_path"], truth["url"], timeout, project))

    rows: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, 2))) as pool:
        for i, row in enumerate(pool.map(one, truths), 1):
            rows.append(row)
            if progress:
                progress(f"[{i}/{len(truths)}] {row['name']} exit={row['exit']}")
    return {
        "truth_dir": str(TRUTH_DIR),
        "command": "scrapy cards PAGE --url URL",
        "project": str(project),
        "wall_seconds": round(time.monotonic() - started, 1),
        "overall": summarise(rows),
        "pages": rows,
    }


# --- report --------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return f"{value * 100:5.1f}" if value is not None else "    -"


def _next_cell(row: dict[str, Any]) -> str:
    if row["next_right"]:
        return "ok" if row["next_truth"] else "ok(none)"
    return "FALSE" if row["false_next"] else ("missed" if row["next_given"] is None else "wrong")


def table(result: dict[str, Any]) -> str:
    head = (
        f"{'page':<46} {'truth':>5} {'given':>5} {'match':>5} {'recall':>6} {'prec':>6}"
        f" {'title':>6} {'date':>6}  {'next':<8} {'s':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in result["pages"]:
        mark = "" if r["exit"] == 0 else f" (exit {r['exit']})"
        lines.append(
            f"{(r['name'] + mark)[:46]:<46} {r['truth_cards']:>5} {r['cards_given']:>5}"
            f" {r['matched']:>5} {_pct(r['recall']):>6} {_pct(r['precision']):>6}"
            f" {_pct(_ratio(r['titles_ok'], r['matched'])):>6}"
            f" {_pct(_ratio(r['dates_ok'], r['dates_n'])):>6}  {_next_cell(r):<8}"
            f" {r['seconds']:>5.1f}"
        )
    s = result["overall"]
    lines.append("-" * len(head))
    lines.append(
        f"{'overall (all cards)':<46} {s['truth_cards']:>5} {s['cards_given']:>5}"
        f" {s['matched']:>5} {_pct(s['recall']):>6} {_pct(s['precision']):>6}"
        f" {_pct(s['title_accuracy']):>6} {_pct(s['date_accuracy']):>6}"
        f"  {s['next_right']}/{s['pages']} right, {s['false_next']} false"
    )
    lines.append(
        f"{'mean over pages':<46} {'':>5} {'':>5} {'':>5} {_pct(s['recall_page_mean']):>6}"
        f" {_pct(s['precision_page_mean']):>6}"
    )
    lines.append(
        "recall/prec/title/date in %; title over matched cards, date over matched cards whose"
        " truth shows one;\nnext: ok = right link, ok(none) = rightly none, missed = none given,"
        " wrong = other link, FALSE = given where there is none."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", action="append", help="only truth files containing this")
    parser.add_argument("--jobs", type=int, default=2, help="pages processed at once (max 2)")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per page")
    parser.add_argument("--json", type=Path, help="write the full result here")
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="run the command from this checkout"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-page progress")
    args = parser.parse_args(argv)
    result = run(
        names=args.page,
        jobs=args.jobs,
        timeout=args.timeout,
        project=args.project,
        progress=None if args.quiet else lambda m: print(m, file=sys.stderr, flush=True),
    )
    return report(result, table(result) if result["pages"] else "", args.json)


if __name__ == "__main__":
    sys.exit(main())
