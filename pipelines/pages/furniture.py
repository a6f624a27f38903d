"""Site chrome: navigation, sidebars, headers and footers, and widgets named as such.

``chrome_level(el)`` is 0 for an element in the page's content and above 0 inside chrome
(its own tag or an ancestor's, or class words such as sidebar, widget, related, footer).
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from pipelines.pages.html import classes_of, nearest_answer

CHROME_TAGS = {"nav", "aside", "footer", "header"}
_CHROME_CLASS = re.compile(
    r"\b(?:side-?bar|sidebar|aside|widget|nav|navbar|navigation|menu|footer|header|masthead"
    r"|related|recommend|hot|popular|trending|most-?read|top-?posts|recent-?posts|random"
    r"|breadcrumbs?|pagination|pager|page-?nav|tag-?cloud|tagcloud|archive|archives"
    r"|comments?|share|social|author-?box|bio|banner|ads?|advert|sponsor|toc|catalog|rank)\w*",
    re.I,
)
# Names a theme also gives its own post list ("recent-posts" on a blog's home page, "archive"
# on a year's list): chrome in a sidebar, the content itself inside <main> or when it holds
# much of the page's text.
_LIST_NAME = re.compile(r"^(?:recent-?posts?|archives?)\w*$", re.I)
# Whole class words that mark the content itself ("widget Blog" on Blogger, "post-list").
_CONTENT_WORD = re.compile(
    r"^(?:posts?|articles?|entry|entries|cards?|items?|content|main|list|feed|hfeed|blog"
    r"|(?:post|article|entry|blog|news)[-_](?:list|feed|items?|cards?|index|loop|posts|container)"
    r"|(?:list|card|item|entry|post|article)[-_]\w+)$",
    re.I,
)


def _in_main(node: etree._Element) -> bool:
    return any(a.tag == "main" or a.get("role") == "main" for a in node.iterancestors())


# Share of the page's text a list-named element holds when it is the content column itself;
# a smaller share will do for a list whose items say more than their links (excerpts).
_CONTENT_SHARE = 0.3
_PROSE_LIST_SHARE = 0.1
_PROSE_LIST_LINKS = 0.3
_SHOWN_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]")


def _chars(el: etree._Element) -> int:
    return sum(len(t.strip()) for t in _SHOWN_TEXT(el))


def _holds_the_page(node: etree._Element) -> bool:
    """``node`` is the post list of a theme that uses no <main>, not a sidebar's few
    titles: it holds much of the page's text, or a good part of it in excerpts."""
    shown = _shown_counts(node)
    if shown is None:
        return False
    counts, page = shown
    chars = _count(counts, node)
    if chars >= _CONTENT_SHARE * page:
        return True
    links = sum(_count(counts, a) for a in node.iter("a"))
    return chars >= _PROSE_LIST_SHARE * page and links < _PROSE_LIST_LINKS * chars


def _chrome_words(words: str, node: etree._Element) -> bool:
    hits = [w for w in words.split() if _CHROME_CLASS.search(w)]
    if not hits or any(_CONTENT_WORD.match(w) for w in words.split()):
        return False
    if not all(_LIST_NAME.match(w) for w in hits):
        return True
    return not (_in_main(node) or _holds_the_page(node))


# Share of the page's text in an element named like chrome that is the page's layout wrapper
# ("main-row nav-col" around everything), not chrome.
_WRAPPER_SHARE = 0.6
# The shown characters of every element of one page's body, counted in one pass when the
# page is first asked about (each menu or widget asks about its own subtree, and they nest):
# a new body forgets the last page's.
_page: dict[etree._Element, dict[Any, int]] = {}
# Each node's chrome level on that page (every card of a page asks its way up the same
# ancestors).
_levels: dict[etree._Element, int] = {}


def _count_all(body: etree._Element) -> dict[Any, int]:
    """``_chars`` of every element under ``body``, children before parents."""
    counts: dict[Any, int] = {}
    for el in reversed(list(body.iter())):
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            counts[el] = 0
            continue
        n = len(el.text.strip()) if el.text else 0
        for child in el:
            n += counts[child] + (len(child.tail.strip()) if child.tail else 0)
        counts[el] = n
    return counts


def _shown_counts(node: etree._Element) -> tuple[dict[Any, int], int] | None:
    """The counts of the page ``node`` is on, and the page's own; None outside a body."""
    body = next((a for a in node.iterancestors() if a.tag == "body"), None)
    if body is None:
        return None
    if body not in _page:
        forget_page()
        _page[body] = _count_all(body)
    counts = _page[body]
    return counts, counts[body]


def forget_page() -> None:
    """Drop what was counted and decided of the last page (its tree may change before it is
    asked about again)."""
    _page.clear()
    _levels.clear()


def _count(counts: dict[Any, int], el: etree._Element) -> int:
    # An element made after the count (none so far: card detection reads the page as parsed).
    n = counts.get(el)
    return _chars(el) if n is None else n


def wraps_the_page(node: etree._Element) -> bool:
    """``node`` holds most of the page's text: a layout wrapper, whatever its name says."""
    shown = _shown_counts(node)
    return shown is not None and _count(shown[0], node) >= _WRAPPER_SHARE * shown[1]


def chrome_level(el: etree._Element) -> int:
    """How deep in site chrome ``el`` is: 0 in the content, 1 inside chrome."""
    levels = _levels if _shown_counts(el) is not None else {}
    return nearest_answer(el, _own_level, levels, 0)


def _own_level(node: etree._Element) -> int | None:
    """0 or 1 when ``node`` decides for everything inside it, None to ask its parent."""
    if not isinstance(node.tag, str) or node.tag in ("body", "html"):
        return None
    if node.tag == "main" or node.get("role") == "main":
        # What holds the main content is a layout wrapper, whatever its class says
        # ("main-row nav-col" around the whole page).
        return 0
    if node.tag in CHROME_TAGS:
        # An <article>'s own header and footer hold its title and meta, not site chrome.
        if node.tag in ("header", "footer") and any(
            a.tag == "article" for a in node.iterancestors()
        ):
            return None
        return 1
    words = classes_of(node)
    if words.strip() and _chrome_words(words, node) and not wraps_the_page(node):
        return 1
    return None
