"""Structured metadata in the shapes real pages write it, and the page deciding between them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from pipelines.pages import metadata, structured
from pipelines.pages.extract import merge_published
from pipelines.pages.html import parse_html

CST = timezone(timedelta(hours=8))


def _page(head: str = "", body: str = "") -> str:
    return f"<html><head><title>T</title>{head}</head><body>{body}</body></html>"


def _ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def test_json_ld_author_shapes_become_a_joined_name() -> None:
    shapes = [
        ("Alice Chen", "Alice Chen"),
        ({"@type": "Person", "name": "Alice Chen"}, "Alice Chen"),
        ([{"name": "Alice Chen"}, {"name": "Bob Li"}], "Alice Chen, Bob Li"),
        (["Alice Chen", "Bob Li"], "Alice Chen, Bob Li"),
        ({"name": ["Alice Chen"]}, "Alice Chen"),
        ("https://example.com/people/alice", None),
        ({"@id": "https://example.com/#alice"}, None),
        (42, None),
    ]
    for shape, want in shapes:
        html = _page(_ld({"@type": "NewsArticle", "headline": "T", "author": shape}))
        assert metadata.author(parse_html(html)) == want, shape


def test_graph_nested_and_several_blocks() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Site"},
            {
                "@type": ["NewsArticle"],
                "author": [{"name": "Jane Roe"}],
                "datePublished": ["2024-05-03T15:47:42+02:00"],
            },
        ],
    }
    html = _page(_ld(graph) + _ld({"@type": "BlogPosting", "articleSection": ["World"]}))
    tree = parse_html(html)
    assert metadata.author(tree) == "Jane Roe"
    assert metadata.published(tree, None, UTC) == datetime(2024, 5, 3, 13, 47, 42, tzinfo=UTC)
    assert metadata.category(tree) == "World"


def test_broken_json_ld_is_tolerated_or_dropped_quietly() -> None:
    trailing = (
        '<script type="application/ld+json">{"@type": "Article", "author": "Ann Lee",}</script>'
    )
    assert metadata.author(parse_html(_page(trailing))) == "Ann Lee"
    broken = '<script type="application/ld+json">{"@type": "Article", "author": [</script>'
    with structured.watch_oddities() as odd:
        assert metadata.author(parse_html(_page(broken))) is None
    assert "jsonld_broken" in odd


def test_microdata_author_and_date() -> None:
    body = (
        '<article><h1>T</h1><span itemprop="author" itemscope><span itemprop="name">Li Lei'
        '</span></span><time itemprop="datePublished" datetime="2024-01-08T09:30:00+08:00">'
        "Jan 8</time><p>text</p></article>"
    )
    tree = parse_html(_page(body=body))
    assert metadata.author(tree) == "Li Lei"
    assert metadata.published(tree, None, UTC) == datetime(2024, 1, 8, 9, 30, tzinfo=CST)


def test_profile_url_is_never_an_author_and_dc_creator_is_read() -> None:
    head = (
        '<meta property="article:author" content="https://facebook.com/alice">'
        '<meta name="DC.creator" content="Alice Chen">'
    )
    assert metadata.author(parse_html(_page(head))) == "Alice Chen"


def test_visible_byline_beats_site_wide_meta_author() -> None:
    head = '<meta name="author" content="Corpus Editors">'
    body = (
        '<span hidden itemprop="author" itemscope><meta itemprop="name" content="Corpus Editors">'
        '</span><article><h1>T</h1><div class="post-meta">作者：李雷</div><p>x</p></article>'
    )
    assert metadata.author(parse_html(_page(head, body))) == "李雷"
    body = '<article><h1>T</h1><p class="byline">by Alice Chen</p></article>'
    assert metadata.author(parse_html(_page(head, body))) == "Alice Chen"


def test_local_time_without_offset_gives_way_to_the_declared_instant() -> None:
    head = '<meta property="article:published_time" content="2024-01-08T09:30:00+08:00">'
    body = '<article><h1>T</h1><time datetime="2024-01-08 09:30">Jan 8</time></article>'
    got = metadata.published(parse_html(_page(head, body)), None, UTC)
    assert got == datetime(2024, 1, 8, 1, 30, tzinfo=UTC)


def test_tags_never_site_keywords_counts_or_placeholders() -> None:
    head = '<meta name="keywords" content="blog, notes, code">'
    body = (
        "<article><h1>T</h1><footer>"
        '<a rel="tag" href="/tags/python/">python<sup>2</sup></a>'
        '<a rel="tag" href="/tags/undefined/">undefined</a>'
        '<a rel="tag" href="/tags/x/">户外 (1)</a></footer></article>'
    )
    assert metadata.tags(parse_html(_page(head, body)), None, None) == ["python", "户外"]
    untagged = _page('<meta name="keywords" content="Life,undefined">', "<article><h1>T</h1>")
    assert metadata.tags(parse_html(untagged), None, "Life") == []


def test_category_is_never_a_label_a_count_or_the_title() -> None:
    body = (
        '<article><h1>Hello</h1><span class="post-category"><a href="/categories/x">分类</a>'
        '<a href="/categories/y">3</a><a href="/categories/life/">Life</a></span></article>'
    )
    assert metadata.category(parse_html(_page(body=body))) == "Life"


def test_card_day_does_not_override_the_page_time() -> None:
    card = datetime(2024, 1, 8, tzinfo=UTC)
    page = datetime(2024, 1, 8, 9, 30, tzinfo=CST)
    assert merge_published(card, page) == page
    assert merge_published(card, None) == card
    assert merge_published(None, page) == page
    other = datetime(2023, 5, 1, 12, 0, tzinfo=UTC)
    assert merge_published(card, other) == card


def test_field_readers_are_total() -> None:
    for html in ["", "<html>", "<<<>>>", "\x00\x01", "<script type='application/ld+json'>[[[["]:
        tree = parse_html(html or "<html></html>")
        metadata.title(tree)
        metadata.author(tree)
        metadata.published(tree, None, UTC)
        metadata.tags(tree, None, metadata.category(tree))


def test_chinese_reporter_credit_is_the_author() -> None:
    cases = {
        "<p>顶端新闻·河南商报记者马俊峰/文受访者供图</p>": "马俊峰",
        "<p>光明日报记者 王建宏 张文攀</p>": "王建宏, 张文攀",
        "<p>新京报记者 彭冲 山东冠县报道</p>": "彭冲",
        "<p>据新华社拉萨电（记者 格桑边觉）记者近日从西藏自治区农业农村厅了解到</p>": "格桑边觉",
    }
    for credit, name in cases.items():
        tree = parse_html(
            f"<html><head><title>新闻</title></head><body><article><h1>新闻</h1>{credit}"
            "<p>他对记者说，今年的收成比去年好。</p></article></body></html>"
        )
        assert metadata.author(tree) == name, credit
    tree = parse_html("<html><body><p>他对记者说，今年的收成比去年好。接受记者采访时说，好。</p>")
    assert metadata.author(tree) is None


def test_dates_as_old_and_foreign_pages_write_them() -> None:
    from pipelines.text.dates import parse_date

    assert parse_date("11/3/2014 2:05:31 PM") == datetime(2014, 11, 3, 14, 5, 31, tzinfo=UTC)
    assert parse_date("Posted 11.03.2014 14:05") == datetime(2014, 3, 11, 14, 5, tzinfo=UTC)
    # Without a 12-hour clock a slashed date says nothing of its order: left alone.
    assert parse_date("11/3/2014") is None
    page = (
        "<html><body><aside><p>2004-01-01 Old post in the sidebar</p></aside>"
        "<table><tr><td>BUSINESS.SOHU.COM　2005年3月11日12:12</td></tr></table>"
        "<p>正文内容很长很长。</p></body></html>"
    )
    assert metadata.published(parse_html(page), [], UTC) == datetime(
        2005, 3, 11, 12, 12, tzinfo=UTC
    )
    labelled = "<html><body><p>〓 网易娱乐 发布时间 2005/05/17 22:11:42 by 某人</p></body></html>"
    assert metadata.published(parse_html(labelled), [], UTC) == datetime(
        2005, 5, 17, 22, 11, 42, tzinfo=UTC
    )


def test_section_in_a_body_meta_property_is_the_category() -> None:
    tree = parse_html(
        "<html><head><title>Bayes</title></head><body><article><h1>Bayes</h1>"
        '<span class="page-category-info"><span>数学</span>'
        '<meta property="articleSection" content="数学"></span><p>Text.</p></article></body></html>'
    )
    assert metadata.category(tree) == "数学"
