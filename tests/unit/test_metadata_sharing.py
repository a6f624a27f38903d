"""What the metadata readers share per page stays with its page, and the faster readers
find exactly what the plain XPath definitions find."""

from __future__ import annotations

from lxml import etree

from pipelines.pages import metadata
from pipelines.pages.html import parse_html


def _page(body: str, title: str = "T") -> etree._Element:
    return parse_html(f"<html><head><title>{title}</title></head><body>{body}</body></html>")


def test_the_title_of_one_page_is_not_another_pages() -> None:
    first = _page("<article><h1>First Story Here</h1><p>x</p></article>", "First Story Here")
    second = _page("<article><h1>Second Story Here</h1><p>y</p></article>", "Second Story Here")
    assert metadata.title(first) == "First Story Here"
    assert metadata.title(second) == "Second Story Here"
    assert metadata.title(first) == "First Story Here"


def test_furniture_answers_follow_the_page_asked_about() -> None:
    side = _page('<div class="sidebar"><p id="x">a</p></div>')
    plain = _page('<div class="content"><p id="x">a</p></div>')
    for _ in range(2):
        assert metadata.in_furniture(side.get_element_by_id("x"))
        assert not metadata.in_furniture(plain.get_element_by_id("x"))
    meta_box = _page('<aside><div class="post-meta"><span id="x">a</span></div></aside>')
    assert not metadata.in_furniture(meta_box.get_element_by_id("x"))
    assert metadata.in_furniture(meta_box.get_element_by_id("x"), strict=True)


_WORDED = etree.XPath(
    "//body//text()[contains(., '作') or contains(translate(., 'AUTHORIW', 'authoriw'), 'aut')"
    " or contains(translate(., 'WRITEN', 'writen'), 'written')]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::a)]"
)


def test_worded_texts_are_the_xpath_definitions() -> None:
    tree = _page(
        "<p>AUTHOR: Jane<!-- c -->Author tail<br>WrItTeN by Joe</p><a>author link</a>"
        "<script>var author = 1;</script><noscript><p>author</p></noscript>"
        "<p>wrİtten AUTumn 作者：李雷 <b>plain</b> auth after</p>"
        + "".join(f"<span>autumn {n}</span>" for n in range(50))
    )

    def found(nodes: list[str]) -> list[tuple[str, bool]]:
        return [(str(n), n.is_tail) for n in nodes]

    assert found(metadata._worded_texts(tree)) == found(_WORDED(tree)[:40])


def test_a_byline_nested_in_unlabelled_boxes_is_still_found() -> None:
    tree = _page(
        "<main><div><p>Short words</p><div><span class=author-name><a>Jane Doe</a></span>"
        "</div></div><p>" + "Long prose to read. " * 20 + "</p></main>"
    )
    assert metadata.author(tree) == "Jane Doe"
