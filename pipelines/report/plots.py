"""The report's plots: matplotlib figures rendered to inline SVG (text drawn as paths, so
the file needs no font, no script and no network to show them)."""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")  # no display: figures are only ever written to SVG

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pipelines.report.summary import FILL_FIELDS, DatasetSummary

PALETTE = [
    "#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951",
    "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0",
]  # fmt: skip
TOP_SITES = 8


def _svg(fig: Figure, name: str) -> str:
    buf = io.StringIO()
    # Ids unique per figure: several SVGs share one HTML document.
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": name}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{name}-{m.group(1)}"', svg)
    svg = re.sub(r'((?:xlink:)?href)="#', lambda m: f'{m.group(1)}="#{name}-', svg)
    return svg.replace("url(#", f"url(#{name}-")


def _figure(height: float = 3.4) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(9, height), dpi=96)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _nothing(ax: Axes, what: str) -> None:
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, color="#666")
    ax.set_xticks([])
    ax.set_yticks([])


def _top_sites(counts: Counter[str]) -> list[str]:
    return [s for s, _ in counts.most_common(TOP_SITES)]


def _stacked(
    ax: Axes, keys: list[str], pairs: Counter[tuple[str, str]], label: Callable[[str], str]
) -> None:
    """Bars per key, stacked by site (the largest sites, the rest as "other")."""
    by_site: Counter[str] = Counter()
    for (_, site), n in pairs.items():
        by_site[site] += n
    sites = _top_sites(by_site)
    bottom = [0] * len(keys)
    groups = [*sites, "other"] if len(by_site) > len(sites) else sites
    for i, site in enumerate(groups):
        values = [
            sum(
                n
                for (k2, s), n in pairs.items()
                if k2 == k and (s == site or (site == "other" and s not in sites))
            )
            for k in keys
        ]
        ax.bar(range(len(keys)), values, bottom=bottom, color=PALETTE[i % 10], label=site)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, math.ceil(len(keys) / 24))
    ax.set_xticks(
        range(0, len(keys), step), [label(k) for k in keys][::step], rotation=45, ha="right"
    )
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def articles_per_crawl(s: DatasetSummary) -> Figure:
    """Bars of new articles per crawl, stacked by site."""
    fig, ax = _figure()
    crawl_ids = [c.crawl_id for c in s.crawls]
    crawl_ids += sorted({c for c, _ in s.per_crawl_site} - set(crawl_ids))
    if not s.per_crawl_site:
        _nothing(ax, "no articles")
    else:
        _stacked(ax, crawl_ids, s.per_crawl_site, lambda c: c[:15])
        ax.set_ylabel("new articles")
    ax.set_title("New articles per crawl, by site", loc="left")
    return fig


def articles_per_month(s: DatasetSummary) -> Figure:
    """Bars of articles per publication month, stacked by site."""
    fig, ax = _figure()
    months = sorted({m for m, _ in s.per_month_site})
    if not months:
        _nothing(ax, "no article has a publication date")
    else:
        _stacked(ax, months, s.per_month_site, str)
        ax.set_ylabel("articles")
    undated = f" ({s.no_date} without a date)" if s.no_date else ""
    ax.set_title(f"Articles per publication month, by site{undated}", loc="left")
    return fig


def errors_by_stage(s: DatasetSummary) -> Figure:
    """Bars of the most common errors, by stage and HTTP status."""
    items = s.errors_by_stage.most_common(15)
    fig, ax = _figure(max(2.4, 0.35 * len(items) + 1.2))
    if not items:
        _nothing(ax, "no errors")
    else:
        labels = [f"{stage} · {status}" for (stage, status), _ in items][::-1]
        values = [n for _, n in items][::-1]
        colors = {"download": PALETTE[2], "extract": PALETTE[1], "store": PALETTE[6]}
        ax.barh(labels, values, color=[colors.get(lb.split(" · ")[0], PALETTE[9]) for lb in labels])
        ax.set_xlabel("errors")
        for y, v in enumerate(values):
            ax.text(v, y, f" {v}", va="center", fontsize=8)
    ax.set_title("Errors by stage and HTTP status", loc="left")
    return fig


def fill_rates(s: DatasetSummary) -> Figure:
    """A heat map of how often each field is filled, for the largest sites."""
    sites = sorted(
        (k for k, v in s.sites.items() if v.articles), key=lambda k: -s.sites[k].articles
    )
    sites = sites[:20]
    fig, ax = _figure(max(2.4, 0.4 * len(sites) + 1.4))
    if not sites:
        _nothing(ax, "no articles")
    else:
        grid = [[s.sites[k].filled[f] / s.sites[k].articles for f in FILL_FIELDS] for k in sites]
        ax.imshow(grid, cmap="Blues", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(FILL_FIELDS)), FILL_FIELDS)
        ax.set_yticks(range(len(sites)), sites)
        for y, row in enumerate(grid):
            for x, v in enumerate(row):
                ax.text(x, y, f"{v:.0%}", ha="center", va="center", fontsize=8,
                        color="white" if v > 0.6 else "black")  # fmt: skip
        ax.spines[["left", "bottom"]].set_visible(False)
    ax.set_title("Field fill rates per site (share of articles with a value)", loc="left")
    return fig


def languages(s: DatasetSummary) -> Figure:
    """Bars of the most common languages' shares of the articles."""
    items = s.langs.most_common(12)
    fig, ax = _figure(max(2.4, 0.35 * len(items) + 1.2))
    if not items:
        _nothing(ax, "no articles")
    else:
        total = sum(s.langs.values())
        labels = [lang for lang, _ in items][::-1]
        shares = [n / total for _, n in items][::-1]
        ax.barh(labels, shares, color=PALETTE[0])
        for y, v in enumerate(shares):
            ax.text(v, y, f" {v:.0%}", va="center", fontsize=8)
        ax.set_xlabel("share of articles")
    ax.set_title("Languages (langdetect codes)", loc="left")
    return fig


def text_lengths(s: DatasetSummary) -> Figure:
    """A histogram of main-text lengths on a log scale, the median marked."""
    fig, ax = _figure()
    lengths = [n for n in s.text_lengths if n > 0]
    if not lengths:
        _nothing(ax, "no articles")
    else:
        low, high = max(min(lengths), 1), max(lengths) + 1
        edges = [low * (high / low) ** (i / 30) for i in range(31)] if high > low else [low, high]
        ax.hist(lengths, bins=edges, color=PALETTE[3])
        ax.set_xscale("log")
        ax.set_xlabel("characters of main text")
        ax.set_ylabel("articles")
        median = sorted(lengths)[len(lengths) // 2]
        ax.axvline(median, color="#333", linestyle="--", linewidth=1)
        ax.text(median, ax.get_ylim()[1] * 0.95, f" median {median:,}", fontsize=8, va="top")
    ax.set_title("Text lengths", loc="left")
    return fig


def listing_depth(s: DatasetSummary) -> Figure:
    """Listing hits per page, and how long articles stay on page 1."""
    fig = Figure(figsize=(9, 3.4), dpi=96)
    left, right = fig.subplots(1, 2)
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    if not s.hits_by_page:
        _nothing(left, "no listing hits")
    else:
        pages = sorted(s.hits_by_page)
        left.bar(pages, [s.hits_by_page[p] for p in pages], color=PALETTE[4])
        left.set_xlabel("listing page (1 = first)")
        left.xaxis.set_major_locator(MaxNLocator(integer=True))
        left.set_ylabel("cards seen")
    left.set_title("Listing hits per page", loc="left")
    if not s.page_one_days or max(s.page_one_days) <= 0:
        _nothing(right, "no article seen on page 1 at two different times yet")
    else:
        right.hist(s.page_one_days, bins=20, color=PALETTE[7])
        right.set_xlabel("days between first and last sighting on page 1")
        right.set_ylabel("articles")
    right.set_title("How long articles stay on page 1", loc="left")
    fig.tight_layout()
    return fig


def crawl_history(s: DatasetSummary) -> Figure:
    """Each crawl's duration (failed ones marked) and its pages per second."""
    fig, ax = _figure()
    crawls = [c for c in s.crawls if c.started is not None]
    if not crawls:
        _nothing(ax, "no crawls")
    else:
        xs = range(len(crawls))
        colors = [PALETTE[2] if c.status == "failed" else PALETTE[0] for c in crawls]
        ax.bar(xs, [c.seconds / 60 for c in crawls], color=colors)
        ax.set_ylabel("duration (minutes)")
        rate = ax.twinx()
        rate.plot(xs, [c.pages_fetched / c.seconds if c.seconds else 0 for c in crawls],
                  color=PALETTE[1], marker="o")  # fmt: skip
        rate.set_ylabel("pages/s")
        rate.set_ylim(bottom=0)
        step = max(1, math.ceil(len(crawls) / 24))
        labels = [f"{c.started:%Y-%m-%d %H:%M}" for c in crawls]  # type: ignore[str-format]
        ax.set_xticks(list(xs)[::step], labels[::step], rotation=45, ha="right")
    ax.set_title("Crawls: duration (bars, red = failed) and pages/s (line)", loc="left")
    return fig


PLOTS: list[tuple[str, Callable[[DatasetSummary], Figure]]] = [
    ("articles-per-crawl", articles_per_crawl),
    ("articles-per-month", articles_per_month),
    ("errors", errors_by_stage),
    ("fill-rates", fill_rates),
    ("languages", languages),
    ("text-lengths", text_lengths),
    ("listing-depth", listing_depth),
    ("crawls", crawl_history),
]


def render_plots(s: DatasetSummary) -> list[tuple[str, str]]:
    """(name, inline SVG) of every plot."""
    return [(name, _svg(make(s), name)) for name, make in PLOTS]
