"""Per-site overrides: selectors for the site generic detection gets wrong."""

from __future__ import annotations

from pathlib import Path

from pipelines.pages.html import parse_html
from pipelines.pages.listing import detect_cards
from pipelines.pages.sites import build_site, load_sites
from tests.helpers.paths import ROOT

ODD_LISTING = """<html><body><div id="wall">
{cards}
</div><span id="more" data-next="/list-2.html">加载更多</span></body></html>"""
ODD_CARD = (
    '<div class="tile" data-url="/p/{i}.html" onclick="go(this)"><b>第{i}篇：一篇只能点开的文章</b>'
    "<i>2026/01/{i:02d}</i><em>随笔</em><span>这一篇的摘要写在这里，足够长的一段文字。</span></div>"
)
ARTICLE = (
    "<html><head><title>第{i}篇</title></head><body><h1>第{i}篇：一篇只能点开的文章</h1>"
    "<p>{body}</p><p>Subscribe to our newsletter</p></body></html>"
)
SITES = """
[sites.odd]
hosts = ["127.0.0.1"]
start_urls = ["{base}list-1.html"]
card = "div.tile"
link = "./@data-url"
title = "b"
date = "i"
category = "em"
excerpt = "span"
next_page = "//span[@id='more']/@data-next"
boilerplate = ["Subscribe to our newsletter"]
timezone = "+08:00"
"""


def build_odd_site(root: Path) -> None:
    root.mkdir()
    for page, ids in ((1, range(1, 4)), (2, range(4, 6))):
        cards = "\n".join(ODD_CARD.format(i=i) for i in ids)
        html = ODD_LISTING.format(cards=cards)
        if page == 2:
            html = html.replace('data-next="/list-2.html"', "")
        (root / f"list-{page}.html").write_text(html, encoding="utf-8")
    (root / "p").mkdir()
    body = "这是正文的内容，讲述了一个只能通过脚本打开的网站如何被抓取。" * 10
    for i in range(1, 6):
        (root / "p" / f"{i}.html").write_text(ARTICLE.format(i=i, body=body), encoding="utf-8")


def test_generic_detection_sees_nothing_and_the_override_sees_all(tmp_path: Path) -> None:
    build_odd_site(tmp_path / "s")
    tree = parse_html((tmp_path / "s" / "list-1.html").read_text("utf-8"))
    assert detect_cards(tree, "http://127.0.0.1/list-1.html").cards == []
    site = build_site(
        "odd",
        {
            "card": "div.tile",
            "link": "./@data-url",
            "title": "b",
            "date": "i",
            "category": "em",
            "timezone": "+08:00",
            "next_page": "//span[@id='more']/@data-next",
        },
    )
    listing = detect_cards(
        parse_html((tmp_path / "s" / "list-1.html").read_text("utf-8")),
        "http://127.0.0.1/list-1.html",
        site,
    )
    assert [c.url for c in listing.cards] == [f"http://127.0.0.1/p/{i}.html" for i in (1, 2, 3)]
    first = listing.cards[0]
    assert (first.title, first.category) == ("第1篇：一篇只能点开的文章", "随笔")
    assert (
        first.published is not None and first.published.isoformat() == "2025-12-31T16:00:00+00:00"
    )
    assert (
        first.excerpt == "这一篇的摘要写在这里，足够长的一段文字。"
    )  # generic excerpt inside the card
    assert listing.next_url == "http://127.0.0.1/list-2.html"


def test_shipped_config_is_valid() -> None:
    sites = load_sites(ROOT / "sites.toml")
    assert "demo" in sites
