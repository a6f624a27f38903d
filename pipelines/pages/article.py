"""Article pages to records: a pure function of ``(url, html)``, no crawling in it.

The steps, each small and testable alone:
``prepare_tree`` (formulas to TeX, code tables to ``<pre>``, counts) ->
``main_text`` (trafilatura, comments off, fast) -> ``clean_text`` ->
``page_metadata`` (cheap ``<meta>``/JSON-LD reads; htmldate only when they are silent) ->
``judge`` (is it an article at all?) -> ``detect_language`` -> ``content_hash``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.settings import use_config

from pipelines.pages import metadata
from pipelines.pages.html import classes_of, parse_html, text_of
from pipelines.pages.metadata import json_ld
from pipelines.pages.sites import GENERIC, SiteConfig, select
from pipelines.text.clean import DEFAULT_BOILERPLATE, clean_text, clean_title
from pipelines.text.language import detect_language
from pipelines.text.urls import BadURL, canonical_url, same_site

MIN_TEXT_CHARS = 200

_TRAFILATURA = use_config()
# Our own judge decides what is too short; trafilatura should not silently drop it.
_TRAFILATURA.set("DEFAULT", "MIN_EXTRACTED_SIZE", "50")
_TRAFILATURA.set("DEFAULT", "MIN_OUTPUT_SIZE", "10")
_TRAFILATURA.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

_FORMULA_XPATH = (
    "//*[@data-tex or @data-latex or @data-formula]"
    " | //script[starts-with(@type, 'math/tex')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' katex ')]"
    " | //mjx-container | //*[contains(@class, 'MathJax_Preview')]"
    " | //math"
)
_GUTTER_XPATH = (
    "//td[contains(@class, 'gutter')] | //*[contains(@class, 'line-numbers-rows')]"
    " | //ul[contains(@class, 'pre-numbering')] | //td[contains(@class, 'linenos')]"
    " | //*[contains(@class, 'lineno')] | //*[contains(@class, 'hljs-ln-numbers')]"
    " | //td[.//span[contains(concat(' ', @class, ' '), ' lnt ')]]"
    " | //span[contains(concat(' ', @class, ' '), ' ln ')]"
)
_CODE_TABLE_XPATH = (
    "//figure[contains(@class, 'highlight')] | //table[contains(@class, 'highlighttable')]"
    " | //table[contains(@class, 'hljs-ln')] | //table[contains(@class, 'lntable')]"
)
_CALLOUT_XPATH = (
    "//div[not(.//div) and not(.//p) and (contains(@class, 'callout') or contains(@class, 'admonition')"
    " or contains(@class, 'notice') or contains(@class, 'alert') or contains(@class, 'tip'))]"
)
# A heading that opens the related-posts or comments part: what follows it in its container
# is not the article.
_TAIL_HEADING = re.compile(
    r"^(?:related\s+(?:posts|articles|reading|stories)|you\s+(?:might|may)\s+also\s+like"
    r"|enjoy\s+reading\s+this\s+article\??|read\s+next|more\s+from\b.*|recommended(?:\s+for\s+you)?"
    r"|responses?\s*\(\d+\)|\d+\s+(?:responses?|comments?|replies)|comments?\s*\(\d+\)|comments?"
    r"|leave\s+a\s+(?:reply|comment)|what\s+are\s+your\s+thoughts\??"
    r"|相关文章|相关推荐|推荐阅读|猜你喜欢|延伸阅读|相關文章|関連記事|网友评论.*|评论(?:\s*[（(]\d+[）)])?"
    r"|\d+\s*条评论|发表评论|留言|コメント|written\s+by\b.{0,40}|about\s+the\s+author|关于作者|作者简介)"
    r"\s*[:：]?$",
    re.I,
)
# "テーマ：X ジャンル：Y", "Tags: a, b": a platform's label line around the content.
_LABEL_LINE = re.compile(
    r"^(?:分类|分類|标签|標籤|タグ|テーマ|ジャンル|カテゴリ|tags?|categor(?:y|ies)|filed\s+under"
    r"|topics?|主题|专栏)\s*[:：]",
    re.I,
)
_SOFT_404 = re.compile(
    # "404" alone only opens a title or stands beside an error word: "测试文章 404 号" is a post.
    r"^\W*404\b|\b404\W{0,3}(?:error|not\s+found|错误|页面|頁面|page)|not\s+found"
    r"|page\s+(?:does\s+not|doesn't)\s+exist|页面不存在|页面未找到|找不到(?:该|此)?页面"
    r"|文章不存在|已被删除",
    re.I,
)


@dataclass
class ArticleRecord:
    """What an article page alone determines (the ``scrapy article`` output)."""

    url: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    text: str = ""
    lang: str | None = None
    lang_prob: float | None = None
    code_blocks: int = 0
    formulas: int = 0
    content_hash: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["published"] = self.published.isoformat() if self.published else None
        return d


@dataclass(frozen=True)
class NotAnArticle:
    url: str
    reason: str


# Markers put where code blocks and formulas were, counted and removed after extraction.
CODE_MARK = "\u27e6C\u27e7"
FORMULA_MARK = "\u27e6F\u27e7"


def take_marks(text: str) -> tuple[str, int, int]:
    """(text without markers, code blocks, formulas)."""
    code, formulas = text.count(CODE_MARK), text.count(FORMULA_MARK)
    return text.replace(CODE_MARK, "").replace(FORMULA_MARK, ""), code, formulas


# --- step: prepare the tree -------------------------------------------------------------


def _formula_tex(el: etree._Element) -> str | None:
    for attr in ("data-tex", "data-latex", "data-formula"):
        if el.get(attr):
            return el.get(attr)
    if el.tag == "script":
        return el.text or None
    ann = el.xpath(".//annotation[@encoding='application/x-tex']")
    if ann:
        return text_of(ann[0]) or None
    for attr in ("alttext", "aria-label"):
        if el.get(attr):
            return el.get(attr)
    alt = el.xpath(".//math/@alttext")  # MathJax 3's assistive MathML
    return str(alt[0]) if alt else None


def _replace_with_text(el: etree._Element, text: str) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text + tail
    else:
        parent.text = (parent.text or "") + text + tail
    parent.remove(el)


def _outermost(elements: list[etree._Element]) -> list[etree._Element]:
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


_TAIL_OWNERS = {"h1", "h2", "h3", "h4", "h5", "div", "p", "span", "strong"}
_COUNTER = re.compile(r"[\d.,]+\s*[KkMm万千]?")


def _owner(node: Any) -> etree._Element | None:
    """The element whose text a text node is (for a tail, the element around it)."""
    el = node.getparent()
    return el.getparent() if el is not None and node.is_tail else el


def _short_texts(body: etree._Element, limit: int) -> list[tuple[str, Any]]:
    # Text nodes filtered by length in C: linear in the page, unlike text_of on every element.
    return [
        (" ".join(str(node).split()), node)
        for node in body.xpath(
            f".//text()[string-length(normalize-space(.)) > 0"
            f" and string-length(normalize-space(.)) <= {limit}]"
        )
    ]


def _cut_tails(tree: etree._Element) -> None:
    """Drop related-posts and comment sections that share a container with the text, bare
    counters (claps, likes) and label lines ("Tags: …") made only of links."""
    body = tree.find(".//body")
    if body is None:
        return
    doomed: list[etree._Element] = []
    for text, node in _short_texts(body, 100):
        # The cheap test on the text first; the element only for the few that pass.
        tail = len(text) <= 40 and _TAIL_HEADING.match(text)
        counter = not tail and _COUNTER.fullmatch(text)
        label = not tail and not counter and _LABEL_LINE.match(text)
        if not (tail or counter or label):
            continue
        el = _owner(node)
        if el is None or not isinstance(el.tag, str):
            continue
        if tail:
            # The heading is the outermost wrapper of that text: <h2><span>Responses</span></h2>.
            while (
                el.getparent() is not None
                and el.getparent().tag in _TAIL_OWNERS
                and text_of(el.getparent()) == text
            ):
                el = el.getparent()
            if el.tag in _TAIL_OWNERS and len(el) <= 3:
                doomed.append(el)
                doomed.extend(el.itersiblings())
        elif counter and el.tag in ("p", "div") and text_of(el) == text:
            doomed.append(el)
        elif label and el.tag in ("div", "p", "li", "span"):
            whole = text_of(el)
            linked = sum(len(text_of(a)) for a in el.iter("a"))
            rest = whole.split("：", 1)[-1].split(":", 1)[-1]
            if len(whole) <= 100 and linked and linked >= 0.5 * len(rest):
                doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None and not any(a.tag == "pre" for a in el.iterancestors()):
            parent.remove(el)


def _has(html: str, *markers: str) -> bool:
    return any(m in html for m in markers)


def prepare_tree(tree: etree._Element, html: str | None = None) -> etree._Element:
    """The tree made ready for text extraction, in place (metadata is read before).

    Formulas become their TeX source (``$…$``, ``$$…$$`` for display), line-number
    gutters go, and highlighted code tables become one ``<pre>`` each. Given the page's
    source, a whole-tree search runs only where the source shows what it looks for.
    """
    src = html if html is not None else etree.tostring(tree, encoding=str)
    formula_xpath = (
        _FORMULA_XPATH
        if _has(
            src,
            "data-tex",
            "data-latex",
            "data-formula",
            "math/tex",
            "katex",
            "mjx-",
            "MathJax",
            "<math",
        )
        else None
    )
    for el in _outermost(tree.xpath(formula_xpath) if formula_xpath else []):
        if el.getparent() is None:
            continue
        tex = _formula_tex(el)
        # A MathJax 2 preview span is the visual twin of the script beside it.
        if "mathjax_preview" in classes_of(el):
            _replace_with_text(el, "")
            continue
        display = (
            el.get("type", "").endswith("mode=display")
            or "display" in classes_of(el)
            or el.get("display") in ("true", "block")
        )
        if tex:
            tex = " ".join(tex.split())
            _replace_with_text(
                el, f" {FORMULA_MARK}$${tex}$$ " if display else f" {FORMULA_MARK}${tex}$ "
            )
        else:
            _replace_with_text(el, f" {FORMULA_MARK} ")
    if _has(src, "gutter", "line-number", "pre-numbering", "lineno", "hljs-ln", "lnt"):
        for el in tree.xpath(_GUTTER_XPATH):
            if el.getparent() is not None:
                el.getparent().remove(el)
    _cut_tails(tree)
    # A code listing in a <figure> is text, not an illustration (trafilatura drops figures).
    if "<figure" in src:
        for fig in tree.xpath("//figure[.//pre]"):
            fig.tag = "div"
    # Callouts, notes and admonitions are the author's prose in a box.
    if _has(src, "callout", "admonition", "notice", "alert", "tip"):
        for box in tree.xpath(_CALLOUT_XPATH):
            box.tag = "p"
    tables = tree.xpath(_CODE_TABLE_XPATH) if _has(src, "highlight", "hljs-ln", "lntable") else []
    for table in _outermost(tables):
        lines = [text_of(line) for line in table.xpath(".//*[contains(@class, 'line')]")]
        code = "\n".join(lines) if lines else "".join(table.itertext()).strip("\n")
        pre = etree.Element("pre")
        etree.SubElement(pre, "code").text = code
        pre.tail = table.tail
        parent = table.getparent()
        if parent is not None:
            parent.replace(table, pre)
    for pre in _outermost(tree.xpath("//body//pre")):
        # Counted where they end up: only code inside the main text is the article's.
        pre.text = f"{CODE_MARK}\n" + (pre.text or "")
    return tree


# --- step: main text --------------------------------------------------------------------


def main_text(tree: etree._Element, url: str, body_selector: str | None = None) -> str:
    """The main text by trafilatura (comments off, fast), or a site's body selector."""
    if body_selector:
        nodes = select(tree, body_selector)
        if nodes:
            return "\n".join(
                line for n in nodes for line in "".join(n.itertext()).split("\n") if line.strip()
            )
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        with_metadata=False,
        config=_TRAFILATURA,
    )
    return (doc.text or "") if doc is not None else ""


# --- step: metadata (see pipelines.pages.metadata) -----------------------------------------


def canonical_of(tree: etree._Element, url: str) -> str:
    """The page's same-site ``rel=canonical``, else its own URL (both canonicalised)."""
    own = canonical_url(url)
    for href in tree.xpath("//link[@rel='canonical']/@href")[:1]:
        try:
            canon = canonical_url(href, base=url)
        except BadURL:
            return own
        return canon if same_site(canon, own) else own
    return own


# --- step: judge ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """What a listing detector sees on the page: cards and the characters they show."""

    cards: int = 0
    chars: int = 0


def listed_cards(tree: etree._Element, url: str) -> Listed:
    """Cards on the page, looked for only where a listing is possible: several linked
    headings, or several <article>s with a heading and a link (comments have none)."""
    suspicious = tree.xpath(
        "count(//body//*[self::h1 or self::h2 or self::h3 or self::h4][.//a[@href]]) >= 3"
        " or count(//body//article[(.//h1 or .//h2 or .//h3 or .//h4) and .//a[@href]]) >= 3"
    )
    if not url or not suspicious:
        return Listed()
    from pipelines.pages.listing import detect_cards

    cards = detect_cards(tree, url).cards
    return Listed(len(cards), sum(len(c.title or "") + len(c.excerpt or "") for c in cards))


def judge(
    title: str | None, text: str, head_title: str, min_chars: int, listed: Listed = Listed()
) -> str | None:
    """None if this is an article; otherwise the reason it is not."""
    heading = " ".join(filter(None, [title, head_title]))
    if len(text) < 1500 and _SOFT_404.search(heading):
        return "looks like an error page (not found)"
    if not title:
        return "no title"
    if len(text) < min_chars:
        return f"main text too short ({len(text)} characters, at least {min_chars} needed)"
    # A listing (home, tag or archive page) is mostly the titles and excerpts of its cards.
    if listed.cards >= 3 and listed.chars >= 0.4 * len(text):
        return f"a listing page ({listed.cards} article cards), not an article"
    return None


def content_hash(text: str) -> str:
    """Hash of the normalised text: equal text (up to case, width and blanks), equal hash."""
    norm = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).hexdigest()


def _drop_title_line(text: str, title: str | None) -> str:
    if title and text.split("\n", 1)[0].strip() == title.strip():
        return text.split("\n", 1)[1] if "\n" in text else ""
    return text


def extract_article(
    url: str,
    html: str,
    *,
    site: SiteConfig = GENERIC,
    min_chars: int = MIN_TEXT_CHARS,
    boilerplate: tuple[str, ...] = DEFAULT_BOILERPLATE,
    known: dict[str, Any] | None = None,
) -> ArticleRecord | NotAnArticle:
    """The record of one article page, or why the page is not an article.

    ``known`` holds what the listing card already said (title, published, category):
    those fields are taken from it and not looked for on the page.
    """
    known = {k: v for k, v in (known or {}).items() if v}
    tree = parse_html(html)
    canon = canonical_of(tree, url)
    ld = json_ld(tree)
    # Everything read from the page's structure first: preparing the text changes it.
    page_title = clean_title(metadata.title(tree, ld))
    title = known.get("title") or page_title
    head_title = text_of(tree.find(".//title"))
    listed = listed_cards(tree, canon)
    category = known.get("category") or metadata.category(tree, ld)
    author = metadata.author(tree, ld)
    published = known.get("published") or metadata.published(tree, ld, site.tz)
    tags = metadata.tags(tree, ld, category)
    raw, code_blocks, formulas = take_marks(main_text(prepare_tree(tree, html), url, site.body))
    cleaned = clean_text(raw, boilerplate + site.boilerplate)
    # The page's own title line leaves the text whatever the card calls the article.
    text = _drop_title_line(_drop_title_line(cleaned.text, page_title), title)
    reason = judge(title, text, head_title, min_chars, listed)
    if reason:
        return NotAnArticle(canon, reason)
    language = detect_language(text)
    return ArticleRecord(
        url=canon,
        title=title,
        author=author,
        published=published,
        category=category,
        tags=tags,
        text=text,
        lang=language.lang,
        lang_prob=language.prob,
        code_blocks=code_blocks + cleaned.code_placeholders,
        formulas=formulas + cleaned.formula_placeholders,
        content_hash=content_hash(text),
    )
