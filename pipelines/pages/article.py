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
from pipelines.pages.code import prepare_code
from pipelines.pages.formulas import replace_formulas
from pipelines.pages.html import in_body, parse_html, text_of
from pipelines.pages.judgement import (
    declares_article,
    shown_in_text,
    weighted_length,
)
from pipelines.pages.marks import CODE_MARK, FORMULA_MARK, take_marks  # noqa: F401 (re-exported)
from pipelines.pages.metadata import json_ld
from pipelines.pages.scripted import script_held_story
from pipelines.pages.sites import GENERIC, SiteConfig, select
from pipelines.pages.trim import drop_comment_sections, drop_furniture
from pipelines.text.clean import DEFAULT_BOILERPLATE, clean_text, clean_title
from pipelines.text.language import detect_language
from pipelines.text.urls import BadURL, canonical_url, same_site

MIN_TEXT_CHARS = 200

_TRAFILATURA = use_config()
# Our own judge decides what is too short; trafilatura should not silently drop it.
_TRAFILATURA.set("DEFAULT", "MIN_EXTRACTED_SIZE", "50")
_TRAFILATURA.set("DEFAULT", "MIN_OUTPUT_SIZE", "10")
_TRAFILATURA.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

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
    modified: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["published"] = self.published.isoformat() if self.published else None
        d["modified"] = self.modified.isoformat() if self.modified else None
        return d


@dataclass(frozen=True)
class NotAnArticle:
    """A page that is not an article, and why; with ``keep_refused``, also the record it
    would have given (what ``scrapy article`` shows of a page the crawl refuses)."""

    url: str
    reason: str
    record: ArticleRecord | None = None


# --- step: prepare the tree -------------------------------------------------------------


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


class _ProseBefore:
    """Long paragraphs of a page by position, to tell a section that closes the article
    from a label above it."""

    def __init__(self, body: etree._Element) -> None:
        self.order = {el: i for i, el in enumerate(body.iter())}
        self.paragraphs = [
            (self.order[p], n) for p in body.iter("p") if (n := len(text_of(p))) >= 80
        ]

    def _within(self, els: list[etree._Element]) -> int:
        spans = [(self.order[e], self.order[e] + sum(1 for _ in e.iter()) - 1) for e in els]
        return sum(n for pos, n in self.paragraphs if any(a <= pos <= b for a, b in spans))

    def ends_here(self, heading: etree._Element, after: list[etree._Element]) -> bool:
        start = self.order.get(heading, 0)
        before = sum(n for pos, n in self.paragraphs if pos < start)
        return before > 0 and before >= self._within(after)


def _cut_tails(tree: etree._Element) -> None:
    """Drop related-posts and comment sections that share a container with the text, bare
    counters (claps, likes) and label lines ("Tags: …") made only of links."""
    body = tree.find(".//body")
    if body is None:
        return
    doomed: list[etree._Element] = []
    prose: _ProseBefore | None = None
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
                prose = prose or _ProseBefore(body)
                after = list(el.itersiblings())
                # A tail follows the article: a "comments" counter above the story is not one.
                if prose.ends_here(el, after):
                    doomed.append(el)
                    doomed.extend(after)
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


def prepare_tree(
    tree: etree._Element, html: str | None = None, keep_comments: bool = False
) -> etree._Element:
    """The tree made ready for text extraction, in place (metadata is read before).

    Formulas become their TeX source (``$…$``, ``$$…$$`` for display), line-number
    gutters go, highlighted code tables become one ``<pre>`` each, and both are marked to
    be counted where they end up. Given the page's source, a whole-tree search runs only
    where the source shows what it looks for. Readers' comment sections go first, unless
    ``keep_comments`` (a site's own body selector may point into them).
    """
    src = html if html is not None else etree.tostring(tree, encoding=str)
    if not keep_comments:
        drop_comment_sections(tree, src)
    replace_formulas(tree, src)
    drop_furniture(tree)
    _cut_tails(tree)
    # Callouts, notes and admonitions are the author's prose in a box.
    if _has(src, "callout", "admonition", "notice", "alert", "tip"):
        for box in tree.xpath(_CALLOUT_XPATH):
            box.tag = "p"
    prepare_code(tree, src)
    return tree


# --- step: main text --------------------------------------------------------------------


def main_text(
    tree: etree._Element, url: str, body_selector: str | None = None, fast: bool = True
) -> str:
    """The main text by trafilatura (comments off, fast unless told), or a site's body
    selector."""
    if body_selector:
        nodes = select(tree, body_selector)
        if nodes:
            return "\n".join(
                line for n in nodes for line in "".join(n.itertext()).split("\n") if line.strip()
            )
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
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
    """What a listing detector sees on the page: cards, the characters they show, and each
    card's (title, excerpt) to tell cards in the text from teasers around it."""

    cards: int = 0
    chars: int = 0
    shown: tuple[tuple[str, str], ...] = ()


_LINKED_ARTICLES = etree.XPath(
    "/descendant::body/descendant::article[(descendant::h1 or descendant::h2 or descendant::h3"
    " or descendant::h4) and descendant::a[@href]]"
)
# A heading whose only link is an anchor within the page ("#section") heads no card.
_LINKED_HEADINGS = etree.XPath(
    "//body//*[self::h1 or self::h2 or self::h3 or self::h4]"
    "[.//a[@href and not(starts-with(@href, '#'))]]"
)


def listing_possible(tree: etree._Element) -> bool:
    """Several linked headings, or several <article>s with a heading and a link (comments
    have none): without them no page is a listing, and cards are not looked for."""
    # Headings counted in Python up to the third: an XPath count reads the whole page.
    linked = 0
    for h in tree.iter("h1", "h2", "h3", "h4"):
        if h.find(".//a[@href]") is not None and in_body(h):
            linked += 1
            if linked >= 3:
                return True
    return len(_LINKED_ARTICLES(tree)) >= 3


def linked_headings(tree: etree._Element) -> list[str]:
    """Texts of the headings that link to another page: the titles cards would show."""
    return list(dict.fromkeys(text_of(h) for h in _LINKED_HEADINGS(tree)))


def listed_cards(tree: etree._Element, url: str) -> Listed:
    """Cards on the page, looked for only where a listing is possible."""
    if not url or not listing_possible(tree):
        return Listed()
    from pipelines.pages.listing import detect_cards

    cards = detect_cards(tree, url).cards
    return Listed(
        len(cards),
        sum(len(c.title or "") + len(c.excerpt or "") for c in cards),
        tuple((c.title or "", c.excerpt or "") for c in cards),
    )


def plainly_prose(text: str, declared: bool, headings: list[str]) -> bool:
    """A page that declares itself an article, whose text is mostly long paragraphs and
    shows no more than two of its linked headings: an article whatever cards lie around
    it, so they are not looked for."""
    if not declared or not text:
        return False
    lines = [" ".join(line.split()) for line in text.split("\n")]
    shown = set(lines).intersection(h for h in headings if len(h) >= 8)
    if len(shown) >= 3:
        return False
    prose = sum(len(line) for line in lines if weighted_length(line) >= 150)
    return prose >= 0.6 * len(text)


def _prose_beside_cards(text: str, shown: tuple[tuple[str, str], ...]) -> int:
    """Characters of long paragraphs of the text that are no card's title or excerpt."""
    heads = [" ".join(e.split())[:40].casefold() for _, e in shown if len(e) >= 40]
    heads += [" ".join(t.split()).casefold() for t, _ in shown if len(t) >= 8]
    total = 0
    for line in text.split("\n"):
        flat = " ".join(line.split()).casefold()
        if weighted_length(flat) >= 150 and not any(h in flat for h in heads):
            total += len(flat)
    return total


# Weighted characters of prose that make an article of a page with no title at all.
UNTITLED_MIN_CHARS = 600


def judge(
    title: str | None,
    text: str,
    head_title: str,
    min_chars: int,
    listed: Listed = Listed(),
    declared: bool = False,
) -> str | None:
    """None if this is an article; otherwise the reason it is not.

    Length is weighted by script (CJK counts triple). A page is a listing when cards whose
    titles are in the text make much of it, unless the text is mostly long paragraphs that
    are no card's (one dominant block of prose), or the page declares itself an article and
    has such prose at all.
    """
    heading = " ".join(filter(None, [title, head_title]))
    if len(text) < 1500 and _SOFT_404.search(heading):
        return "looks like an error page (not found)"
    # A page that names nothing is rarely an article, unless it is mostly prose: a story
    # whose <head> and heading were lost still is one (its title stays empty).
    if not title and weighted_length(text) < max(3 * min_chars, UNTITLED_MIN_CHARS):
        return "no title"
    # A page that declares itself an article may be a short news item or a video caption.
    least = min_chars // 2 if declared else min_chars
    if weighted_length(text) < least:
        return f"main text too short ({len(text)} characters, at least {least} needed)"
    if listed.cards < 3:
        return None
    cards, chars = (
        shown_in_text(list(listed.shown), text) if listed.shown else (listed.cards, listed.chars)
    )
    if cards >= 3 and chars >= 0.4 * len(text):
        prose = _prose_beside_cards(text, listed.shown)
        if prose >= max(chars, 0.5 * len(text)) or (declared and prose >= 0.3 * len(text)):
            return None
        return f"a listing page ({cards} article cards), not an article"
    return None


# Below this many weighted characters the fast pass is often a teaser, a notice or a menu.
_FULL_PASS_BELOW = 1000


def needs_full_pass(text: str, min_chars: int, prose: int = 0) -> bool:
    """Whether trafilatura's full pass (with its fallbacks) should look again: the fast
    text is short, holds under a third of the page's paragraph prose (``prose``, from
    ``paragraph_prose``), or is mostly short lines (a menu taken for the article)."""
    if weighted_length(text) < max(min_chars, _FULL_PASS_BELOW, prose // 3):
        return True
    lines = [line for line in text.split("\n") if line.strip()]
    long = sum(len(line) for line in lines if weighted_length(line) >= 80)
    return long < 0.5 * len(text)


def _in_comments(p: etree._Element) -> bool:
    """Whether an ancestor of ``p`` inside <body> has "comment" in its class or id: asked
    only of the long paragraphs, instead of listing every such element of the page first."""
    named = False
    for a in p.iterancestors():
        if named and a.tag == "body":
            return True
        if "comment" in (a.get("class") or "") or "comment" in (a.get("id") or ""):
            named = True
    return False


def paragraph_prose(tree: etree._Element) -> int:
    """Weighted characters of the page's long paragraphs (``<p>`` of 80 and more, readers'
    comments aside): what an article's text should roughly hold when the page is one story."""
    total = 0
    for p in tree.iter("p"):
        length = weighted_length(" ".join(p.text_content().split()))
        if length >= 80 and not _in_comments(p):
            total += length
    return total


_DESCRIPTION_XPATH = (
    "//meta[@property='og:description' or @name='description' or @name='twitter:description']"
    "/@content"
)


def description_lead(tree: etree._Element) -> str:
    """The opening words of the page's declared description, flattened for comparison
    (empty when it is too short to tell texts apart)."""
    for content in tree.xpath(_DESCRIPTION_XPATH):
        flat = " ".join(str(content).split()).casefold()
        if weighted_length(flat) >= 60:
            return flat[:50]
    return ""


def shown_description(tree: etree._Element, lead: str) -> str | None:
    """The paragraph that shows the page's own description (``lead``, from
    ``description_lead``): the caption of a video, the whole of a short news item."""
    if not lead:
        return None
    for p in tree.iterfind(".//body//p"):
        flat = " ".join(p.text_content().split())
        if flat.casefold().startswith(lead):
            return flat
    return None


def _holds(text: str, lead: str) -> bool:
    return bool(lead) and lead in " ".join(text.split()).casefold()


def prefer_retry(
    text: str, reason: str | None, retry: str, retry_reason: str | None, lead: str
) -> bool:
    """Whether the full pass's text replaces the fast one. The text that holds the page's
    own description (``lead``) is the story, unless it is little more than that
    description; otherwise longer is better unless it is the related-stories block that
    made it longer (the full pass picks such blocks up)."""
    acceptable = retry_reason is None or reason is not None
    holds = _holds(retry, lead), _holds(text, lead)
    sizes = len(retry), len(text)
    if holds[0] != holds[1] and 3 * sizes[holds.index(True)] >= sizes[holds.index(False)]:
        return holds[0] and acceptable
    return len(retry) > len(text) and acceptable


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
    keep_refused: bool = False,
) -> ArticleRecord | NotAnArticle:
    """The record of one article page, or why the page is not an article.

    ``known`` holds what the listing card already said (title, published, category):
    those fields are taken from it and not looked for on the page. ``keep_refused``: the
    refusal carries the record the page gives all the same.
    """
    known = {k: v for k, v in (known or {}).items() if v}
    tree = parse_html(html)
    canon = canonical_of(tree, url)
    ld = json_ld(tree)
    # Everything read from the page's structure first: preparing the text changes it.
    page_title = clean_title(metadata.title(tree, ld))
    title = known.get("title") or page_title
    head_title = text_of(tree.find(".//title"))
    category = known.get("category") or metadata.category(tree, ld)
    author = metadata.author(tree, ld)
    published = known.get("published") or metadata.published(tree, ld, site.tz)
    tags = metadata.tags(tree, ld, category)
    declared = declares_article(tree, ld)
    possible = listing_possible(tree)
    # Only plainly_prose reads them, and only for a page that declares itself an article.
    headings = linked_headings(tree) if possible and declared else []
    modified = metadata.modified(tree, ld, site.tz)
    prose = paragraph_prose(tree)
    lead = description_lead(tree)

    def extracted(prepared: etree._Element, fast: bool) -> tuple[str, int, int, Any]:
        raw, code, formulas = take_marks(main_text(prepared, url, site.body, fast))
        cleaned = clean_text(raw, boilerplate + site.boilerplate)
        # The page's own title line leaves the text whatever the card calls the article.
        return (
            _drop_title_line(_drop_title_line(cleaned.text, page_title), title),
            code,
            formulas,
            cleaned,
        )

    seen: list[Listed] = []

    def cards_around(text: str, cheap: bool = True) -> Listed:
        # Card detection is the dearest step: only where the cheap signals leave doubt,
        # on the page as it came (preparing the text changed the tree).
        if not possible or (cheap and plainly_prose(text, declared, headings)):
            return Listed()
        if not seen:
            seen.append(listed_cards(parse_html(html), canon))
        return seen[0]

    # Metadata reads leave the tree as parsed and trafilatura works on a copy of what it is
    # given: the prepared tree serves both passes.
    prepared = prepare_tree(tree, html, keep_comments=bool(site.body))
    text, code_blocks, formulas, cleaned = extracted(prepared, True)
    reason = judge(title, text, head_title, min_chars, cards_around(text), declared)
    if not site.body and needs_full_pass(text, min_chars, prose):
        retry = extracted(prepared, False)
        retry_reason = judge(
            title, retry[0], head_title, min_chars, cards_around(retry[0], cheap=False), declared
        )
        if prefer_retry(text, reason, retry[0], retry_reason, lead):
            text, code_blocks, formulas, cleaned = retry
            reason = retry_reason
    if reason and reason.startswith("main text too short") and not site.body:
        # A script-built page may still carry its story in its data.
        story = script_held_story(parse_html(html), ld)
        if story:
            held = extracted(prepare_tree(parse_html(story), html), False)
            if judge(title, held[0], head_title, min_chars, Listed(), declared) is None:
                text, code_blocks, formulas, cleaned = held
                reason = None
    short = (
        reason.startswith("main text too short") if reason else weighted_length(text) < min_chars
    )
    if short and not site.body and not _holds(text, lead):
        # A short item whose text missed the one paragraph the page says it is about.
        shown = shown_description(parse_html(html), lead)
        if shown and judge(title, shown, head_title, min_chars, Listed(), declared) is None:
            cleaned = clean_text(shown, boilerplate + site.boilerplate)
            text, code_blocks, formulas, reason = cleaned.text, 0, 0, None
    if reason and not keep_refused:
        return NotAnArticle(canon, reason)
    language = detect_language(text)
    record = ArticleRecord(
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
        modified=modified,
    )
    return NotAnArticle(canon, reason, record) if reason else record
