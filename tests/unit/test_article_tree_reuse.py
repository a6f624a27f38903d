"""The prepared tree serves both trafilatura passes: neither pass may change it."""

from lxml import etree

from pipelines.pages.article import main_text, prepare_tree
from pipelines.pages.html import parse_html

PAGE = (
    "<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>T</h1>"
    + "".join(
        f"<p>Paragraph {i} of the story, long enough to be prose for the extractor.</p>"
        for i in range(12)
    )
    + "<pre><code>print(1)</code></pre><p>Price $5 and $10, and $$x^{2}$$.</p>"
    "</article><footer>Copyright</footer></body></html>"
)


def test_main_text_leaves_the_prepared_tree_as_it_was() -> None:
    tree = prepare_tree(parse_html(PAGE), PAGE)
    before = etree.tostring(tree)
    fast = main_text(tree, "http://example.com/a", fast=True)
    assert etree.tostring(tree) == before
    full = main_text(tree, "http://example.com/a", fast=False)
    assert etree.tostring(tree) == before
    again = prepare_tree(parse_html(PAGE), PAGE)
    assert main_text(again, "http://example.com/a", fast=False) == full
    assert fast
