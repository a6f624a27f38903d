"""Listing pages to cards: a pure function of ``(tree, url)``, no per-site selectors needed.

How cards are found:
1. every link to a same-site page that could be an article is a candidate;
2. from each candidate link, climb to the largest ancestor that still leads to that one
   article only: that is the link's card container;
3. containers are grouped by their structural signature (tags and class words of the
   container and its ancestors); sidebars, navigation and footers score low;
4. the best group is the listing. Each card's title, excerpt, date and category are
   read from its container.
A site's overrides (``SiteConfig``) replace any of these steps it names.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from itertools import islice
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from pipelines.pages.html import classes_of, text_of
from pipelines.pages.sites import GENERIC, SiteConfig, select
from pipelines.text.clean import DEFAULT_BOILERPLATE, clean_excerpt, clean_title
from pipelines.text.dates import contains_date, isoformat, parse_date
from pipelines.text.urls import BadURL, canonical_url, same_site

# Paths that are listings, taxonomies or site pages, never articles.
NON_ARTICLE_PATH = re.compile(
    r"(?:^|/)(?:tags?|t|categor(?:y|ies)|cat|topics?|labels?|authors?|users?|u|members?|team|people|staff|profiles?"
    r"|page|search|feed|rss|atom|comments?|userinfo(?:\.php)?|user\.php|profile\.php|space|type|format|login|logout|register|signin|signup"
    r"|about|about-me|contact|links|friends|privacy|terms|sitemap|wp-admin|wp-login\.php"
    r"|admin|subscribe|newsletter|donate|sponsor|guestbook|now|uses|series|collections?)"
    r"(?:/|$|\.html?$|\.php$)",
    re.I,
)
# Medium-style profiles: /@name
_PROFILE_PATH = re.compile(r"^/@[^/]+/?$")
_ARCHIVE_PATH = re.compile(r"^/(?:\d{4}/?|\d{4}/\d{1,2}/?|\d{4}/\d{1,2}/\d{1,2}/?)$")
# /archives/ and /archives/2026/01/ list posts; /archives/1432/ (Typecho) is one post.
_ARCHIVE_LISTING = re.compile(
    r"(?:^|/)archives?(?:/(?:19|20)\d{2}(?:/\d{1,2}){0,2})?/?$"
    r"|(?:^|/)archives?/(?:tags?|categor(?:y|ies)|page|date)(?:/|$)",
    re.I,
)
_FILE_EXT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|pdf|zip|gz|rar|7z|mp[34]|avi|mov|css|js|xml|json|txt|apk|exe)$",
    re.I,
)
_TAXONOMY_QUERY = {
    "cat",
    "catid",
    "category",
    "categoryid",
    "cate",
    "topic",
    "storytopic",
    "topicid",
    "tag",
    "tagid",
    "column",
    "columnid",
    "section",
    "classid",
    "typeid",
    "fid",
    "forum",
}
_ARTICLE_QUERY = {
    "id",
    "aid",
    "pid",
    "p",
    "storyid",
    "articleid",
    "article",
    "post",
    "postid",
    "tid",
    "itemid",
    "newsid",
    "docid",
    "nid",
    "blogid",
    "entry",
    "story",
}
_PAGE_QUERY = {"page", "paged", "p", "pg", "pagenum", "start", "offset"}
_BOILERPLATE_CLASS = re.compile(
    r"\b(?:side-?bar|sidebar|aside|widget|nav|navbar|navigation|menu|footer|header|masthead"
    r"|related|recommend|hot|popular|trending|most-?read|top-?posts|recent-?posts|random"
    r"|breadcrumbs?|pagination|pager|page-?nav|tag-?cloud|tagcloud|archive|archives"
    r"|comments?|share|social|author-?box|bio|banner|ads?|advert|sponsor|toc|catalog|rank)\w*",
    re.I,
)
# Per-card modifiers (WordPress post_class and the like): they differ between cards of one list.
_MODIFIER_CLASS = re.compile(
    r"^(?:category|tag|format|status|type|post-format|has|is|no|with|without|author|cat|lang|level"
    r"|topic|col)[-_]"
    r"|^(?:sticky|featured|first|last|odd|even|active|new|hot|top|pinned|large|small|wide|no-image|with-image)$",
    re.I,
)
_BOILERPLATE_TAGS = {"nav", "aside", "footer", "header"}
_READ_MORE = re.compile(
    r"^(?:阅读全文|阅读更多|查看全文|继续阅读|全文|更多|read\s*more|continue\s*reading|more|"
    r"keep\s*reading|read\s*the\s*rest|\d+\s*(?:comments?|条评论|评论|replies))\W*$",
    re.I,
)
_LABELS = re.compile(
    r"^(?:\[?(?:原创|转载|翻译|置顶|精华|推荐|热门|new|sticky|featured|pinned)\]?\s*)+", re.I
)
_NEXT_TEXT = re.compile(
    r"^(?:下一页|下页|后一页|下一頁|次へ|次のページ|较早的博文|较旧的博文|較舊的文章|较早的文章|更早的文章"
    r"|next(?:\s*page)?|older(?:\s*(?:posts|entries|articles))?"
    r"|more\s*posts|earlier\s*posts|previous\s*(?:posts|entries)|»|›|>|>>|→)\s*[»›>→]*$",
    re.I,
)
_MORE_TEXT = re.compile(
    r"^(?:load\s+more|show\s+more|more\s+(?:posts|stories|articles)|加载更多|查看更多|更多文章|載入更多)\W*$",
    re.I,
)
_DATE_CLASS = re.compile(r"date|time|posted|publish|meta|info|byline|postdesc", re.I)
# Matched against each class word: "flex-column" is layout, "post-category" is not.
_CATEGORY_WORD = re.compile(
    r"categor|(?:^|[-_])cats?$|^cats?[-_]|primary-tag|^column(?:-name|-link)?$"
    r"|^(?:post|article|entry)-(?:section|column|cat)$",
    re.I,
)


def _category_class(el: etree._Element) -> bool:
    return any(_CATEGORY_WORD.search(w) for w in classes_of(el).split())


_EXCERPT_CLASS = re.compile(
    r"excerpt|summary|desc|abstract|intro|content|entry|post-body|preview|teaser|snippet|brief|c_b_p|subtitle",
    re.I,
)
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "blockquote",
    "span",
    "a",
    "li",
    "dd",
    "summary",
    "h3",
    "h4",
    "h5",
    "h6",
}


@dataclass
class Card:
    position: int
    url: str
    title: str | None = None
    excerpt: str | None = None
    published: datetime | None = None
    category: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "card",
            "position": self.position,
            "url": self.url,
            "title": self.title,
            "excerpt": self.excerpt,
            "published": isoformat(self.published),
            "category": self.category,
        }


@dataclass
class ListingPage:
    url: str
    cards: list[Card] = field(default_factory=list)
    next_url: str | None = None
    page_number: int = 1


# --- candidate links ----------------------------------------------------------------------


def page_number_of(url: str) -> int:
    """The page number a listing URL names (``/page/3/``, ``?page=3``), 1 if none."""
    parts = urlsplit(url)
    m = re.search(r"/(?:page|p)/(\d+)/?$|[/_-]page[_-]?(\d+)(?:\.html?)?/?$", parts.path, re.I)
    if m:
        return int(m.group(1) or m.group(2))
    for k, v in parse_qsl(parts.query):
        if k.lower() in ("page", "paged", "pg", "pagenum") and (v.isascii() and v.isdigit()):
            return int(v)
    return 1


def is_article_url(url: str, listing_url: str, site: SiteConfig = GENERIC) -> bool:
    """Could this link lead to an article of the listing's site?"""
    if not same_site(url, listing_url):
        return False
    parts = urlsplit(url)
    path = parts.path or "/"
    if path in ("/", "") or path.rstrip("/") == urlsplit(listing_url).path.rstrip("/"):
        return False
    if site.skips(path) or NON_ARTICLE_PATH.search(path) or _ARCHIVE_PATH.match(path):
        return False
    if _PROFILE_PATH.match(path):
        return False
    if _ARCHIVE_LISTING.search(path):
        return False
    if _FILE_EXT.search(path):
        return False
    query_keys = {k.lower() for k, _ in parse_qsl(parts.query)}
    if query_keys & _TAXONOMY_QUERY and not query_keys & _ARTICLE_QUERY:
        return False  # index.php?storytopic=3, list.php?catid=7: a section, not a post
    return not (query_keys & _PAGE_QUERY and path.rstrip("/") in ("", "/index.php"))


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hidden(a: etree._Element) -> bool:
    """Inside markup no reader sees: hidden elements, <noscript>, <template>."""
    for node in [a, *a.iterancestors()]:
        if node.tag in ("noscript", "template") or node.get("hidden") is not None:
            return True
        if node.get("aria-hidden") == "true" and node is not a:
            return True
        if _HIDDEN_STYLE.search(node.get("style") or ""):
            return True
    return False


_MENU_WORD = re.compile(
    r"^(?:nav|navbar|navigation|menu|menus|topnav|breadcrumbs?|crumbs"
    r"|(?:nav|menu)[-_]\w+|\w+[-_](?:nav|navbar|navigation|menu))$",
    re.I,
)
_SIDEBAR_WORD = re.compile(r"side-?bar|widget|aside", re.I)


def _in_menu(a: etree._Element) -> bool:
    """Inside the site's navigation menu (not a sidebar widget that happens to use <nav>)."""
    for node in a.iterancestors():
        if node.tag in ("article", "main", "body"):
            return False
        words = classes_of(node).split()
        if node.tag == "aside" or any(_SIDEBAR_WORD.search(w) for w in words):
            return False
        if node.tag == "nav" or any(_MENU_WORD.match(w) for w in words):
            return not any(
                x.tag == "aside" or _SIDEBAR_WORD.search(classes_of(x))
                for x in node.iterancestors()
            )
    return False


_TAXONOMY_LINK = re.compile(
    r"(?:^|[\s_-])(?:tags?|badge|chip|label|categor\w*|topic)(?:$|[\s_-])", re.I
)
_PROSE_BLOCKS = {"p", "li", "blockquote", "td", "dd"}


def _inline_in_prose(a: etree._Element) -> bool:
    """A link inside a sentence ("复盘写在<a>这里</a>") points elsewhere; a card's own links
    stand alone. "Read more" links at the end of an excerpt still count."""
    text = text_of(a)
    if not text or _READ_MORE.match(text):
        return False
    block = a.getparent()
    while block is not None and block.tag not in _PROSE_BLOCKS:
        if block.tag in ("div", "article", "section", "body", "header", "h1", "h2", "h3", "h4"):
            return False
        block = block.getparent()
    return block is not None and len(text_of(block)) > 3 * len(text) + 20


def _href(a: etree._Element, base: str) -> str | None:
    href = (a.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        return canonical_url(href, base=base)
    except (BadURL, ValueError):
        return None


def _base_url(tree: etree._Element, url: str) -> str:
    for href in tree.xpath("//base/@href")[:1]:
        try:
            return canonical_url(href, base=url)
        except BadURL:
            break
    return url


# --- containers and groups ----------------------------------------------------------------


def _in_boilerplate(el: etree._Element) -> bool:
    for node in [el, *el.iterancestors()]:
        if not isinstance(node.tag, str) or node.tag in ("body", "html"):
            continue
        if node.tag in _BOILERPLATE_TAGS:
            # An <article>'s own header and footer hold its title and meta, not site furniture.
            if node.tag in ("header", "footer") and any(
                a.tag == "article" for a in node.iterancestors()
            ):
                continue
            return True
        words = classes_of(node)
        if (
            words.strip()
            and _BOILERPLATE_CLASS.search(words)
            and not any(_CONTENT_WORD.match(w) for w in words.split())
        ):
            return True
    return False


# Whole class words that mark the listing itself ("widget Blog" on Blogger, "post-list"),
# while "PopularPosts" or "related-posts" stay boilerplate.
_CONTENT_WORD = re.compile(
    r"^(?:posts?|articles?|entry|entries|cards?|items?|content|main|list|feed|hfeed|blog"
    r"|(?:post|article|entry|blog|news)[-_](?:list|feed|items?|cards?|index|loop|posts|container)"
    r"|(?:list|card|item|entry|post|article)[-_]\w+)$",
    re.I,
)


def _class_words(el: etree._Element) -> str:
    # Numbers make each card's classes unique (post-12); structure is what repeats.
    words = sorted(
        w
        for w in (el.get("class") or "").split()
        if not re.search(r"\d", w) and not _MODIFIER_CLASS.match(w)
    )
    return ".".join(words[:4])


def _signature(el: etree._Element, depth: int = 4) -> tuple[str, ...]:
    chain = [el, *list(el.iterancestors())[:depth]]
    return tuple(f"{e.tag}.{_class_words(e)}" for e in chain)


def _container(a: etree._Element, url: str, links_of: dict[Any, set[str]]) -> etree._Element:
    node = a
    for parent in a.iterancestors():
        if parent.tag in ("body", "html"):
            break
        # "Leads to another article too", without copying the set (a copy per link is
        # quadratic on a page with tens of thousands of links).
        others = links_of.get(parent, ())
        if len(others) > 1 or (others and url not in others):
            break
        node = parent
    return node


def _link_sets(root: etree._Element, anchors: list[tuple[etree._Element, str]]) -> dict:
    links_of: dict[Any, set[str]] = defaultdict(set)
    for a, url in anchors:
        for anc in a.iterancestors():
            links_of[anc].add(url)
    return links_of


@dataclass
class _Candidate:
    container: etree._Element
    url: str
    anchors: list[etree._Element]
    base: str = ""
    menu_urls: frozenset[str] = frozenset()
    # Where the card's fields are read: the container, or a copy of it and the siblings
    # that belong to it (a title block followed by its excerpt and meta blocks).
    fields_root: etree._Element | None = None

    @property
    def root(self) -> etree._Element:
        return self.fields_root if self.fields_root is not None else self.container

    @property
    def primary(self) -> etree._Element:
        """The card's main link: the one in a heading, else the one with the most text."""
        for a in self.anchors:
            for anc in a.iterancestors():
                if anc is self.container.getparent():
                    break
                if anc.tag in _HEADINGS or anc.get("role") == "heading":
                    return a
        texts = [(len(text_of(a)), i) for i, a in enumerate(self.anchors) if not _is_more(a)]
        return self.anchors[max(texts)[1]] if texts else self.anchors[0]


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _is_more(a: etree._Element) -> bool:
    return bool(_READ_MORE.match(text_of(a))) or "more" in classes_of(a)


def _score_group(cands: list[_Candidate]) -> float:
    n = len(cands)
    texts = [len(text_of(c.root)) for c in cands]
    dated = sum(1 for c in cands if contains_date(text_of(c.root)) or c.root.xpath(".//time"))
    headed = sum(1 for c in cands if c.root.xpath(".//h1|.//h2|.//h3|.//h4|.//h5"))
    rich = sum(1 for t in texts if t >= 60)
    score = n * (1.0 + 1.5 * rich / n + 0.5 * dated / n + 0.7 * headed / n)
    boiler = sum(1 for c in cands if _in_boilerplate(c.container))
    if boiler:
        score *= 0.05 if boiler == n else 0.5
    return score


def _candidates(
    root: etree._Element, page_url: str, base: str, site: SiteConfig
) -> list[_Candidate]:
    anchors: list[tuple[etree._Element, str]] = []
    menu_urls: set[str] = set()
    for a in root.iter("a"):
        if _hidden(a) or _inline_in_prose(a):
            continue
        if _TAXONOMY_LINK.search(a.get("class") or ""):
            continue  # a tag chip or category badge, whatever its URL looks like
        url = _href(a, base)
        if url and _in_menu(a):
            menu_urls.add(url)  # what the site's menu links to is a section, not a post
        elif url and is_article_url(url, page_url, site):
            anchors.append((a, url))
    anchors = [(a, url) for a, url in anchors if url not in menu_urls]
    menus = frozenset(menu_urls)
    links_of = _link_sets(root, anchors)
    by_container: dict[Any, _Candidate] = {}
    for a, url in anchors:
        c = _container(a, url, links_of)
        if c in by_container:
            by_container[c].anchors.append(a)
        else:
            by_container[c] = _Candidate(c, url, [a], base, menus)
    return list(by_container.values())


def _choose_cards(cands: list[_Candidate]) -> list[_Candidate]:
    # Cards repeat the structure around their main link, even where one container holds
    # a whole card and another only its title (two posts under one date heading).
    groups: dict[tuple[str, ...], list[_Candidate]] = defaultdict(list)
    for c in cands:
        groups[_signature(c.primary, 3)].append(c)
    if not groups:
        return []
    for group in groups.values():
        _widen_thin_containers(group)
    scored = sorted(groups.values(), key=_score_group, reverse=True)
    best = scored[0]
    if len(best) == 1 and (
        _in_boilerplate(best[0].container) or len(text_of(best[0].container)) < 20
    ):
        return []
    chosen = set(map(id, best))
    # A featured or sticky card often carries an extra class: same parent, same tag.
    parents = {c.container.getparent() for c in best}
    tags = {c.container.tag for c in best}
    extra = [
        c
        for g in scored[1:]
        for c in g
        if c.container.getparent() in parents
        and c.container.tag in tags
        and not _in_boilerplate(c.container)
    ]
    chosen |= set(map(id, extra))
    ordered = [c for c in cands if id(c) in chosen]
    order = (
        {el: i for i, el in enumerate(ordered[0].container.getroottree().iter())} if ordered else {}
    )
    ordered.sort(key=lambda c: order.get(c.container, 0))
    # One card per URL: of several blocks leading to it, the one that says the most.
    best: dict[str, _Candidate] = {}
    for c in ordered:
        if c.url not in best or len(text_of(c.root)) > len(text_of(best[c.url].root)):
            best[c.url] = c
    first = list(dict.fromkeys(c.url for c in ordered))
    return [best[u] for u in first]


def _widen_thin_containers(cards: list[_Candidate]) -> None:
    """A container holding little more than its link takes the siblings after it, up to
    the next card: the excerpt and meta blocks of layouts that list posts flat."""
    starts = {c.container for c in cards}
    for c in cards:
        link_text = len(text_of(c.primary))
        # Thin: a title link and little else. A whole-card link holds all the card already.
        if link_text > 200 or len(text_of(c.container)) > link_text + 15:
            continue
        root = etree.Element("div")
        root.append(copy.deepcopy(c.container))
        for sib in islice(c.container.itersiblings(), 8):
            if sib in starts or any(x in starts for x in sib.iterdescendants()):
                break
            if isinstance(sib.tag, str) and (sib.tag in _BOILERPLATE_TAGS or _in_boilerplate(sib)):
                break
            root.append(copy.deepcopy(sib))
        if len(root) > 1:
            for el in root:
                el.tail = None
            c.fields_root = root


# --- fields of a card ------------------------------------------------------------------------


def _first(nodes: list[Any]) -> Any:
    return nodes[0] if nodes else None


def _node_text(node: Any) -> str:
    if node is None:
        return ""
    if isinstance(node, str):
        return " ".join(node.split())
    return text_of(node)


def _card_title(c: _Candidate) -> str | None:
    headings = c.root.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6")
    # The heading holding the card's own link first; a date heading ("2026年1月11日星期日")
    # over a day's posts is not a title.
    linked = [h for h in headings if any(_href(a, c.base) == c.url for a in h.iter("a"))]
    for h in linked + headings:
        text = text_of(h)
        if not text or _READ_MORE.match(text) or (contains_date(text) and len(text) < 30):
            continue
        return _strip_labels(h, text)
    texts = []
    for a in c.anchors:
        text = text_of(a)
        if not text or _READ_MORE.match(text) or (contains_date(text) and len(text) < 30):
            continue
        if a.xpath(".//p|.//div"):
            # The whole card is one link: its title is whatever names it on its own.
            titled = [el for el in a.iter() if _TITLE_CLASS.search(el.get("class") or "")]
            if titled:
                return _strip_labels(titled[0], text_of(titled[0]))
            blocks = [
                b
                for b in a
                if isinstance(b.tag, str)
                and text_of(b)
                and not _META_CLASS.search(classes_of(b))
                and not contains_date(text_of(b))
                and not b.xpath(".//time")
            ]
            if (
                len(blocks) >= 2
                and len(text_of(blocks[0])) <= 150 < len(text_of(blocks[0])) * 4
                and len(text_of(blocks[0])) < len(text_of(blocks[-1]))
            ):
                return _strip_labels(blocks[0], text_of(blocks[0]))
            continue
        texts.append((a, text))
    if texts:
        a, text = max(texts, key=lambda t: len(t[1]))
        if len(text) <= 200:
            return _strip_labels(a, text)
    for el in c.root.xpath(".//*[contains(@class, 'title')]"):
        text = text_of(el)
        if text and len(text) <= 200:
            return _strip_labels(el, text)
    title = c.anchors[0].get("title") or c.anchors[0].get("aria-label")
    return clean_title(title) if title and not _READ_MORE.match(title) else None


def _strip_labels(el: etree._Element, text: str) -> str | None:
    for label in el.xpath(
        ".//*[contains(@class, 'type') or contains(@class, 'label') or contains(@class, 'badge') or contains(@class, 'tag')]"
    ):
        lt = text_of(label)
        if lt and len(lt) <= 6 and text.startswith(lt):
            text = text[len(lt) :].strip()
    return clean_title(_LABELS.sub("", text).strip())


_META_CLASS = re.compile(
    r"\b[\w-]*(?:date|time|meta|categor|cat|author|byline|posted|footer|tags?)\b[\w-]*", re.I
)
_TITLE_CLASS = re.compile(
    r"title|headline|heading|font-(?:semi|extra)?bold|text-(?:lg|xl|[2-4]xl)\b", re.I
)
_HIDDEN_OR_MORE = re.compile(
    r"screen-reader|sr-only|visually-hidden|more-link|read-?more|readmore|post-button|continue",
    re.I,
)


def _prose_text(el: etree._Element) -> str:
    """Text of an element without screen-reader-only text and "read more" links."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if (
            isinstance(node.tag, str)
            and node is not el
            and _HIDDEN_OR_MORE.search(classes_of(node))
        ):
            parts.append(" ")
        elif isinstance(node.tag, str):
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")

    walk(el)
    return " ".join("".join(parts).split())


def _excerpt(c: _Candidate, title: str | None, skip: set[str]) -> str | None:
    best: tuple[float, str] | None = None
    primary = c.primary
    title_link = text_of(primary) if not primary.xpath(".//p|.//div") else ""
    for el in c.root.iter():
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS:
            continue
        if el.xpath(".//time") or any(
            text_of(h) == title for h in el.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6")
        ):
            continue
        if _HIDDEN_OR_MORE.search(classes_of(el)):
            continue
        if any(
            isinstance(d.tag, str) and _META_CLASS.search(classes_of(d))
            for d in el.iterdescendants()
        ):
            continue  # holds the date/category line: the summary is a smaller block inside
        if title_link and any(text_of(a) == title_link for a in el.iter("a")):
            continue  # the block with the title link, not the summary
        if title and any(
            text_of(d) == title for d in el.iterdescendants() if isinstance(d.tag, str)
        ):
            continue
        text = _prose_text(el)
        if not text or text in skip or (title and text == title) or _READ_MORE.match(text):
            continue
        if contains_date(text) and (len(text) < 40 or sum(text.count(ch) for ch in "|·•:：") >= 2):
            continue  # a meta line: "分類: 活動 2026-1-7 14:35 | 發佈者: …"
        if title and title in text and len(text) < len(title) + 20:
            continue
        score = len(text) * (1.5 if _EXCERPT_CLASS.search(classes_of(el)) else 1.0)
        if el.tag == "p":
            score *= 1.2
        if best is None or score > best[0]:
            best = (score, text)
    if best is None or len(best[1]) < 15:
        return None
    return best[1]


def _date(c: _Candidate, tz: tzinfo) -> datetime | None:
    for value in c.root.xpath(
        ".//abbr[contains(@class, 'published')]/@title | .//*[@itemprop='datePublished']/@content"
        " | .//*[@itemprop='datePublished']/@datetime"
    ):
        dt = parse_date(str(value), tz)
        if dt:
            return dt
    for t in c.root.xpath(".//time"):
        stamp = t.get("data-ts") or t.get("data-timestamp") or t.get("data-time") or ""
        if (stamp.isascii() and stamp.isdigit()) and len(stamp) in (10, 13):
            return datetime.fromtimestamp(int(stamp[:10]), tz=UTC)
        dt = parse_date(t.get("datetime") or text_of(t), tz)
        if dt:
            return dt
    for el in c.root.iter():
        if isinstance(el.tag, str) and _DATE_CLASS.search(classes_of(el)):
            dt = parse_date(text_of(el), tz)
            if dt:
                return dt
    for node in c.root.xpath(".//text()"):
        text = str(node).strip()
        if text and len(text) <= 60 and contains_date(text):
            dt = parse_date(text, tz)
            if dt:
                return dt
    return None


def _category(c: _Candidate) -> str | None:
    for a in c.root.xpath(".//a[contains(concat(' ', @rel, ' '), ' category ')]"):
        return text_of(a) or None
    for el in c.root.iter():
        if isinstance(el.tag, str) and _category_class(el):
            links = el.xpath(".//a") if el.tag != "a" else [el]
            text = text_of(links[0]) if links else text_of(el)
            text = re.sub(
                r"^(?:(?:分类|Category|Categories|栏目)\s*[:：]?|in\s)\s*", "", text, flags=re.I
            )
            text = re.split(r"\s*[,，、|/]\s*", text)[0]
            if text and len(text) <= 40:
                return text
    for a in c.root.xpath(".//a[@href]"):
        href = a.get("href") or ""
        try:
            keys = {k.lower() for k, _ in parse_qsl(urlsplit(href).query)}
        except ValueError:  # "http://[::1": no URL at all
            continue
        if re.search(r"/categor(?:y|ies)/|/cat/|/column/", href) or (
            keys & _TAXONOMY_QUERY - {"tag", "tagid"} and not keys & _ARTICLE_QUERY
        ):
            text = text_of(a) or (a.xpath("string(.//img/@alt)") or "").strip()
            if text:
                return text
    # A link from the card to a section of the site's menu names the card's section.
    for a in c.root.iter("a"):
        if c.menu_urls and _href(a, c.base) in c.menu_urls and 0 < len(text_of(a)) <= 20:
            return text_of(a)
    return None


def _card_fields(
    c: _Candidate, position: int, site: SiteConfig, boilerplate: tuple[str, ...]
) -> Card:
    el = c.root
    tz = site.tz
    title = (
        clean_title(_node_text(_first(select(el, site.title)))) if site.title else _card_title(c)
    )
    published = (
        parse_date(_node_text(_first(select(el, site.date))), tz) if site.date else _date(c, tz)
    )
    category = (
        (_node_text(_first(select(el, site.category))) or None) if site.category else _category(c)
    )
    skip = {x for x in (category,) if x}
    raw_excerpt = (
        _node_text(_first(select(el, site.excerpt))) if site.excerpt else _excerpt(c, title, skip)
    )
    excerpt = clean_excerpt(raw_excerpt, boilerplate + site.boilerplate)
    if excerpt and title and excerpt == title:
        excerpt = None
    return Card(position, c.url, title, excerpt, published, category)


# --- next page ---------------------------------------------------------------------------------


def find_next(tree: etree._Element, url: str, base: str, site: SiteConfig = GENERIC) -> str | None:
    """The listing's next (older) page, or None on the last page."""

    def ok(href: str | None) -> str | None:
        if not href:
            return None
        try:
            nxt = canonical_url(href, base=base)
        except BadURL:
            return None
        if not same_site(nxt, url) or nxt == canonical_url(url):
            return None
        return nxt

    if site.next_page:
        for node in select(tree, site.next_page):
            href = node if isinstance(node, str) else node.get("href")
            if ok(href):
                return ok(href)
        return None
    for href in tree.xpath("//link[contains(concat(' ', @rel, ' '), ' next ')]/@href"):
        if ok(href):
            return ok(href)
    for a in tree.xpath("//a[contains(concat(' ', @rel, ' '), ' next ')]"):
        if ok(a.get("href")):
            return ok(a.get("href"))
    current = page_number_of(url)
    by_text = []
    numbered = []
    for a in tree.iter("a"):
        text = text_of(a) or (a.get("aria-label") or "").strip() or (a.get("title") or "").strip()
        href = a.get("href")
        words = classes_of(a) + " " + classes_of(a.getparent()) if a.getparent() is not None else ""
        if _NEXT_TEXT.match(text) or re.search(r"\bnext\b|\bolder\b|[-_]older[-_]", words):
            target = ok(href)
            if target and not re.search(r"\bprev", words):
                by_text.append(target)
        elif text.isascii() and text.isdigit() and int(text) == current + 1:  # not "²"
            target = ok(href)
            if target:
                numbered.append(target)
        elif _MORE_TEXT.match(text):
            # "Load more" is a next page only when its link names a later page number.
            target = ok(href)
            if target and page_number_of(target) > current:
                numbered.append(target)
    for target in by_text:
        # A "next" that goes back to an earlier page is a "next post" or a wrap-around.
        if page_number_of(target) > current or (page_number_of(target) == 1 and current == 1):
            return target
    return numbered[0] if numbered else None


# --- the detector ------------------------------------------------------------------------------


def detect_cards(
    tree: etree._Element,
    url: str,
    site: SiteConfig = GENERIC,
    boilerplate: tuple[str, ...] = DEFAULT_BOILERPLATE,
) -> ListingPage:
    """The cards of a listing page, in page order, and its next page."""
    base = _base_url(tree, url)
    body = tree.find(".//body")
    root = body if body is not None else tree
    if site.card:
        chosen = []
        for el in select(root, site.card):
            link_nodes = select(el, site.link) if site.link else el.xpath(".//a[@href]")
            if not link_nodes:
                continue
            first = link_nodes[0]
            href = first if isinstance(first, str) else first.get("href")
            target = _href(etree.Element("a", href=href or ""), base)
            if target:
                anchors = [n for n in link_nodes if not isinstance(n, str)] or [el]
                chosen.append(_Candidate(el, target, anchors))
    else:
        chosen = _choose_cards(_candidates(root, url, base, site))
    cards = [_card_fields(c, i, site, boilerplate) for i, c in enumerate(chosen, start=1)]
    return ListingPage(
        url=url,
        cards=cards,
        next_url=find_next(tree, url, base, site) if cards else None,
        page_number=page_number_of(url),
    )
