"""Code blocks in a page tree: one ``<pre>`` each, without line numbers, marked to be counted.

Highlighters write a block in many shapes: ``pre > code`` (GitHub, highlight.js, Rouge,
Shiki), Pygments' ``.highlight`` and its ``linenos`` table, Chroma's ``lntable`` and inline
``.ln`` spans, Prism's ``line-numbers`` rows, Hexo's ``figure.highlight`` table (gutter cell
and code cell), highlight.js' ``hljs-ln`` table (one row per line). Gutters go first; a
table that then holds code becomes one ``<pre>`` with the lines joined; every outermost
``<pre>`` left is one block.
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.pages.html import outermost, replace_with_text, text_of
from pipelines.pages.marks import CODE_MARK

# Gutters named by a class or attribute: the nodes of a union of "//…" paths, in document
# order, found in one pass over the page's elements.
_GUTTERS = etree.XPath(
    "/descendant::*[(self::td and contains(@class, 'gutter'))"
    " or contains(@class, 'line-numbers-rows')"
    " or (self::ul and contains(@class, 'pre-numbering')) or contains(@class, 'linenos')"
    " or contains(@class, 'lineno') or contains(@class, 'hljs-ln-numbers')"
    " or (contains(@class, 'line-number') and not(self::pre or self::code))"
    " or (self::td and descendant::span[contains(concat(' ', @class, ' '), ' lnt ')])"
    " or (self::span and contains(concat(' ', @class, ' '), ' ln '))"
    " or (@data-line-number and not(normalize-space()))]"
)
_CODE_HOLDERS = etree.XPath("/descendant::table[descendant::pre or descendant::code]")
_ROWS = etree.XPath("tr | tbody/tr")
_ALL_ROWS = etree.XPath("tr | tbody/tr | thead/tr")
_CELLS = etree.XPath("td")
_ROW_CELLS = etree.XPath("td | th")
_CODE_IN = etree.XPath("descendant::pre | descendant::code")
_PRES_IN = etree.XPath("descendant::pre")
_CODE_TABLES = etree.XPath(
    "/descendant::table[descendant::pre or descendant::code or contains(@class, 'hljs-ln')]"
)
_CODE_FIGURES = etree.XPath("/descendant::figure[descendant::pre]")
_BODY_PRES = etree.XPath("/descendant::body/descendant::pre")
# What a page with a named gutter holds: these words, or "ln"/"lnt" as a word (a regex
# from its literal, the boundary before it checked behind: far cheaper than ``\blnt?\b``).
_GUTTER_WORDS = ("gutter", "line-number", "pre-numbering", "lineno", "hljs-ln")
_LN_WORD = re.compile(r"ln(?<!\wln)t?\b")
_NUMBERS = re.compile(r"[\d\s]+")


def _unnamed_gutters(tree: etree._Element) -> list[etree._Element]:
    """A first cell of only numbers beside a cell of code, whatever its class."""
    out = []
    for table in _CODE_HOLDERS(tree):
        for row in _ROWS(table):
            cells = _CELLS(row)
            if (
                len(cells) >= 2
                and _NUMBERS.fullmatch(text_of(cells[0]) or "x")
                and (_CODE_IN(cells[1]) or cells[1].get("class"))
            ):
                out.append(cells[0])
    return out


def drop_gutters(tree: etree._Element, src: str) -> None:
    """Line-number gutters out of the tree (they are never text)."""
    named = any(w in src for w in _GUTTER_WORDS) or _LN_WORD.search(src)
    found = _GUTTERS(tree) if named else []
    for el in found + _unnamed_gutters(tree):
        # Only numbers or nothing: a class word never takes code or prose with it.
        if (
            el.getparent() is not None
            and el.tag not in ("html", "body")
            and _NUMBERS.fullmatch(text_of(el) or "0")
        ):
            # The tail is text after the gutter (in a <pre>, the rest of the line): it stays.
            replace_with_text(el)


def _code_tables(tree: etree._Element) -> list[etree._Element]:
    """Tables that are a code block: every row's cells hold code, or one cell holds a pre."""
    out = []
    for table in _CODE_TABLES(tree):
        classes = (table.get("class") or "").lower()
        rows = _ALL_ROWS(table)
        if not rows:
            continue
        named = any(w in classes for w in ("highlight", "hljs-ln", "lntable", "rouge"))
        if named or (
            _PRES_IN(table) and ("code" in classes or all(len(_ROW_CELLS(r)) == 1 for r in rows))
        ):
            out.append(table)
    return out


def _lines_of(table: etree._Element) -> str:
    rows = _ALL_ROWS(table)
    if len(rows) > 1:
        # One row per line (highlight.js line numbers): each row's text is a line.
        return "\n".join("".join(r.itertext()).strip("\n") for r in rows)
    pres = _PRES_IN(table)
    if pres:
        return "\n".join("".join(p.itertext()).strip("\n") for p in pres)
    return "".join(table.itertext()).strip("\n")


def tables_to_pre(tree: etree._Element) -> None:
    """Each highlighted code table (after its gutter went) to one ``<pre><code>``."""
    for table in outermost(_code_tables(tree)):
        parent = table.getparent()
        if parent is None:
            continue
        pre = etree.Element("pre")
        etree.SubElement(pre, "code").text = _lines_of(table)
        pre.tail = table.tail
        parent.replace(table, pre)


def figures_to_div(tree: etree._Element) -> None:
    """A code listing in a ``<figure>`` is text, not an illustration (trafilatura drops
    figures)."""
    for fig in _CODE_FIGURES(tree):
        fig.tag = "div"


def mark_blocks(tree: etree._Element) -> None:
    """A marker at the head of every outermost ``<pre>``: counted where it ends up."""
    for pre in outermost(_BODY_PRES(tree)):
        if not "".join(pre.itertext()).strip():
            continue
        pre.text = f"{CODE_MARK}\n" + (pre.text or "")


def prepare_code(tree: etree._Element, src: str) -> None:
    """Gutters out, tables and figures to ``<pre>``, blocks marked."""
    drop_gutters(tree, src)
    if "<table" in src:
        tables_to_pre(tree)
    if "<figure" in src:
        figures_to_div(tree)
    mark_blocks(tree)
