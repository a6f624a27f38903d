"""How much detection leans on the words of a theme: the same pages, rewritten.

Every listing page of the theme corpus (``tests/corpus/themes/``) and every shared real
listing page (``../shared/corpus/listings``, truth in ``tests/fixtures/shared_listings/``) is
read as it is and after one of these rewrites, which keep what a reader sees:

- ``classes``: every class and id value becomes a meaningless token (the same token for the
  same word, so repeated structure stays repeated);
- ``tags``: the HTML5 sectioning elements (main, article, aside, nav, header, footer,
  section) become ``<div>``;
- ``both``: the two together, a page with structure and text only.

For each page, card recall and precision against the truth (theme pages: the posts' paths;
shared pages: the hand-written cards) and whether the next link stayed the same. The article
pages of the themes are extracted too (text F1 against the original page's text, title and
author kept).

    python benchmarks/robustness.py                 # all pages, all rewrites
    python benchmarks/robustness.py --rewrites classes --json /tmp/robust.json
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tarfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality_listings import norm_url
from quality_themes import token_f1
from scorer import ROOT

sys.path.insert(0, str(ROOT))
from pipelines.pages.article import ArticleRecord, extract_article
from pipelines.pages.html import parse_html
from pipelines.pages.listing import detect_cards, page_number_of

THEMES = ROOT / "tests" / "corpus" / "themes"
SHARED_TRUTH = ROOT / "tests" / "fixtures" / "shared_listings"
SECTIONING = {"main", "article", "aside", "nav", "header", "footer", "section"}


# --- rewrites ------------------------------------------------------------------------------


def _token(word: str) -> str:
    # Letters only: digits in a class mark a per-card name (post-12), which real themes'
    # structural classes rarely have.
    digest = hashlib.blake2b(word.encode(), digest_size=5).hexdigest()
    return "x" + digest.translate(str.maketrans("0123456789", "ghijklmnop"))


def meaningless_classes(tree: etree._Element) -> None:
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("class", "id"):
            value = el.get(attr)
            if value:
                el.set(attr, " ".join(_token(w) for w in value.split()))


def plain_sections(tree: etree._Element) -> None:
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag in SECTIONING:
            el.tag = "div"


def structure_only(tree: etree._Element) -> None:
    meaningless_classes(tree)
    plain_sections(tree)


REWRITES: dict[str, Callable[[etree._Element], None]] = {
    "none": lambda tree: None,
    "classes": meaningless_classes,
    "tags": plain_sections,
    "both": structure_only,
}


def rewritten(html: str, rewrite: str) -> etree._Element:
    tree = parse_html(html)
    REWRITES[rewrite](tree)
    return tree


# --- pages ---------------------------------------------------------------------------------


def theme_pages() -> Iterator[dict[str, Any]]:
    """Listing and article pages of each theme site, with their truth."""
    for truth_file in sorted(THEMES.glob("*/truth.json")):
        truth = json.loads(truth_file.read_text())
        base = truth["base_url"].rstrip("/")
        posts = {norm_url(base + p["path"]) for p in truth["posts"]}
        post_paths = {p["path"]: p for p in truth["posts"]}
        with tarfile.open(truth_file.parent / "site.tar.gz") as tar:
            for member in tar.getmembers():
                name = member.name.lstrip("./")
                if not name.endswith(".html"):
                    continue
                path = "/" + name
                page_dir = path[: -len("index.html")] if path.endswith("/index.html") else path
                start = truth.get("start_path", "/")
                listing = page_dir == start or (
                    page_dir.startswith(start.rstrip("/") + "/page/") and page_dir.count("/") <= 4
                )
                post = post_paths.get(page_dir) or post_paths.get(path)
                if not listing and not post:
                    continue
                html = tar.extractfile(member).read().decode("utf-8", "replace")  # type: ignore[union-attr]
                yield {
                    "site": truth_file.parent.name,
                    "url": base + page_dir,
                    "html": html,
                    "kind": "listing" if listing else "article",
                    "posts": posts,
                    "first": page_dir == start,
                }


def shared_pages() -> Iterator[dict[str, Any]]:
    for truth_file in sorted(SHARED_TRUTH.glob("*.json")):
        truth = json.loads(truth_file.read_text())
        page = (ROOT / truth["page"]).resolve()
        if not page.exists():
            continue
        with gzip.open(page) as f:
            html = f.read().decode("utf-8", "replace")
        cards = {norm_url(c["url"]) for c in truth["cards"]}
        alts = {norm_url(a) for c in truth["cards"] for a in c.get("alt_urls", [])}
        yield {
            "site": "shared/" + truth_file.stem,
            "url": truth["url"],
            "html": html,
            "kind": "listing",
            "posts": cards,
            "alts": alts,
            "truth_cards": len(cards),
        }


# --- scoring -------------------------------------------------------------------------------


def score_listing(
    page: dict[str, Any],
    rewrite: str,
    original: dict[str, Any] | None,
    seen: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    # ``seen``: the earlier pages' cards, which the crawl hands to the reading of later pages.
    listing = detect_cards(rewritten(page["html"], rewrite), page["url"], seen=seen)
    got = {norm_url(c.url) for c in listing.cards}
    known = page["posts"] | page.get("alts", set())
    if page["site"].startswith("shared/"):
        want = page["posts"]
    else:
        # A theme page's truth is what the page as written yields (all its posts are found).
        want = original["got"] if original else got & page["posts"]
    hits = len(got & known)
    return {
        "got": got,
        "recall": len(want & got) / len(want) if want else 1.0,
        "precision": hits / len(got) if got else 1.0,
        "next": listing.next_url,
        "cards": frozenset(c.url for c in listing.cards),
    }


def score_article(page: dict[str, Any], rewrite: str, original: Any) -> dict[str, Any]:
    record = extract_article(
        page["url"], etree.tostring(rewritten(page["html"], rewrite), encoding=str)
    )
    if not isinstance(record, ArticleRecord):
        return {"ok": False, "f1": 0.0, "title": False, "author": False, "record": None}
    base = original["record"] if original else record
    if base is None:
        return {"ok": True, "f1": 0.0, "title": False, "author": False, "record": record}
    return {
        "ok": True,
        "f1": token_f1(record.text, base.text),
        "title": record.title == base.title,
        "author": record.author == base.author,
        "record": record,
    }


def score_page(
    page: dict[str, Any],
    rewrite: str,
    original: Any,
    earlier: dict[tuple[str, str], frozenset[str]],
) -> dict[str, Any]:
    """One page under one rewrite; a theme's later listing pages are read knowing the cards
    of its earlier ones (``earlier``, filled as pages are scored in page order), as the
    crawl reads them."""
    if page["kind"] != "listing":
        return score_article(page, rewrite, original)
    key = (page["site"], rewrite)
    later = not page.get("first") and not page["site"].startswith("shared/")
    seen = earlier.get(key, frozenset()) if later else frozenset()
    result = score_listing(page, rewrite, original, seen)
    earlier[key] = seen | result["cards"]
    return result


def run(rewrites: list[str], shared: bool = True) -> dict[str, Any]:
    pages = list(theme_pages()) + (list(shared_pages()) if shared else [])
    # A site's listing pages in page order, as a crawl reads them.
    pages.sort(key=lambda p: (p["site"], not p.get("first"), page_number_of(p["url"]) or 0))
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    earlier: dict[tuple[str, str], frozenset[str]] = {}
    for page in pages:
        listing = page["kind"] == "listing"
        original = score_page(page, "none", None, earlier)
        group = rows.setdefault(page["site"], {})
        for rewrite in rewrites:
            result = original if rewrite == "none" else score_page(page, rewrite, original, earlier)
            if listing:
                result = {**result, "next_same": result["next"] == original["next"]}
            group.setdefault(f"{page['kind']}:{rewrite}", []).append(result)
    return summarise(rows, rewrites)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def summarise(rows: dict[str, Any], rewrites: list[str]) -> dict[str, Any]:
    sites = {}
    for site, groups in rows.items():
        out = {}
        for rewrite in rewrites:
            lst = groups.get(f"listing:{rewrite}", [])
            art = groups.get(f"article:{rewrite}", [])
            out[rewrite] = {
                "card_recall": _mean([r["recall"] for r in lst]),
                "card_precision": _mean([r["precision"] for r in lst]),
                "next_same": _mean([float(r["next_same"]) for r in lst]),
                "article_ok": _mean([float(r["ok"]) for r in art]),
                "text_f1": _mean([r["f1"] for r in art]),
                "title_same": _mean([float(r["title"]) for r in art]),
                "author_same": _mean([float(r["author"]) for r in art]),
            }
        sites[site] = out
    overall = {
        rewrite: {
            key: _mean([s[rewrite][key] for s in sites.values() if s[rewrite][key] is not None])
            for key in next(iter(sites.values()))[rewrite]
        }
        for rewrite in rewrites
    }
    return {"sites": sites, "overall": overall}


def table(report: dict[str, Any], rewrites: list[str]) -> str:
    keys = ["card_recall", "card_precision", "next_same", "article_ok", "text_f1", "title_same",
            "author_same"]  # fmt: skip
    lines = ["| site | rewrite | " + " | ".join(keys) + " |", "|---|---|" + "---|" * len(keys)]

    def cell(v: float | None) -> str:
        return "—" if v is None else f"{v:.2f}"

    for site, res in report["sites"].items():
        for rewrite in rewrites:
            if rewrite == "none":
                continue
            lines.append(
                f"| {site} | {rewrite} | " + " | ".join(cell(res[rewrite][k]) for k in keys) + " |"
            )
    for rewrite in rewrites:
        row = report["overall"][rewrite]
        lines.append(
            f"| **overall** | {rewrite} | " + " | ".join(cell(row[k]) for k in keys) + " |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rewrites", default="none,classes,tags,both")
    ap.add_argument("--no-shared", action="store_true", help="theme pages only")
    ap.add_argument("--json", help="write the report here")
    args = ap.parse_args()
    rewrites = args.rewrites.split(",")
    if "none" not in rewrites:
        rewrites.insert(0, "none")
    started = time.monotonic()
    report = run(rewrites, shared=not args.no_shared)
    print(table(report, rewrites))
    print(f"wall time {time.monotonic() - started:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
