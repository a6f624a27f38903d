"""A card's category comes from a label, never from the entry's own category class."""

from __future__ import annotations

from pipelines.pages.html import parse_html
from pipelines.pages.listing import detect_cards

URL = "https://blog.example/"


def page(meta: str) -> str:
    """Block-theme cards: post_class() puts ``category-<slug>`` on each entry's <li>."""
    items = "".join(
        f'<li class="wp-block-post post-{i} post type-post status-publish hentry '
        f'category-{"life" if i % 2 else "news"}">'
        f'<h2 class="wp-block-post-title"><a href="/2026/01/{i:02d}/post-{i}/">'
        f"Title of post number {i}</a></h2>"
        f'<div class="wp-block-post-excerpt"><p>The excerpt of post {i}, a sentence or two '
        f"about what it says.</p></div>"
        f'<div class="wp-block-post-date"><time datetime="2026-01-{i:02d}T10:00:00+08:00">'
        f'<a href="/2026/01/{i:02d}/post-{i}/">January {i}, 2026</a></time></div>{meta}</li>'
        for i in range(1, 6)
    )
    return f'<html><body><main><ul class="wp-block-post-template">{items}</ul></main></body></html>'


def test_entry_class_is_not_a_category() -> None:
    cards = detect_cards(parse_html(page("")), URL).cards
    assert len(cards) == 5
    assert [c.category for c in cards] == [None] * 5


def test_category_label_inside_the_entry_is_read() -> None:
    label = '<div class="taxonomy-category"><a href="/category/news/">News</a></div>'
    cards = detect_cards(parse_html(page(label)), URL).cards
    assert [c.category for c in cards] == ["News"] * 5
