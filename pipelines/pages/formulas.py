"""Formulas in a page tree: each one replaced by a marker and its TeX, in place.

Two kinds of source are read. Rendered math (KaTeX, MathJax 2/3/4, MathML, formula images,
``<span class="math">`` and arithmatex spans) is an element: it is replaced by the TeX it
carries (an annotation, ``data-latex``, ``alttext``, the script's text) or by the marker
alone when it carries none. Math left in the text for a renderer in the browser
(``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) is read only on a page that loads a renderer or
shows a display formula, and ``$…$`` only by Pandoc's rule (no blank inside either dollar,
no digit after the closing one), so prices such as "$5 and $10" stay prose.
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.pages.html import (
    classes_of,
    fold_odd_letters,
    outermost,
    replace_with_text,
    text_of,
)
from pipelines.pages.marks import FORMULA_MARK

# Every element form of a rendered formula, in one pass over the page's elements (the same
# nodes as a union of "//…" paths, in document order, without sorting a union).
# What marks an element as a rendered formula (read in one pass over the tree: an XPath of
# this many string tests costs several milliseconds on a page of a thousand elements).
_MATH_TAGS = {"math", "mjx-container"}
_MATH_ATTRS = ("data-tex", "data-latex", "data-formula")
_MATH_CLASSES = {"katex", "katex-display", "math", "arithmatex"}
_MATH_IMG_CLASS = ("math", "latex", "tex", "formula", "equation")
_MATH_IMG_SRC = ("latex", "mathtex", "tex?", "codecogs", "chart.apis.google.com/chart?cht=tx")


def _is_formula_element(el: etree._Element, keys: list[str]) -> bool:
    tag = el.tag
    if tag in _MATH_TAGS or any(a in keys for a in _MATH_ATTRS):
        return True
    if tag == "script":
        return (el.get("type") or "").startswith("math/tex")
    cls = el.get("class") or ""
    if cls and not _MATH_CLASSES.isdisjoint(cls.split()):
        return True
    if tag == "img" and "alt" in keys:
        src = el.get("src") or ""
        return any(w in cls for w in _MATH_IMG_CLASS) or any(w in src for w in _MATH_IMG_SRC)
    return False


def _formula_elements(tree: etree._Element) -> list[etree._Element]:
    """Rendered formulas of every element form, in document order."""
    out = []
    for el in tree.getroottree().getroot().iter():
        if isinstance(el.tag, str):
            keys = el.keys()
            if (keys or el.tag in _MATH_TAGS) and _is_formula_element(el, keys):
                out.append(el)
    return out


_MATH_SCRIPTS = etree.XPath("/descendant::script[starts-with(@type, 'math/tex')]")
_MML_LATEX = etree.XPath("descendant::*[@data-mml-node='math'][@data-latex]/@data-latex")
_TEX_ANNOTATION = etree.XPath("descendant::annotation[contains(@encoding, 'tex')]")
_MATH_ALTTEXT = etree.XPath("descendant::math/@alttext")
_BLOCK_MATH = etree.XPath("descendant::math[@display='block']")
_DISPLAY_TEXTS = etree.XPath(
    "/descendant::body/descendant::text()[contains(., '$$') or contains(., '\\[')]"
)
_DELIMITED_TEXTS = etree.XPath(
    "/descendant::body/descendant::text()[contains(., '$') or contains(., '\\')]"
)
# The visual twins MathJax 2 renders beside its <script type="math/tex">.
_MATHJAX2_VISUAL = re.compile(r"^mathjax(?:_\w+)?$")
# What a page loads or writes when its formulas are rendered in the browser.
_RENDERER = re.compile(
    r"katex|mathjax|math/tex|mjx-container|arithmatex|<math[\s>]"
    r"|class=[\"'][^\"']*\bmath\b|data-(?:tex|latex)=",
    re.I,
)
# Formulas written in text: display forms first, then Pandoc's inline dollar rule.
_TEXT_FORMULA = re.compile(
    r"\$\$(?P<dd>(?:[^$]|\$(?!\$))+?)\$\$"
    r"|\\\[(?P<bd>.+?)\\\]"
    r"|\\\((?P<bi>.+?)\\\)"
    r"|(?<![\\$\d])\$(?P<di>(?![\s$])(?:[^$\\\n]|\\.){1,300}?)(?<![\s\\])\$(?![\d$])",
    re.S,
)
_TEX_COMMAND = re.compile(r"\\[A-Za-z]{2,}|[\^_]\{")
_TEX_LIKE = re.compile(r"\\[A-Za-z]+|[\^_{}=<>+\-*/]")
# Text inside these is code, rendered math or not shown: never read for delimiters.
_NO_TEXT_MATH = {"pre", "code", "kbd", "samp", "script", "style", "textarea", "math", "svg"}


# ``_RENDERER`` split for speed on the page's lower-cased UTF-8 bytes (``fold_odd_letters``
# first: bytes lower-case only ASCII, and no other character's UTF-8 bytes can match an ASCII
# word): its plain words found by substring, its two patterns searched only where a byte form
# of them shows (on bytes, ``\s`` and ``\b`` are ASCII-only, so the patterns themselves run
# on the lower-cased text).
_RENDERER_WORDS = (b"katex", b"arithmatex", b"mjx-container", b"data-tex=", b"data-latex=")
_RENDERER_MATH_WORDS = (b"mathjax", b"math/tex")  # only where "math" is
_MATH_TAG = re.compile(r"<math[\s>]")
_MATH_CLASS = re.compile(r"class=[\"'][^\"']*\bmath\b")
_MATH_CLASS_BYTES = re.compile(rb"class=[\"'][^\"']*math")


def has_renderer(src: str) -> bool:
    """Does the page load or mark up a math renderer?"""
    src = fold_odd_letters(src)
    low = src.encode("utf-8", "surrogatepass").lower()
    if any(w in low for w in _RENDERER_WORDS):
        return True
    if b"math" not in low:
        return False
    if any(w in low for w in _RENDERER_MATH_WORDS):
        return True
    if b"<math" not in low and not _MATH_CLASS_BYTES.search(low):
        return False
    text = src.lower()
    return bool(_MATH_TAG.search(text) or _MATH_CLASS.search(text))


def _tex_of(el: etree._Element) -> str | None:
    for attr in ("data-tex", "data-latex", "data-formula"):
        if el.get(attr):
            return el.get(attr)
    if el.tag == "script":
        return el.text or None
    # MathJax 4's SVG output keeps the source on its root <g data-mml-node="math">.
    root = _MML_LATEX(el)
    if root:
        return str(root[0])
    ann = _TEX_ANNOTATION(el)
    if ann:
        return text_of(ann[0]) or None
    for attr in ("alttext", "data-original-title"):
        if el.get(attr):
            return el.get(attr)
    alt = _MATH_ALTTEXT(el)  # MathJax 3's assistive MathML
    if alt:
        return str(alt[0])
    if el.tag == "img":
        return el.get("alt") or None
    # Presentation MathML with no TeX beside it (alone, or MathJax 3's assistive copy): its
    # tokens read in order ("a ≠ 0").
    maths = [el] if el.tag == "math" else el.xpath(".//math")
    if maths:
        tokens = [" ".join(t.split()) for t in maths[0].xpath(".//text()")]
        return " ".join(t for t in tokens if t) or None
    # <span class="math">\(x\)</span>, arithmatex: the text is the source.
    m = _TEXT_FORMULA.fullmatch(text_of(el))
    return next(g for g in m.groups() if g is not None) if m else None


def _bare_wrapper(el: etree._Element) -> bool:
    """A ``class="math"`` element that is not itself a written formula (a tag link, a
    wrapper of rendered math): its formulas, if any, are found inside it."""
    words = set((el.get("class") or "").lower().split())
    if not words & {"math", "arithmatex"} or words & {"katex", "katex-display"}:
        return False
    if el.get("data-tex") or el.get("data-latex") or el.get("data-formula"):
        return False
    return not _TEXT_FORMULA.fullmatch(text_of(el))


def _is_display(el: etree._Element, tex_source: str) -> bool:
    classes = classes_of(el)
    parent = el.getparent()
    return (
        el.get("type", "").endswith("mode=display")
        or "display" in classes
        or el.get("display") in ("true", "block")
        or (parent is not None and "katex-display" in classes_of(parent))
        or bool(_BLOCK_MATH(el))
        or tex_source.lstrip().startswith(("\\[", "$$"))
    )


def _written(tex: str, display: bool) -> str:
    tex = " ".join(tex.split())
    return f" {FORMULA_MARK}$${tex}$$ " if display else f" {FORMULA_MARK}${tex}$ "


def _drop_mathjax2_visuals(tree: etree._Element) -> None:
    for script in _MATH_SCRIPTS(tree):
        for sib in list(script.itersiblings(preceding=True)):
            words = (sib.get("class") or "").lower().split()
            if not any(_MATHJAX2_VISUAL.match(w) for w in words):
                break
            replace_with_text(sib, "")


def replace_formula_elements(tree: etree._Element) -> None:
    """Rendered formulas (every element form) to marker + TeX."""
    _drop_mathjax2_visuals(tree)
    found = [el for el in _formula_elements(tree) if not _bare_wrapper(el)]
    for el in outermost(found):
        if el.getparent() is None or el.tag in ("html", "body"):
            continue
        if el.tag not in ("script", "img") and any(
            a.tag in ("pre", "code", "head") for a in el.iterancestors()
        ):
            continue
        raw = text_of(el) if el.tag not in ("script", "img", "math") else ""
        tex = _tex_of(el)
        display = _is_display(el, raw)
        written = _written(tex, display) if tex else f" {FORMULA_MARK} "
        if display:
            # A paragraph of its own: extractors keep paragraphs, not bare text in a <div>.
            para = etree.Element("p")
            para.text = written.strip()
            para.tail = el.tail
            el.getparent().replace(el, para)
        else:
            replace_with_text(el, written)


def _text_display_formula(tree: etree._Element) -> bool:
    """A display formula written in the page's text: the mark of a generator's math."""
    for node in _DISPLAY_TEXTS(tree):
        if _readable(node):
            for m in _TEXT_FORMULA.finditer(str(node)):
                tex = m.group("dd") or m.group("bd")
                if tex and _TEX_LIKE.search(tex):
                    return True
    return False


def _readable(node: etree._ElementUnicodeResult) -> bool:
    el = node.getparent()
    if el is None:
        return False
    if node.is_tail:
        el = el.getparent()
    while el is not None:
        if not isinstance(el.tag, str) or el.tag in _NO_TEXT_MATH:
            return False
        el = el.getparent()
    return True


def _sub_formulas(text: str, strict: bool) -> str:
    def repl(m: re.Match[str]) -> str:
        dd, bd, bi, di = m.group("dd", "bd", "bi", "di")
        tex = next(g for g in (dd, bd, bi, di) if g is not None)
        # Already a formula (an element replaced before); or blank; or, where no renderer
        # vouches for it, an inline form without a TeX command.
        done = text[max(0, m.start() - len(FORMULA_MARK)) : m.start()] == FORMULA_MARK
        vouched = not strict or (_TEX_COMMAND if bi or di else _TEX_LIKE).search(tex)
        if done or not tex.strip() or not vouched:
            return m.group(0)
        return _written(tex, display=dd is not None or bd is not None)

    return _TEXT_FORMULA.sub(repl, text)


def replace_text_formulas(tree: etree._Element, strict: bool = False) -> None:
    """``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]`` written in text nodes to marker + TeX;
    ``strict``: inline ones only with a TeX command (``\\log``, ``x^{2}``) in them."""
    for node in _DELIMITED_TEXTS(tree):
        if not _readable(node):
            continue
        new = _sub_formulas(str(node), strict)
        if new == str(node):
            continue
        el = node.getparent()
        if node.is_tail:
            el.tail = new
        else:
            el.text = new
            if el.tag == "div" and len(el) == 0 and f"{FORMULA_MARK}$$" in new:
                # A display formula alone in a <div>: extractors keep paragraphs.
                el.tag = "p"


def replace_formulas(tree: etree._Element, src: str) -> None:
    """Every formula of the page to marker + TeX, in place."""
    renderer = has_renderer(src)
    if renderer:
        replace_formula_elements(tree)
    if "$" in src or "\\(" in src or "\\[" in src:
        replace_text_formulas(tree, strict=not (renderer or _text_display_formula(tree)))
