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
from functools import lru_cache

from lxml import etree

from pipelines.pages.html import fold_odd_letters, outermost, replace_with_text, text_of

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


def _lowered(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` (re.I, no upper-case escape such as ``\\S``) as a case-sensitive pattern over
    ``_fold``-ed text: the same matches, found several times faster."""
    return re.compile(rx.pattern.lower(), rx.flags & ~re.I)


def _fold(text: str) -> str:
    return fold_odd_letters(text).lower()


_LICENCE_LOW = _lowered(_LICENCE_TEXT)
_REWARD_LOW = _lowered(_REWARD_TEXT)
_NAV_LOW = _lowered(_NAV_TEXT)
_META_LOW = _lowered(_META_TEXT)

# "/descendant::body/descendant::x" selects what "//body//x" does, without first building the
# set of every node of the page (libxml2 evaluates "//" as descendant-or-self::node()/child).
_CLASSED = etree.XPath("/descendant::body/descendant::*[@class or @id]")
_HOLDS_HEAD = etree.XPath("descendant::h1 | descendant::article | descendant::main")
_SHORT_TEXTS = etree.XPath(
    "/descendant::body/descendant::text()[string-length(normalize-space(.)) > 1"
    " and string-length(normalize-space(.)) <= 300]"
)
# The links of "//body//*[self::h1 or …]//a[starts-with(@href, '#')]", in the same order,
# without a descendant search from every heading.
_HEADER_LINKS = etree.XPath(
    "/descendant::body/descendant::a[starts-with(@href, '#')]"
    "[ancestor::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
    "[ancestor::body]]"
)
# "//body//*[@itemprop=… or @rel='author'] | //body//time" as one path (no union to sort).
_MARKS = etree.XPath(
    "/descendant::body/descendant::*[self::time or ((@itemprop or @rel)"
    " and (@itemprop='author' or contains(@itemprop, 'datePublished')"
    " or contains(@itemprop, 'dateModified') or @rel='author'))]"
)
_ARTICLE_HEADERS = etree.XPath(
    "/descendant::article/descendant::header[descendant::h1 or descendant::h2]"
)
_HEADING = etree.XPath("self::h1 | self::h2 | .//h1 | .//h2")


@lru_cache(maxsize=8192)
def _value_kind(value: str) -> str | None:
    # Themes repeat the same few class values on every page: each is read once.
    for token in value.lower().split():
        if token in _TOKENS:
            return _TOKENS[token]
        for word in _SPLIT.split(token):
            if word in _WORDS:
                return _WORDS[word]
    return None


def _kind(el: etree._Element) -> str | None:
    for value in (el.get("class"), el.get("id")):
        if value:
            kind = _value_kind(value)
            if kind:
                return kind
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
    if el.tag in _NEVER or el.getparent() is None or _HOLDS_HEAD(el):
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
    for el in _CLASSED(tree):
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
    for node in _SHORT_TEXTS(tree):
        text = str(node)
        low = _fold(text)
        # Each search on its own: one alternation of all four rejects a text more slowly.
        licence = _LICENCE_LOW.search(low)
        reward = not licence and len(text) <= 60 and _REWARD_LOW.search(low)
        nav = not (licence or reward) and len(text) <= 60 and _NAV_LOW.search(low)
        meta = not (licence or reward or nav) and len(text) <= 80 and _META_LOW.search(low)
        if not (licence or reward or nav or meta):
            continue
        el = node.getparent()
        if el is None or not isinstance(el.tag, str):
            continue
        if node.is_tail:
            el = el.getparent()
        if el is None or el.tag in _NEVER or el.tag == "pre":
            continue
        if any(a.tag == "pre" for a in el.iterancestors()):
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
    return [a for a in _HEADER_LINKS(tree) if _HEADER_LINK.fullmatch(text_of(a))]


def _in_prose(el: etree._Element) -> bool:
    return any(
        a.tag in ("p", "blockquote", "li", "td") and len(text_of(a)) >= 150
        for a in el.iterancestors()
    )


def _bylines(tree: etree._Element) -> list[etree._Element]:
    """Author and date marks outside prose, and the meta beside an article's own heading."""
    out = [
        el
        for el in _MARKS(tree)
        if el.tag not in _NEVER and len(text_of(el)) <= 80 and not _in_prose(el)
    ]
    for header in _ARTICLE_HEADERS(tree):
        rest = [c for c in header if isinstance(c.tag, str) and not _HEADING(c)]
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


# Readers' comment sections, as trafilatura (comments off) names them: it cuts these from the
# page before anything else, so cutting them first spares the other preparation steps a walk
# through every comment and leaves trafilatura the same tree. Only ever a part of what it
# cuts, so nothing it keeps goes: a DiscussionForumPosting page (a thread, whose "comments"
# are its posts and which trafilatura keeps) is left whole.
_COMMENT_ID = re.compile(r"^(?:[Cc]omment(?!ary)|comol)")
_COMMENT_BOX_ID = re.compile(r"^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_COMMENT_CLASS = re.compile(r"^[Cc]omment(?!ary)|(?:article|post)-comments")
_FORUM_MARK = "DiscussionForumPosting"
# A page whose source holds none of these has no such section to look for.
_COMMENT_MARKS = ("omment", "comol", "disqus_thread", "dsq-comments")


def _comment_section(el: etree._Element) -> bool:
    ident = _COMMENT_ID if el.tag in ("ol", "ul") else _COMMENT_BOX_ID
    return bool(ident.search(el.get("id") or "") or _COMMENT_CLASS.search(el.get("class") or ""))


def drop_comment_sections(tree: etree._Element, html: str) -> None:
    """Remove readers' comment sections (keeping the text after each) unless ``html``, the
    page's source, may be a forum thread."""
    if _FORUM_MARK in html or not any(m in html for m in _COMMENT_MARKS):
        return
    found = [
        el
        for el in tree.iter("div", "section", "details", "ol", "ul")
        if (el.get("id") or el.get("class")) and _comment_section(el)
    ]
    for el in outermost(found):
        replace_with_text(el)
