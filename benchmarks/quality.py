"""The quality report: real themes, real listing pages and (optionally) real article pages.

    python benchmarks/quality.py                      # themes + the 12 shared listing pages
    python benchmarks/quality.py --articles           # + the 674 real article pages (~10+ min)
    python benchmarks/quality.py --json /tmp/quality.json

Three scorers, each running the product as a user would:

- themes (``quality_themes.py``): every site of ``tests/corpus/themes/`` served on 127.0.0.1
  and crawled with ``scrapy crawl listings``; article recall and precision, title, date,
  author, category and tags (each only where the theme shows it), body token F1, leaked
  furniture lines per article, share of articles with the right code and formula counts;
- listings (``quality_listings.py``): ``scrapy cards PAGE --url URL`` on the shared real
  listing pages against ``tests/fixtures/shared_listings/``; card recall and precision,
  titles, dates, next link right and false next;
- articles (``quality_articles.py``, with ``--articles``): ``scrapy article`` on the shared
  real article pages; text F1 against the expected text, title, author and date, pages
  rejected (and why), plain trafilatura's text F1 on the same pages unless ``--no-trafilatura``.

Tables are Markdown, ready for BENCHMARKS.md. Pages absent from ``../shared/corpus`` are
skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


quality_themes = _load("quality_themes")
quality_listings = _load("quality_listings")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}"


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def listings_table(result: dict[str, Any]) -> str:
    """One row per shared listing page plus the overall (micro) row, in Markdown."""
    head = ["page", "truth", "given", "recall %", "precision %", "title %", "date %", "next"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in result["pages"]:
        cells = [
            r["name"],
            str(r["truth_cards"]),
            str(r["cards_given"]),
            _pct(r["recall"]),
            _pct(r["precision"]),
            _pct(_ratio(r["titles_ok"], r["matched"])),
            _pct(_ratio(r["dates_ok"], r["dates_n"])),
            quality_listings._next_cell(r),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    s = result["overall"]
    with_next = s["pages_with_next"]
    without = s["pages"] - with_next
    lines.append(
        "| **overall** | "
        + " | ".join(
            [
                str(s["truth_cards"]),
                str(s["cards_given"]),
                _pct(s["recall"]),
                _pct(s["precision"]),
                _pct(s["title_accuracy"]),
                _pct(s["date_accuracy"]),
                f"{s['next_right']}/{s['pages']} right, {s['false_next']}/{without} false",
            ]
        )
        + " |"
    )
    return "\n".join(lines)


def articles_table(result: dict[str, Any]) -> str:
    """One row per source plus the overall row (real pages), in Markdown."""
    head = ["source", "pages", "ok", "listing", "text F1", "trafilatura F1", "title %"]
    head += ["author %", "date %"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(name: str, s: dict[str, Any]) -> str:
        listing = sum(n for k, n in s["failures"].items() if "listing" in k)

        def rate(key: str) -> str:
            return _pct(s[key]["rate"]) + f" ({s[key]['n']})" if s[key]["n"] else "—"

        f1 = s["text_score"]
        traf = s["text_score_trafilatura"]
        cells = [name, str(s["pages"]), str(s["ok"]), str(listing)]
        cells += ["—" if f1 is None else f"{f1:.3f}", "—" if traf is None else f"{traf:.3f}"]
        cells += [rate("title"), rate("author"), rate("published")]
        return "| " + " | ".join(cells) + " |"

    for name, s in result["groups"].items():
        lines.append(row(name, s))
    lines.append(row("**overall (real)**", result["overall"]))
    return "\n".join(lines)


def run(
    *,
    articles: bool = False,
    trafilatura: bool = True,
    only: list[str] | None = None,
    project: Path = ROOT,
    progress: bool = True,
) -> dict[str, Any]:
    started = time.monotonic()
    say = (lambda m: print(m, file=sys.stderr, flush=True)) if progress else None
    report: dict[str, Any] = {"created": datetime.now(UTC).isoformat(timespec="seconds")}
    report["themes"] = quality_themes.run(only=only, progress=progress, project=project)
    report["listings"] = quality_listings.run(project=project, progress=say)
    if articles:
        quality_articles = _load("quality_articles")
        report["articles"] = quality_articles.run(
            with_trafilatura=trafilatura, project=project, progress=say
        )
    report["wall_seconds"] = round(time.monotonic() - started, 1)
    return report


def render(report: dict[str, Any]) -> str:
    parts = [
        "### Real themes (article recall/precision, fields, body F1, leaked lines, code, formulas)",
        "",
        quality_themes.table(report["themes"]),
        "",
        "(leaked = mean furniture lines per matched article; — = not shown by the theme;"
        " overall = mean over sites)",
        "",
        "### Shared real listing pages (cards and next link)",
        "",
    ]
    if report["listings"].get("pages"):
        parts.append(listings_table(report["listings"]))
    else:
        parts.append(f"skipped: {report['listings'].get('skipped')}")
    if "articles" in report:
        parts += ["", "### Shared real article pages (`scrapy article`)", ""]
        if report["articles"].get("pages"):
            parts.append(articles_table(report["articles"]))
        else:
            parts.append(f"skipped: {report['articles'].get('skipped')}")
    parts += ["", f"wall time {report['wall_seconds']} s"]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", action="store_true", help="also the real article pages")
    ap.add_argument("--no-trafilatura", action="store_true", help="skip plain trafilatura")
    ap.add_argument("--only", default="", help="comma-separated theme sites")
    ap.add_argument("--project", type=Path, default=ROOT, help="project checkout to run")
    ap.add_argument("--json", type=Path, help="write the full report here")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()] or None
    report = run(
        articles=args.articles,
        trafilatura=not args.no_trafilatura,
        only=only,
        project=args.project,
        progress=not args.quiet,
    )
    print(render(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n", "utf-8"
        )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
