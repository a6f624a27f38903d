"""Next-page detection in the world's common pager forms, on small synthetic listing pages."""

from __future__ import annotations

import pytest

from pipelines.pages.html import parse_html
from pipelines.pages.listing import detect_cards, page_number_of

CARDS = "".join(
    f'<article><h2><a href="/posts/story-{i}/">A headline about topic {i}</a></h2>'
    f"<time>2026-01-{10 + i:02d}</time><p>An excerpt of the story number {i}, long enough to"
    " read as a summary of the post.</p></article>"
    for i in range(1, 6)
)


def next_of(pager: str, url: str = "https://blog.example/") -> str | None:
    html = f"<html><body><main>{CARDS}</main>{pager}</body></html>"
    listing = detect_cards(parse_html(html), url)
    assert len(listing.cards) == 5
    return listing.next_url


CURRENT_MARKUPS = [
    '<span class="current">2</span>',
    '<a href="/page/2/" aria-current="page">2</a>',
    "<b>2</b>",
    "<strong>2</strong>",
    '<li class="active"><a href="/page/2/">2</a></li>',
]


@pytest.mark.parametrize("current", CURRENT_MARKUPS)
def test_numbered_pager_takes_the_link_after_the_current_page(current: str) -> None:
    items = [
        '<a href="/page/1/">1</a>',
        current,
        '<a href="/page/3/">3</a>',
        '<a href="/page/4/">4</a>',
    ]
    pager = '<div class="pages">' + " ".join(items) + "</div>"
    assert next_of(pager, "https://blog.example/page/2/") == "https://blog.example/page/3/"


def test_numbered_pager_on_its_last_page_gives_no_next() -> None:
    pager = (
        '<div class="pages"><a href="/page/1/">1</a> <a href="/page/2/">2</a>'
        ' <span class="current">3</span></div>'
    )
    assert next_of(pager, "https://blog.example/page/3/") is None


def test_rel_next() -> None:
    assert next_of('<a rel="next" href="/stream/p2">more</a>') == "https://blog.example/stream/p2"


LABELS = [
    "下一页", "下页", "次へ", "次のページ", "다음", "Next", "Older posts", "Weiter", "Nächste",
    "Suivant", "Siguiente", "Successivo", "Avanti", "Próximo", "Следующая", "Далее", "Następna",
    "Další", "Επόμενη", "Sonraki", "Volgende", "Next »", "下一页 >",
]  # fmt: skip


@pytest.mark.parametrize("label", LABELS)
def test_localised_next_labels(label: str) -> None:
    pager = f'<div class="nav"><a href="/list?page=2">{label}</a></div>'
    assert next_of(pager) == "https://blog.example/list?page=2"


ICONS = [
    '<a href="/page/2/" aria-label="Next page"><i class="fa fa-chevron-right"></i></a>',
    '<a href="/page/2/"><i class="fa-solid fa-chevron-right"></i></a>',
    '<a href="/page/2/" title="next">&rang;</a>',
    '<a href="/page/2/">›</a>',
    '<a href="/page/2/">»</a>',
    '<a href="/page/2/" aria-label="Next">→</a>',
]


@pytest.mark.parametrize("link", ICONS)
def test_icon_only_next(link: str) -> None:
    assert next_of(f'<nav class="pagination">{link}</nav>') == "https://blog.example/page/2/"


URL_FORMS = [
    ("https://b.example/?paged=2", "/?paged=3", "https://b.example/?paged=3"),
    ("https://b.example/news?page=2", "/news?page=3", "https://b.example/news?page=3"),
    ("https://b.example/list?start=10", "/list?start=20", "https://b.example/list?start=20"),
    ("https://b.example/n/?PAGEN_1=2", "/n/?PAGEN_1=3", "https://b.example/n/?PAGEN_1=3"),
    ("https://b.example/page/2/", "/page/3/", "https://b.example/page/3/"),
    ("https://b.example/news/index-2.html", "/news/index-3.html", "https://b.example/news/index-3.html"),
    ("https://b.example/page2/", "/page3/", "https://b.example/page3/"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "href", "want"), URL_FORMS)
def test_url_forms_of_a_numbered_pager(url: str, href: str, want: str) -> None:
    n = page_number_of(url)
    pager = f'<div class="pager"><a href="/">1</a> <span class="current">2</span> <a href="{href}">3</a></div>'
    if n == 1:  # an offset: the pager still names pages
        pager = pager.replace('<a href="/">1</a>', '<a href="/list?start=0">1</a>')
    assert next_of(pager, url) == want


def test_page_numbers_of_url_forms() -> None:
    assert page_number_of("https://b.example/?paged=4") == 4
    assert page_number_of("https://b.example/x/?PAGEN_1=6") == 6
    assert page_number_of("https://b.example/page/5/") == 5
    assert page_number_of("https://b.example/index-3.html") == 3
    assert page_number_of("https://b.example/page7/") == 7
    assert page_number_of("https://b.example/list?start=20") == 1


def test_no_next_on_the_last_page_with_a_disabled_label() -> None:
    pager = (
        '<div class="nav"><a href="/page/2/">Previous</a> <span class="disabled">Next</span></div>'
    )
    assert next_of(pager, "https://blog.example/page/3/") is None


def test_a_calendar_is_not_a_pager() -> None:
    days = "".join(f'<td><a href="/2026/01/{d:02d}/">{d}</a></td>' for d in range(1, 29))
    cal = f'<table id="wp-calendar"><tr>{days}</tr><tr><td><a href="/2026/02/">Next »</a></td></tr></table>'
    assert next_of(f"<aside>{cal}</aside>") is None


def test_sort_and_filter_links_are_not_next() -> None:
    pager = (
        '<div class="sort"><a href="/?sort=oldest">Older</a>'
        ' <a href="/?order=asc&amp;page=2">Next</a></div>'
    )
    assert next_of(pager) is None


def test_an_archive_month_link_is_not_next() -> None:
    assert next_of('<div><a href="/2025/12/">Older »</a></div>') is None


def test_a_headline_is_never_next() -> None:
    html = CARDS.replace("A headline about topic 3", "Next")
    listing = detect_cards(
        parse_html(f"<html><body><main>{html}</main></body></html>"), "https://blog.example/"
    )
    assert listing.next_url is None


def test_next_into_a_tag_listing_is_not_the_next_page() -> None:
    assert next_of('<link rel="next" href="/tags/"><a rel="next" href="/tags/">Next</a>') is None


def test_a_next_back_to_the_first_page_is_not_next() -> None:
    assert next_of('<div><a href="/">Next</a></div>', "https://blog.example/page/3/") is None
