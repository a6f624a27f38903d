"""The report as one HTML file: inline CSS, tables and SVG plots; no script, no network."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from pipelines.report.plots import render_plots
from pipelines.report.summary import FILL_FIELDS, DatasetSummary

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { margin-top: 1.6em; font-size: 1.2em; }
.meta { color: #555; } .failed { color: #b00020; font-weight: 600; }
table { border-collapse: collapse; margin: .6em 0; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
th { background: #f4f4f4; } figure { margin: 1.2em 0; } figure svg { max-width: 100%; height: auto; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; }
.card { background: #f4f6fb; border-radius: 6px; padding: .6em 1em; min-width: 8em; }
.card b { display: block; font-size: 1.5em; }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _table(
    header: list[str], rows: list[list[object]], text_cols: frozenset[int] = frozenset()
) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="text">{_e(c)}</td>' if i in text_cols else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sites(s: DatasetSummary) -> str:
    rows = []
    for site, r in sorted(s.sites.items(), key=lambda kv: (-kv[1].articles, kv[0])):
        fills = [f"{r.filled[f] / r.articles:.0%}" if r.articles else "–" for f in FILL_FIELDS]
        rows.append([site, r.articles, r.duplicates, r.hits, r.max_page or "–", r.errors, *fills])
    header = ["site", "articles", "near-duplicates", "listing hits", "deepest page", "errors"]
    return _table([*header, *FILL_FIELDS], rows) if rows else "<p>No site yet.</p>"


def _crawls(s: DatasetSummary) -> str:
    rows = [
        [
            c.crawl_id,
            f"{c.started:%Y-%m-%d %H:%M}" if c.started else "",
            f"{c.seconds / 60:.1f} min",
            c.pages_fetched,
            f"{c.pages_fetched / c.seconds:.1f}" if c.seconds else "–",
            c.articles_new,
            c.errors,
            c.finish_reason,
            c.status or "–",
        ]
        for c in s.crawls[-50:]
    ]
    header = ["crawl", "started (UTC)", "duration", "pages", "pages/s", "new articles",
              "errors", "finish reason", "status"]  # fmt: skip
    return _table(header, rows, frozenset({0, 7, 8})) if rows else "<p>No crawl recorded.</p>"


def _failures(s: DatasetSummary) -> str:
    failed = [c for c in s.crawls if c.status == "failed"]
    if not failed:
        return "<p>No failed crawl.</p>"
    items = "".join(
        f'<li><span class="failed">{_e(c.crawl_id)}</span>: {_e(c.failure)}</li>' for c in failed
    )
    return f"<ul>{items}</ul>"


def _reasons(s: DatasetSummary) -> str:
    rows = [[stage, n, reason] for (stage, reason), n in s.error_reasons.most_common(15)]
    return _table(["stage", "errors", "reason"], rows, frozenset({0, 2})) if rows else ""


def render_report(s: DatasetSummary, source: str) -> str:
    """The whole report as one HTML document."""
    now = datetime.now(UTC)
    plots = dict(render_plots(s))
    cards = [
        ("articles", s.articles),
        ("sites", sum(1 for r in s.sites.values() if r.articles or r.hits)),
        ("crawls", len(s.crawls)),
        ("failed crawls", sum(c.status == "failed" for c in s.crawls)),
        ("listing hits", sum(r.hits for r in s.sites.values())),
        ("errors", s.errors),
    ]
    cards_html = "".join(f'<div class="card"><b>{n:,}</b>{_e(label)}</div>' for label, n in cards)

    def fig(name: str) -> str:
        return f'<figure class="plot" id="plot-{name}">{plots[name]}</figure>'

    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>listings report: {_e(source)}</title><style>{CSS}</style></head>
<body>
<h1>What the dataset holds</h1>
<p class="meta">{_e(source)} · {_e(s.scope)} · made {now:%Y-%m-%d %H:%M} UTC</p>
<div class="cards">{cards_html}</div>
<h2>Sites</h2>
{_sites(s)}
<h2>Articles</h2>
{fig("articles-per-crawl")}
{fig("articles-per-month")}
<h2>Content</h2>
{fig("fill-rates")}
{fig("languages")}
{fig("text-lengths")}
<h2>Listings</h2>
{fig("listing-depth")}
<h2>Errors</h2>
{fig("errors")}
{_reasons(s)}
<h2>Crawls</h2>
{fig("crawls")}
{_crawls(s)}
<h2>Failures</h2>
{_failures(s)}
</body></html>
"""
