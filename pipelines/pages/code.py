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

_GUTTER_XPATH = (
    "//td[contains(@class, 'gutter')] | //*[contains(@class, 'line-numbers-rows')]"
    " | //ul[contains(@class, 'pre-numbering')] | //*[contains(@class, 'linenos')]"
    " | //*[contains(@class, 'lineno')] | //*[contains(@class, 'hljs-ln-numbers')]"
    " | //*[contains(@class, 'line-number') and not(self::pre or self::code)]"
    " | //td[.//span[contains(concat(' ', @class, ' '), ' lnt ')]]"
    " | //span[contains(concat(' ', @class, ' '), ' ln ')]"
    " | //*[@data-line-number and not(normalize-space())]"
)
_GUTTER_MARKERS = re.compile(
    r"gutter|line-number|pre-numbering|lineno|hljs-ln|\blnt?\b|data-line-number"
)
_NUMBERS = re.compile(r"[\d\s]+")


def _unnamed_gutters(tree: etree._Element) -> list[etree._Element]:
    """A first cell of only numbers beside a cell of code, whatever its class."""
    out = []
    for table in tree.xpath("//table[.//pre or .//code]"):
        for row in table.xpath("./tr | ./tbody/tr"):
            cells = row.xpath("./td")
            if (
                len(cells) >= 2
                and _NUMBERS.fullmatch(text_of(cells[0]) or "x")
                and (cells[1].xpath(".//pre | .//code") or cells[1].get("class"))
            ):
                out.append(cells[0])
    return out


def drop_gutters(tree: etree._Element, src: str) -> None:
    """Line-number gutters out of the tree (they are never text)."""
    found = tree.xpath(_GUTTER_XPATH) if _GUTTER_MARKERS.search(src) else []
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
    for table in tree.xpath("//table[.//pre or .//code or contains(@class, 'hljs-ln')]"):
        classes = (table.get("class") or "").lower()
        rows = table.xpath("./tr | ./tbody/tr | ./thead/tr")
        if not rows:
            continue
        named = any(w in classes for w in ("highlight", "hljs-ln", "lntable", "rouge"))
        if named or (
            table.xpath(".//pre")
            and ("code" in classes or all(len(r.xpath("./td | ./th")) == 1 for r in rows))
        ):
            out.append(table)
    return out


def _lines_of(table: etree._Element) -> str:
    rows = table.xpath("./tr | ./tbody/tr | ./thead/tr")
    if len(rows) > 1:
        # One row per line (highlight.js line numbers): each row's text is a line.
        return "\n".join("".join(r.itertext()).strip("\n") for r in rows)
    pres = table.xpath(".//pre")
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
    for fig in tree.xpath("//figure[.//pre]"):
        fig.tag = "div"


def mark_blocks(tree: etree._Element) -> None:
    """A marker at the head of every outermost ``<pre>``: counted where it ends up."""
    for pre in outermost(tree.xpath("//body//pre")):
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
