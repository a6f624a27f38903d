"""Article furniture out of the tree before text extraction, by structure, never by theme.

Furniture is what a theme puts around every post: licence and copyright boxes, reward and
donate boxes, tables of contents, prev/next navigation, post-meta lines (date, author,
reading time, word count), related posts, share bars, heading permalinks. It is found by
the words of its class or id, or by the words of its own short text, and removed only when
it is small, mostly links or labelled, and holds no long paragraph: the author's prose
never goes with it.
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.pages.html import outermost, replace_with_text, text_of

# Class/id words (split on "-", "_", blanks) that name a piece of furniture.
_WORDS = {
    "copyright": "licence",
    "license": "licence",
    "licence": "licence",
    "reward": "reward",
    "donate": "reward",
    "donation": "reward",
    "sponsor": "reward",
    "appreciate": "reward",
    "toc": "toc",
    "tocbot": "toc",
    "related": "links",
    "relatedposts": "links",
    "recommend": "links",
    "share": "links",
    "sharing": "links",
    "social": "links",
    "sharethis": "links",
    "addthis": "links",
    "pagination": "links",
    "pager": "links",
    "breadcrumb": "links",
    "breadcrumbs": "links",
    "byline": "meta",
    "wordcount": "meta",
    "readtime": "meta",
}
# Whole tokens (class or id values) for furniture named with two words.
_TOKENS = {
    "post-meta": "meta",
    "entry-meta": "meta",
    "article-meta": "meta",
    "post-info": "meta",
    "entry-footer": "meta",
    "post-footer": "meta",
    "article-footer": "meta",
    "post-nav": "links",
    "post-navigation": "links",
    "nav-links": "links",
    "prev-next": "links",
    "post-pager": "links",
    "article-nav": "links",
    "table-of-contents": "toc",
    "post-toc": "toc",
    "reading-time": "meta",
    "read-time": "meta",
    "word-count": "meta",
    "post-tags": "meta",
    "tag-list": "meta",
    "post-copyright": "licence",
}
_SPLIT = re.compile(r"[\s_\-]+")
_NEVER = {"html", "body", "main", "article", "pre", "code", "h1"}

# Own-text vocabulary of small furniture blocks (licence, reward, navigation, meta lines).
_LICENCE_TEXT = re.compile(
    r"本文作者|文章作者|本文链接|文章链接|原文链接|版权声明|许可协议|转载请注明|转载请保留|版权归.{0,12}所有"
    r"|this\s+(?:work|article|post|blog)\s+is\s+licen[sc]ed\s+under|licen[sc]ed\s+under\s+(?:a\s+|the\s+)?"
    r"(?:creative\s+commons|cc\s+by)|\bCC\s+BY(?:-NC)?(?:-SA|-ND)?\s+\d|all\s+rights\s+reserved",
    re.I,
)
_REWARD_TEXT = re.compile(
    r"打赏|赞赏|请我喝|赞助|微信支付|支付宝|buy\s+me\s+a\s+coffee|donate|sponsor\s+me|support\s+me\s+on",
    re.I,
)
_NAV_TEXT = re.compile(
    r"上一篇|下一篇|前一篇|后一篇|上一页|下一页|previous\s+(?:post|article|entry)"
    r"|next\s+(?:post|article|entry)|older\s+post|newer\s+post|分享到|share\s+(?:this|on)",
    re.I,
)
_META_TEXT = re.compile(
    r"阅读时长|阅读约|预计阅读|阅读量|阅读次数|字数统计|本文字数|本文总阅读量|字数\s*[:：]|发表于|更新于|发布于"
    r"|\d+\s*min(?:ute)?s?\s+read|reading\s+time|words?\s*[:：]\s*\d|\d+\s*words\b"
    r"|posted\s+(?:on|in|by)\b|published\s+(?:on|in)\b|last\s+updated|updated\s+on",
    re.I,
)
_HEADER_LINK = re.compile(r"[¶#§🔗⚓]?")


def _kind(el: etree._Element) -> str | None:
    for value in (el.get("class") or "", el.get("id") or ""):
        for token in value.lower().split():
            if token in _TOKENS:
                return _TOKENS[token]
            for word in _SPLIT.split(token):
                if word in _WORDS:
                    return _WORDS[word]
    return None


def _link_share(el: etree._Element, total: int) -> float:
    linked = sum(len(text_of(a)) for a in el.iter("a"))
    return linked / total if total else 1.0


def _holds_prose(el: etree._Element) -> bool:
    """A long paragraph of few links: the author's writing, never furniture."""
    for p in el.iter("p", "blockquote"):
        text = text_of(p)
        if len(text) >= 200 and _link_share(p, len(text)) < 0.3:
            return True
    return False


def _removable(el: etree._Element, kind: str) -> bool:
    if el.tag in _NEVER or el.getparent() is None or el.xpath(".//h1 | .//article | .//main"):
        return False
    text = text_of(el)
    if not text:
        return True
    if _holds_prose(el):
        return False
    share = _link_share(el, len(text))
    if kind in ("links", "toc"):
        # Large link blocks are left to the extractor, which drops them by link density;
        # taking them out first can tip its choice of the main block.
        return len(text) <= 300 and share >= 0.3
    # Licence, reward and meta boxes are small whatever their links.
    return len(text) <= 600


def _by_class(tree: etree._Element) -> list[etree._Element]:
    out = []
    for el in tree.xpath("//body//*[@class or @id]"):
        kind = _kind(el)
        if kind and _removable(el, kind):
            out.append(el)
    return out


def _box_of(el: etree._Element, limit: int) -> etree._Element:
    """The largest block around ``el`` whose text stays within ``limit`` characters."""
    while True:
        parent = el.getparent()
        if parent is None or parent.tag in _NEVER or len(text_of(parent)) > limit:
            return el
        el = parent


def _by_text(tree: etree._Element) -> list[etree._Element]:
    out = []
    nodes = tree.xpath(
        "//body//text()[string-length(normalize-space(.)) > 1"
        " and string-length(normalize-space(.)) <= 300]"
    )
    for node in nodes:
        text = str(node)
        licence = _LICENCE_TEXT.search(text)
        reward = not licence and len(text) <= 60 and _REWARD_TEXT.search(text)
        nav = not (licence or reward) and len(text) <= 60 and _NAV_TEXT.search(text)
        meta = not (licence or reward or nav) and len(text) <= 80 and _META_TEXT.search(text)
        if not (licence or reward or nav or meta):
            continue
        el = node.getparent()
        if el is None or not isinstance(el.tag, str):
            continue
        if node.is_tail:
            el = el.getparent()
        if el is None or el.tag in _NEVER or el.xpath("ancestor-or-self::pre"):
            continue
        whole = text_of(el)
        if licence or reward:
            # A sentence in a paragraph of prose is the author's; a short block is a box.
            if len(whole) > 300 or _holds_prose(el):
                continue
            out.append(_box_of(el, 400))
        elif nav:
            if len(whole) <= 150 and (_link_share(el, len(whole)) >= 0.3 or len(whole) <= 40):
                out.append(el)
        elif len(whole) <= 120 and not _holds_prose(el):
            out.append(el)
    return out


def _header_links(tree: etree._Element) -> list[etree._Element]:
    """Permalink glyphs beside headings ("¶", "#")."""
    return [
        a
        for a in tree.xpath(
            "//body//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
            "//a[starts-with(@href, '#')]"
        )
        if _HEADER_LINK.fullmatch(text_of(a))
    ]


def _in_prose(el: etree._Element) -> bool:
    return any(
        a.tag in ("p", "blockquote", "li", "td") and len(text_of(a)) >= 150
        for a in el.iterancestors()
    )


def _bylines(tree: etree._Element) -> list[etree._Element]:
    """Author and date marks outside prose, and the meta beside an article's own heading."""
    out = [
        el
        for el in tree.xpath(
            "//body//*[@itemprop='author' or contains(@itemprop, 'datePublished')"
            " or contains(@itemprop, 'dateModified') or @rel='author'] | //body//time"
        )
        if el.tag not in _NEVER and len(text_of(el)) <= 80 and not _in_prose(el)
    ]
    for header in tree.xpath("//article//header[.//h1 or .//h2]"):
        rest = [
            c
            for c in header
            if isinstance(c.tag, str) and not c.xpath("self::h1 | self::h2 | .//h1 | .//h2")
        ]
        if sum(len(text_of(c)) for c in rest) <= 200 and not any(_holds_prose(c) for c in rest):
            out.extend(rest)
    return out


def drop_furniture(tree: etree._Element) -> None:
    """Remove furniture blocks (outermost first), keeping the text after each."""
    found = _by_class(tree) + _by_text(tree) + _header_links(tree) + _bylines(tree)
    for el in outermost(found):
        if el.tail and not el.tail.strip():
            el.tail = None  # blank text after a removed block is layout, not prose
        replace_with_text(el)
