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
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.settings import use_config

from pipelines.clean import DEFAULT_BOILERPLATE, clean_text, clean_title, normalize_line
from pipelines.dates import parse_date
from pipelines.html import classes_of, parse_html, text_of
from pipelines.language import detect_language
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
    code_blocks: int
    formulas: int


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
    return None


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


def prepare_tree(tree: etree._Element) -> Prepared:
    """A copy of the tree made ready for text extraction, with code and formula counts.

    Formulas become their TeX source (``$…$``, ``$$…$$`` for display), line-number
    gutters go, and highlighted code tables become one ``<pre>`` each.
    """
    tree = copy.deepcopy(tree)
    formulas = 0
    for el in _outermost(tree.xpath(_FORMULA_XPATH)):
        if el.getparent() is None:
            continue
        tex = _formula_tex(el)
        # A MathJax 2 preview span is the visual twin of the script beside it.
        if "mathjax_preview" in classes_of(el):
            _replace_with_text(el, "")
            continue
        display = el.get("type", "").endswith("mode=display") or "display" in classes_of(el)
        formulas += 1
        if tex:
            tex = " ".join(tex.split())
            _replace_with_text(el, f" $${tex}$$ " if display else f" ${tex}$ ")
        else:
            _replace_with_text(el, " ")
    for el in tree.xpath(_GUTTER_XPATH):
        if el.getparent() is not None:
            el.getparent().remove(el)
    for table in _outermost(tree.xpath(_CODE_TABLE_XPATH)):
        lines = [text_of(line) for line in table.xpath(".//*[contains(@class, 'line')]")]
        code = "\n".join(lines) if lines else "".join(table.itertext()).strip("\n")
        pre = etree.Element("pre")
        etree.SubElement(pre, "code").text = code
        pre.tail = table.tail
        parent = table.getparent()
        if parent is not None:
            parent.replace(table, pre)
    code_blocks = len(_outermost(tree.xpath("//body//pre")))
    return Prepared(tree, code_blocks, formulas)


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


# --- step: metadata -----------------------------------------------------------------------


def _meta(tree: etree._Element, *names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        for el in tree.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]", n=name):
            content = (el.get("content") or "").strip()
            if content:
                out.append(content)
    return out


def _json_ld(tree: etree._Element) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(str(k).endswith(("Article", "Posting")) for k in kinds):
                    found.append(item)
    return found


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return value.get("name")
    return value if isinstance(value, str) else None


def _title(tree: etree._Element, ld: list[dict[str, Any]]) -> str | None:
    h1s = [t for t in (text_of(h) for h in tree.xpath("//body//h1")) if t]
    candidates = _meta(tree, "og:title", "twitter:title") + [
        str(x["headline"]) for x in ld if x.get("headline")
    ]
    # A single h1 that also starts the <title>/og:title is the surest title.
    if len(h1s) == 1:
        return h1s[0]
    for h1 in h1s:
        if any(c.startswith(h1) or h1.startswith(c) for c in candidates):
            return h1
    if candidates:
        return candidates[0]
    head = text_of(tree.find(".//title"))
    if head:
        parts = _TITLE_SEPARATORS.split(head)
        return parts[0] if len(parts) > 1 and len(parts[0]) >= 4 else head
    return h1s[0] if h1s else None


def _published(tree: etree._Element, ld: list[dict[str, Any]], tz: tzinfo) -> datetime | None:
    values = _meta(
        tree,
        "article:published_time",
        "og:published_time",
        "datePublished",
        "pubdate",
        "publishdate",
        "date",
        "DC.date.issued",
    )
    values += [str(x["datePublished"]) for x in ld if x.get("datePublished")]
    values += [
        t.get("datetime") or text_of(t)
        for t in tree.xpath("//body//time[@datetime or @pubdate]")[:3]
    ]
    for value in values:
        dt = parse_date(value, tz)
        if dt:
            return dt
    # Visible dates near the title ("posted @ 2026-01-11 10:32", "2026年1月11日").
    for el in tree.xpath(
        "//body//*[contains(@class, 'date') or contains(@class, 'time') or contains(@class, 'meta')"
        " or contains(@class, 'postDesc') or contains(@class, 'posted') or contains(@id, 'date')]"
    )[:20]:
        dt = parse_date(text_of(el), tz)
        if dt:
            return dt
    from htmldate import find_date

    found = find_date(tree, extensive_search=False, outputformat="%Y-%m-%dT%H:%M:%S")
    return parse_date(found, tz) if found else None


def _author(tree: etree._Element, ld: list[dict[str, Any]]) -> str | None:
    for x in ld:
        name = _ld_name(x.get("author"))
        if name:
            return name
    for value in _meta(tree, "author", "article:author", "twitter:creator", "dc.creator"):
        if not value.startswith(("http://", "https://", "@")):
            return value
    for el in tree.xpath("//body//*[@rel='author' or @itemprop='author']")[:1]:
        name = text_of(el)
        if name and len(name) <= 60:
            return name
    return None


def _category(tree: etree._Element, ld: list[dict[str, Any]]) -> str | None:
    for value in _meta(tree, "article:section"):
        if value.lower() not in _GENERIC_SECTIONS:
            return value
    for x in ld:
        section = x.get("articleSection")
        if isinstance(section, list) and section:
            section = section[0]
        if isinstance(section, str) and section and section.lower() not in _GENERIC_SECTIONS:
            return section
    for el in tree.xpath("//body//a[contains(concat(' ', @rel, ' '), ' category ')]")[:1]:
        return text_of(el) or None
    # A category link in the post's own meta line, not in a sidebar's category list.
    for el in tree.xpath(
        "//*[self::article or self::main or contains(@class, 'post-meta')"
        " or contains(@class, 'entry-meta') or contains(@class, 'article-meta')]"
        "//a[contains(@href, '/categories/') or contains(@href, '/category/')]"
    )[:1]:
        return text_of(el) or None
    return None


def _tags(tree: etree._Element, ld: list[dict[str, Any]]) -> list[str]:
    tags = _meta(tree, "article:tag")
    if not tags:
        for x in ld:
            kw = x.get("keywords")
            if isinstance(kw, list):
                tags += [str(k) for k in kw]
            elif isinstance(kw, str):
                tags += re.split(r"[,，、]", kw)
    if not tags:
        tags = [text_of(a) for a in tree.xpath("//body//a[@rel='tag']")]
    if not tags:
        for kw in _meta(tree, "keywords"):
            tags += re.split(r"[,，、]", kw)
    seen: dict[str, None] = {}
    for t in tags:
        t = normalize_line(t)
        if t and len(t) <= 60:
            seen.setdefault(t, None)
    return list(seen)


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


def judge(title: str | None, text: str, tree: etree._Element, min_chars: int) -> str | None:
    """None if this is an article; otherwise the reason it is not."""
    heading = " ".join(filter(None, [title, text_of(tree.find(".//title"))]))
    if len(text) < 1500 and _SOFT_404.search(heading):
        return "looks like an error page (not found)"
    if not title:
        return "no title"
    if len(text) < min_chars:
        return f"main text too short ({len(text)} characters, at least {min_chars} needed)"
    og_type = _meta(tree, "og:type")
    if og_type and og_type[0].lower() in ("website", "profile", "blog"):
        from pipelines.cards import detect_cards

        if len(detect_cards(tree, "https://invalid/").cards) >= 3:
            return "a listing page, not an article"
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
) -> ArticleRecord | NotAnArticle:
    """The record of one article page, or why the page is not an article."""
    tree = parse_html(html)
    canon = canonical_of(tree, url)
    ld = _json_ld(tree)
    title = clean_title(_title(tree, ld))
    prepared = prepare_tree(tree)
    raw = main_text(prepared.tree, url, site.body)
    cleaned = clean_text(raw, boilerplate + site.boilerplate)
    text = _drop_title_line(cleaned.text, title)
    reason = judge(title, text, tree, min_chars)
    if reason:
        return NotAnArticle(canon, reason)
    language = detect_language(text)
    return ArticleRecord(
        url=canon,
        title=title,
        author=_author(tree, ld),
        published=_published(tree, ld, site.tz),
        category=_category(tree, ld),
        tags=_tags(tree, ld),
        text=text,
        lang=language.lang,
        lang_prob=language.prob,
        code_blocks=prepared.code_blocks + cleaned.code_placeholders,
        formulas=prepared.formulas + cleaned.formula_placeholders,
        content_hash=content_hash(text),
    )
