"""Article pages to records: a pure function of ``(url, html)``, no crawling in it.

The steps, each small and testable alone:
``prepare_tree`` (formulas to TeX, code tables to ``<pre>``, counts) ->
``main_text`` (trafilatura, comments off, fast) -> ``clean_text`` ->
``page_metadata`` (cheap ``<meta>``/JSON-LD reads; htmldate only when they are silent) ->
``judge`` (is it an article at all?) -> ``detect_language`` -> ``content_hash``.
"""

from __future__ import annotations

import copy
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.settings import use_config

from pipelines import metadata
from pipelines.clean import DEFAULT_BOILERPLATE, clean_text, clean_title
from pipelines.html import classes_of, parse_html, text_of
from pipelines.language import detect_language
from pipelines.metadata import json_ld
from pipelines.sites import GENERIC, SiteConfig, select
from pipelines.urls import BadURL, canonical_url, same_site

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
# Site sections that generators put in articleSection; they name a folder, not a category.
_GENERIC_SECTIONS = {"post", "posts", "blog", "blogs", "article", "articles", "news", "entries"}
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
    r"\b404\b|not\s+found|page\s+(?:does\s+not|doesn't)\s+exist|页面不存在|页面未找到|找不到(?:该|此)?页面"
    r"|文章不存在|已被删除",
    re.I,
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—_·»]|::)\s+")


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


@dataclass(frozen=True)
class Prepared:
    tree: etree._Element


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


def _cut_tails(tree: etree._Element) -> None:
    """Drop related-posts and comment sections that share a container with the text, and
    label lines ("Tags: …") made only of links."""
    for el in tree.xpath(
        "//body//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5"
        " or self::div or self::p or self::span or self::strong]"
    ):
        parent = el.getparent()
        if parent is None or len(el) > 3:
            continue
        text = text_of(el)
        if text and len(text) <= 40 and _TAIL_HEADING.match(text):
            for sib in list(el.itersiblings()):
                parent.remove(sib)
            parent.remove(el)
    # A block that is only a number is a counter (claps, likes, views), not prose.
    for el in tree.xpath(
        "//body//*[self::p or self::div][not(ancestor::pre) and not(ancestor::table)]"
    ):
        if el.getparent() is not None and re.fullmatch(r"[\d.,]+\s*[KkMm万千]?", text_of(el)):
            el.getparent().remove(el)
    for el in tree.xpath(
        "//body//*[(self::div or self::p or self::li or self::span) and .//a"
        " and string-length(normalize-space(.)) <= 100]"
    ):
        parent = el.getparent()
        text = text_of(el)
        if parent is None or not text or len(text) > 100 or not _LABEL_LINE.match(text):
            continue
        linked = sum(len(text_of(a)) for a in el.iter("a"))
        if linked >= 0.5 * len(text.split("：", 1)[-1].split(":", 1)[-1]):
            parent.remove(el)


def prepare_tree(tree: etree._Element) -> Prepared:
    """A copy of the tree made ready for text extraction, with code and formula counts.

    Formulas become their TeX source (``$…$``, ``$$…$$`` for display), line-number
    gutters go, and highlighted code tables become one ``<pre>`` each.
    """
    tree = copy.deepcopy(tree)
    for el in _outermost(tree.xpath(_FORMULA_XPATH)):
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
    for el in tree.xpath(_GUTTER_XPATH):
        if el.getparent() is not None:
            el.getparent().remove(el)
    _cut_tails(tree)
    # A code listing in a <figure> is text, not an illustration (trafilatura drops figures).
    for fig in tree.xpath("//figure[.//pre]"):
        fig.tag = "div"
    # Callouts, notes and admonitions are the author's prose in a box.
    for box in tree.xpath(_CALLOUT_XPATH):
        box.tag = "p"
    for table in _outermost(tree.xpath(_CODE_TABLE_XPATH)):
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
    return Prepared(tree)


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


# --- step: metadata (see pipelines.metadata) -----------------------------------------


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


def judge(
    title: str | None, text: str, tree: etree._Element, min_chars: int, url: str = ""
) -> str | None:
    """None if this is an article; otherwise the reason it is not."""
    heading = " ".join(filter(None, [title, text_of(tree.find(".//title"))]))
    if len(text) < 1500 and _SOFT_404.search(heading):
        return "looks like an error page (not found)"
    if not title:
        return "no title"
    if len(text) < min_chars:
        return f"main text too short ({len(text)} characters, at least {min_chars} needed)"
    # A listing (home, tag or archive page) is mostly the titles and excerpts of its cards.
    from pipelines.cards import detect_cards

    # Only a short page, or one showing several linked headings or <article>s, can be one:
    # most articles skip the check.
    linked_headings = tree.xpath(
        "count(//body//*[self::h1 or self::h2 or self::h3 or self::h4][.//a[@href]])"
    )
    repeated = tree.xpath("count(//body//article)")
    suspicious = linked_headings >= 3 or repeated >= 3 or len(text) < 2500
    cards = detect_cards(tree, url).cards if url and suspicious else []
    if len(cards) >= 3:
        listed = sum(len(c.title or "") + len(c.excerpt or "") for c in cards)
        if listed >= 0.4 * len(text):
            return f"a listing page ({len(cards)} article cards), not an article"
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
    # The page's own title line leaves the text whatever the card calls the article.
    page_title = clean_title(metadata.title(tree, ld))
    title = known.get("title") or page_title
    raw, code_blocks, formulas = take_marks(main_text(prepare_tree(tree).tree, url, site.body))
    cleaned = clean_text(raw, boilerplate + site.boilerplate)
    text = _drop_title_line(_drop_title_line(cleaned.text, page_title), title)
    reason = judge(title, text, tree, min_chars, canon)
    if reason:
        return NotAnArticle(canon, reason)
    language = detect_language(text)
    category = known.get("category") or metadata.category(tree, ld)
    return ArticleRecord(
        url=canon,
        title=title,
        author=metadata.author(tree, ld),
        published=known.get("published") or metadata.published(tree, ld, site.tz),
        category=category,
        tags=metadata.tags(tree, ld, category),
        text=text,
        lang=language.lang,
        lang_prob=language.prob,
        code_blocks=code_blocks + cleaned.code_placeholders,
        formulas=formulas + cleaned.formula_placeholders,
        content_hash=content_hash(text),
    )
