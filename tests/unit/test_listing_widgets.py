"""The post list, however plain, beats the widgets around it (synthetic pages)."""

from __future__ import annotations

import pytest

from pipelines.pages.html import parse_html
from pipelines.pages.listing import detect_cards

URL = "https://blog.example/"
POSTS = [f"/2026/01/{d:02d}/post-{d}/" for d in range(1, 9)]
OLD = [f"/2024/05/{d:02d}/old-{d}/" for d in range(1, 11)]


def plain_list() -> str:
    """A bare list in <main>: a link, a date and a paragraph per item, no classes at all."""
    items = "".join(
        f'<li><a href="{p}">Plain post title number {i}</a> 2026-01-{i + 1:02d}'
        f"<p>The excerpt of post {i}, a sentence or two that says what the post is about.</p></li>"
        for i, p in enumerate(POSTS)
    )
    return f"<main><ul>{items}</ul></main>"


def links(urls: list[str], label: str = "Widget post") -> str:
    return "".join(f'<li><a href="{u}">{label} {i}</a></li>' for i, u in enumerate(urls))


WIDGETS = {
    "hot posts": f'<div class="hot-posts"><h3>Hot</h3><ul>{links(OLD)}</ul></div>',
    "recent posts": f'<div class="recent-posts"><h3>Recent</h3><ul>{links(POSTS[:5])}</ul></div>',
    "related": f'<div class="related"><h3>Related</h3><ul>{links(OLD)}</ul></div>',
    "sidebar toc of every post": f"<aside><ul>{links(POSTS + OLD, 'Every post')}</ul></aside>",
    "archives": '<aside class="widget"><ul>'
    + "".join(f'<li><a href="/2025/{m:02d}/">2025-{m:02d}</a></li>' for m in range(1, 13))
    + "</ul></aside>",
    "tag cloud": '<div class="tagcloud">'
    + "".join(f'<a href="/tag/t{i}/">t{i}</a>' for i in range(20))
    + "</div>",
    "blogroll": '<div class="widget blogroll"><ul>'
    + "".join(f'<li><a href="https://friend{i}.example/">Friend {i}</a></li>' for i in range(12))
    + "</ul></div>",
}


@pytest.mark.parametrize("widget", list(WIDGETS))
@pytest.mark.parametrize("place", ["before", "after"])
def test_plain_post_list_beats_widget(widget: str, place: str) -> None:
    side = f'<div class="sidebar">{WIDGETS[widget]}</div>'
    body = side + plain_list() if place == "before" else plain_list() + side
    listing = detect_cards(parse_html(f"<html><body>{body}</body></html>"), URL)
    assert [c.url for c in listing.cards] == [URL.rstrip("/") + p for p in POSTS]
    assert listing.cards[0].title == "Plain post title number 0"


def test_menu_listing_every_post_does_not_hide_the_posts() -> None:
    """A docs theme's navigation links every post; the post list is still the listing."""
    nav = f'<nav class="md-nav"><ul>{links(POSTS, "Nav")}</ul></nav>'
    cards = "".join(
        f'<article><h2><a href="{p}">Post {i}</a></h2><p>Excerpt of post {i}, long enough.</p>'
        "</article>"
        for i, p in enumerate(POSTS)
    )
    listing = detect_cards(parse_html(f"<html><body>{nav}<main>{cards}</main></body></html>"), URL)
    assert len(listing.cards) == len(POSTS)


def test_main_list_named_recent_posts_is_the_listing() -> None:
    """Themes call their main list "recent-posts"; inside <main> that is the content."""
    cards = "".join(
        f'<div class="recent-post-item"><a class="title" href="{p}">Post {i}</a>'
        f"<span>2026-01-0{i + 1}</span><p>Excerpt of post {i}, long enough to count.</p></div>"
        for i, p in enumerate(POSTS[:3])
    )
    side = f'<aside><div class="recent">{links(POSTS[3:], "Side")}</div></aside>'
    html = f'<html><body><main><div id="recent-posts">{cards}</div></main>{side}</body></html>'
    listing = detect_cards(parse_html(html), URL)
    assert [c.url for c in listing.cards] == [URL.rstrip("/") + p for p in POSTS[:3]]


def test_an_action_link_beside_each_card_is_not_a_card() -> None:
    rows = "".join(
        f'<div class="row"><a href="{p}">Announcement number {i}</a>'
        f'<span><a class="icon" href="/download/{i}"></a><span>2026-01-0{i + 1}</span></span></div>'
        for i, p in enumerate(POSTS)
    )
    listing = detect_cards(parse_html(f"<html><body><div>{rows}</div></body></html>"), URL)
    assert [c.title for c in listing.cards] == [f"Announcement number {i}" for i in range(8)]


def test_sections_on_sibling_hosts_are_the_same_publisher() -> None:
    items = "".join(
        f'<li><h3><a href="https://{h}.examplenews.co.uk/2026/01/0{i}/s{i}.html">Story {i}</a></h3></li>'
        for i, h in enumerate(["www", "money", "sport", "www"], start=1)
    )
    html = f"<html><body><main><ul>{items}</ul></main></body></html>"
    listing = detect_cards(parse_html(html), "https://www.examplenews.co.uk/")
    assert len(listing.cards) == 4


def test_hosting_platform_neighbours_are_other_sites() -> None:
    items = "".join(
        f'<li><h3><a href="https://other{i}.github.io/post-{i}/">Their post {i}</a></h3></li>'
        for i in range(4)
    )
    html = f"<html><body><main><ul>{items}</ul></main></body></html>"
    assert detect_cards(parse_html(html), "https://me.github.io/").cards == []


def _module(name: str, stories: list[str]) -> str:
    items = "".join(
        f'<li><h3><a href="{u}">Headline of the story about {u.split("/")[-2]} today</a></h3></li>'
        for u in stories
    )
    return f'<div class="{name}"><h2>{name.title()}</h2><ul class="{name}-list">{items}</ul></div>'


def test_news_front_takes_every_module_of_headlines() -> None:
    """A news front spreads its stories over modules of undated headline links."""
    stories = [f"/2026/01/11/world/story-{i}/" for i in range(20)]
    modules = [stories[:8], stories[8:12], stories[12:16], stories[16:]]
    body = (
        '<nav><a href="/world/">World</a><a href="/sport/">Sport</a></nav>'
        + "".join(
            _module(name, m)
            for name, m in zip(["lead", "world", "sport", "tech"], modules, strict=True)
        )
        + '<div class="links"><a href="/about/">About us</a><a href="/jobs/">Jobs</a></div>'
    )
    listing = detect_cards(parse_html(f"<html><body>{body}</body></html>"), URL)
    assert [c.url for c in listing.cards] == [URL.rstrip("/") + s for s in stories]


def test_dated_post_list_keeps_its_undated_neighbours_out() -> None:
    """A blog's dated post list beside undated lists of other posts (no widget class names)."""
    side = "".join(
        f'<div class="box{i}"><ul>{links(OLD[i * 3 : i * 3 + 3], "An older post with a title")}'
        "</ul></div>"
        for i in range(3)
    )
    html = f"<html><body>{plain_list()}<div>{side}</div></body></html>"
    listing = detect_cards(parse_html(html), URL)
    assert [c.url for c in listing.cards] == [URL.rstrip("/") + p for p in POSTS]


def test_image_links_on_some_cards_do_not_hide_the_others() -> None:
    """Only some cards have an image link; every card has its heading link."""
    cards = "".join(
        "<div class='row'>"
        + (f'<a class="pic" href="{p}"><img src="/i{i}.jpg"></a>' if i % 3 else "")
        + f'<div class="detail"><h3><a href="{p}">Story number {i} of the day here</a></h3>'
        f"<p>What happened in story {i}, told in a sentence or two.</p></div></div>"
        for i, p in enumerate(POSTS)
    )
    html = f"<html><body><div class='list'>{cards}</div></body></html>"
    listing = detect_cards(parse_html(html), URL)
    assert [c.url for c in listing.cards] == [URL.rstrip("/") + p for p in POSTS]


def test_a_menu_of_bare_labels_loses_whatever_its_classes_are_called() -> None:
    """Site sections named by one word each ("上海", "Sport") under classes that say nothing
    are a menu; ten headline stories with no excerpt are the list."""
    menu = "".join(f'<li class="qx"><a href="/ch/{w}/">{w}</a></li>' for w in
                   ["上海", "天津", "重庆", "青海", "北京", "娱乐", "军事", "体育", "财经", "科技",
                    "房产", "独家", "文化", "证券", "教育", "健康", "河北", "山西", "辽宁", "吉林",
                    "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北"])  # fmt: skip
    stories = "".join(
        f'<li class="zz"><h3><a href="/a/2026/01/{i:02d}/story-{i}.html">'
        f"Headline story number {i} about the city council</a></h3></li>"
        for i in range(1, 11)
    )
    html = f'<html><body><div class="kq"><ul>{menu}</ul></div><ul class="zr">{stories}</ul></body></html>'
    cards = detect_cards(parse_html(html), URL).cards
    assert [c.title for c in cards] == [
        f"Headline story number {i} about the city council" for i in range(1, 11)
    ]


def test_comment_counters_beside_the_cards_are_no_cards() -> None:
    items = "".join(
        f'<div class="it"><div class="t"><h3><a href="/news/{i}.html">Story {i} of the day'
        f' in the world</a></h3></div><div class="t"><a href="/talk/FG{i}K0001899O.html">'
        f"{i * 37} comments</a></div></div>"
        for i in range(1, 9)
    )
    cards = detect_cards(parse_html(f"<html><body><main>{items}</main></body></html>"), URL).cards
    assert [c.url for c in cards] == [f"https://blog.example/news/{i}.html" for i in range(1, 9)]


def test_a_last_page_of_two_posts_beats_the_first_pages_posts_in_a_widget() -> None:
    """No class or tag says which is the list: the widget repeats page 1's cards, each with
    a date, while the last page holds two posts."""
    last = [f"/2025/01/{d:02d}/older-{d}/" for d in (1, 2)]
    cards = "".join(
        f'<div><h2><a href="{u}">An older post with a long title {i}</a></h2>'
        f"<div>2025-01-0{i + 1}</div><p>Its excerpt: a sentence of two about the post.</p></div>"
        for i, u in enumerate(last)
    )
    widget = "".join(
        f'<li><h3><a href="{u}">Recent post with a long title {i}</a></h3>'
        f"<div>2026-01-0{i + 1}</div><p>Its excerpt: a sentence of two about the post.</p></li>"
        for i, u in enumerate(POSTS[:5])
    )
    page = parse_html(f"<html><body><div>{cards}</div><div><ul>{widget}</ul></div></body></html>")
    url = f"{URL}page/3/"
    alone = detect_cards(page, url)
    assert [c.url for c in alone.cards] == [URL.rstrip("/") + u for u in POSTS[:5]]
    first = frozenset(URL.rstrip("/") + u for u in POSTS)
    told = detect_cards(page, url, seen=first)
    assert [c.url for c in told.cards] == [URL.rstrip("/") + u for u in last]


def test_a_post_list_named_recent_posts_outside_main_is_the_content() -> None:
    """No <main>: the list named like a widget holds the page's excerpts, so it is the list."""
    cards = "".join(
        f'<div class="recent-post-item"><a class="article-title" href="{u}">A post with a long title {i}</a> 2026-01-0{i + 1}'
        f"<p>{'An excerpt that says what the post is about, at some length. ' * 3}</p></div>"
        for i, u in enumerate(POSTS[:3])
    )
    side = "".join(
        f'<div class="xq"><a href="{u}">Another post with a long title {i}</a> 2024-05-0{i}</div>'
        for i, u in enumerate(OLD[:6])
    )
    page = parse_html(
        f'<html><body><div class="layout"><div class="recent-posts">{cards}</div>'
        f"<div>{side}</div></div></body></html>"
    )
    got = detect_cards(page, URL)
    assert [c.url for c in got.cards] == [URL.rstrip("/") + u for u in POSTS[:3]]


def test_a_wrapper_named_like_chrome_around_the_whole_page_is_no_chrome() -> None:
    """A layout div whose id happens to read as navigation holds every card of the page."""
    page = parse_html(
        f'<html><body><div id="nav-col" class="main-row"><div>{plain_list()[6:-7]}</div>'
        '<div class="x"><a href="/about/">About</a></div></div></body></html>'
    )
    got = detect_cards(page, URL)
    assert [c.url for c in got.cards] == [URL.rstrip("/") + u for u in POSTS]
