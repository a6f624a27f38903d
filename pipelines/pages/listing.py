"""Listing pages to cards: a pure function of ``(tree, url)``, no per-site selectors needed.

How cards are found:
1. every link to a same-site page that could be an article is a candidate;
2. from each candidate link, climb to the largest ancestor that still leads to that one
   article only: that is the link's card container;
3. containers are grouped by their structural signature (tags and class words of the
   container and its ancestors); sidebars, navigation and footers score low;
4. the best group is the listing, joined by groups that show the same stories again and,
   on a news front (undated headline links spread over modules), by every module of
   headlines outside site chrome. Each card's title, excerpt, date and category are read
   from its container.
A site's overrides (``SiteConfig``) replace any of these steps it names.
"""

from __future__ import annotations

import copy
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from itertools import islice
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import tldextract
from lxml import etree

from pipelines.model import FetchedPage
from pipelines.pages.furniture import CHROME_TAGS, chrome_level, forget_page, wraps_the_page
from pipelines.pages.html import classes_of, nearest_answer, parse_page, text_of
from pipelines.pages.sites import GENERIC, SiteConfig, select
from pipelines.text.clean import DEFAULT_BOILERPLATE, clean_excerpt, clean_title
from pipelines.text.dates import contains_date, isoformat, parse_date
from pipelines.text.urls import BadURL, canonical_url, same_site, site_of

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
# Files that are never an article. A PDF can be: an announcement published as a PDF.
_FILE_EXT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|zip|gz|rar|7z|mp[34]|avi|mov|css|js|xml|json|txt|apk|exe)$",
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
# Per-card modifiers (WordPress post_class and the like): they differ between cards of one list.
_MODIFIER_CLASS = re.compile(
    r"^(?:category|tag|format|status|type|post-format|has|is|no|with|without|author|cat|lang|level"
    r"|topic|col)[-_]"
    r"|^(?:sticky|featured|first|last|odd|even|active|new|hot|top|pinned|large|small|wide|no-image|with-image)$",
    re.I,
)
_READ_MORE = re.compile(
    r"^(?:阅读全文|阅读更多|查看全文|继续阅读|全文|更多|read\s*more|continue\s*reading|more|"
    r"keep\s*reading|read\s*the\s*rest|\d+\s*(?:comments?|条评论|评论|replies))\W*$",
    re.I,
)
_LABELS = re.compile(
    r"^(?:\[?(?:原创|转载|翻译|置顶|精华|推荐|热门|new|sticky|featured|pinned)\]?\s*)+", re.I
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


def is_article_url(
    url: str, listing_url: str, site: SiteConfig = GENERIC, scope: SiteScope | None = None
) -> bool:
    """Could this link lead to an article of the listing's site?"""
    if not (scope.holds(url) if scope is not None else same_site(url, listing_url)):
        return False
    parts = urlsplit(url)
    path = parts.path or "/"
    if path in ("/", "") or path.rstrip("/") == urlsplit(listing_url).path.rstrip("/"):
        return False
    if site.skips(path) or _FILE_EXT.search(path):
        return False
    if path.lower().endswith(".pdf"):
        return True  # its folders say where it is stored ("/upload/user/1/"), not what it is
    if NON_ARTICLE_PATH.search(path) or _ARCHIVE_PATH.match(path):
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


@functools.lru_cache(maxsize=4096)
def _owner(host: str) -> str:
    """The registrable domain of a host (``uk.news.yahoo.com`` -> ``yahoo.com``); hosting
    platforms' suffixes count (``a.github.io`` and ``b.github.io`` have different owners)."""
    host = host.lower().rstrip(".")
    if not host:
        return ""
    part = _SUFFIXES(host)
    return part.top_domain_under_public_suffix or host


# The bundled public suffix list only: no download, no cache files.
_SUFFIXES = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)


def _host_of(url: str) -> str:
    try:
        return site_of(url)
    except ValueError:  # "http://[::1": no host at all
        return ""


@dataclass(frozen=True)
class SiteScope:
    """The sites a listing's cards may link to: the page's registrable domain (sections on
    sibling hosts, as news.example.com and money.example.com, are one publisher), the domain
    its canonical address names, and, for a saved copy opened under a non-public address
    that no absolute link names, the domain most of its absolute links name."""

    owners: frozenset[str]

    def holds(self, url: str) -> bool:
        return _owner(_host_of(url)) in self.owners

    @classmethod
    def of(cls, tree: etree._Element, url: str) -> SiteScope:
        own = _owner(_host_of(url))
        owners = {own}
        for href in tree.xpath(
            "//link[contains(concat(' ', @rel, ' '), ' canonical ')]/@href"
            " | //meta[@property='og:url']/@content"
        )[:2]:
            if str(href).startswith(("http://", "https://")):
                owners.add(_owner(_host_of(str(href))))
        counts: dict[str, int] = defaultdict(int)
        for href in tree.xpath("//a/@href"):
            href = str(href).strip()
            if href.startswith(("http://", "https://", "//")):
                counts[_owner(_host_of(href if "://" in href else "http:" + href))] += 1
        total = sum(counts.values())
        # Only an address that cannot be the page's real home (a reserved name such as
        # ``.invalid``, an IP, localhost) makes the page a copy: a real site whose own links
        # are all relative must not adopt the domain its footer links to most.
        public = bool(_SUFFIXES(_host_of(url)).suffix)
        if counts and not public and not counts.get(own) and len(owners) == 1:
            top, n = max(counts.items(), key=lambda kv: kv[1])
            if n >= 10 and 2 * n >= total:
                owners.add(top)
        owners.discard("")
        return cls(frozenset(owners))


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hides(node: etree._Element) -> bool | None:
    if node.tag in ("noscript", "template") or node.get("hidden") is not None:
        return True
    if node.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(node.get("style") or ""):
        return True
    return None


def _hidden(a: etree._Element, memo: dict[etree._Element, bool] | None = None) -> bool:
    """Inside markup no reader sees: hidden elements, <noscript>, <template>."""
    if a.tag in ("noscript", "template") or a.get("hidden") is not None:
        return True
    # A link's own aria-hidden hides only its icon from screen readers: its ancestors' hide it.
    if _HIDDEN_STYLE.search(a.get("style") or ""):
        return True
    return nearest_answer(a.getparent(), _hides, {} if memo is None else memo, False)


_MENU_WORD = re.compile(
    r"^(?:nav|navbar|navigation|menu|menus|topnav|breadcrumbs?|crumbs"
    r"|(?:nav|menu)[-_]\w+|\w+[-_](?:nav|navbar|navigation|menu))$",
    re.I,
)
_SIDEBAR_WORD = re.compile(r"side-?bar|widget|aside", re.I)


def _menu_verdict(node: etree._Element) -> bool | None:
    if node.tag in ("article", "main", "body") or node.get("role") == "main":
        return False
    words = classes_of(node).split()
    if node.tag == "aside" or any(_SIDEBAR_WORD.search(w) for w in words):
        return False
    named = any(_MENU_WORD.match(w) for w in words) and not wraps_the_page(node)
    if node.tag == "nav" or named:
        return not any(
            x.tag == "aside" or _SIDEBAR_WORD.search(classes_of(x)) for x in node.iterancestors()
        )
    return None


def _in_menu(a: etree._Element, memo: dict[etree._Element, bool] | None = None) -> bool:
    """Inside the site's navigation menu (not a sidebar widget that happens to use <nav>)."""
    return nearest_answer(a.getparent(), _menu_verdict, {} if memo is None else memo, False)


_TAXONOMY_LINK = re.compile(
    r"(?:^|[\s_-])(?:tags?|badge|chip|label|categor\w*|topic)(?:$|[\s_-])", re.I
)
_PROSE_BLOCKS = {"p", "li", "blockquote", "td", "dd"}


def _inline_in_prose(
    a: etree._Element, blocks: dict[etree._Element, tuple[str, int]] | None = None
) -> bool:
    """A link inside a sentence ("复盘写在<a>这里</a>") points elsewhere; a card's own links
    stand alone. "Read more" links at the end of an excerpt still count.

    ``blocks`` keeps each prose block's text and linked length: a block holding thousands
    of links is read once, not once per link."""
    text = text_of(a)
    if not text or _READ_MORE.match(text):
        return False
    block = a.getparent()
    while block is not None and block.tag not in _PROSE_BLOCKS:
        if block.tag in ("div", "article", "section", "body", "header", "h1", "h2", "h3", "h4"):
            return False
        block = block.getparent()
    if block is None:
        return False
    known = blocks.get(block) if blocks is not None else None
    if known is None:
        known = (text_of(block), sum(len(text_of(x)) for x in block.iter("a")))
        if blocks is not None:
            blocks[block] = known
    whole, linked = known
    if len(whole) <= 3 * len(text) + 20:
        return False
    # A row of links (a carousel's item labels) is no sentence: little text is not a link's.
    if len(whole) - linked <= max(20, len(whole) // 5):
        return False
    # A link that opens its item ("<li><a>title</a> date <p>excerpt</p></li>") is the item's
    # title, not a word of a sentence.
    return not whole.startswith(text)


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
    return chrome_level(el) > 0


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


def _link_label(a: etree._Element) -> str:
    return text_of(a) or (a.get("title") or "").strip() or " ".join(a.xpath(".//img/@alt"))


def _one_label(cands: list[_Candidate]) -> bool:
    """Every link of the group says the same thing ("编辑", "Download", an empty icon): an
    action beside each card, not the cards' titles, which differ from one another."""
    if len(cands) < 2:
        return False
    labels = {_link_label(c.primary).casefold() for c in cands}
    return len(labels) == 1


def _score_group(cands: list[_Candidate]) -> float:
    n = len(cands)
    texts = [len(text_of(c.root)) for c in cands]
    dated = sum(1 for c in cands if contains_date(text_of(c.root)) or c.root.xpath(".//time"))
    headed = sum(1 for c in cands if c.root.xpath(".//h1|.//h2|.//h3|.//h4|.//h5"))
    rich = sum(1 for t in texts if t >= 60)
    score = n * (1.0 + 1.5 * rich / n + 0.5 * dated / n + 0.7 * headed / n)
    # Bare labels ("上海", "Sport", "Login") with nothing beside them are a menu, whatever
    # its classes are called; a story's headline is a phrase.
    labels = sum(
        1
        for c, t in zip(cands, texts, strict=True)
        if not _headline(c) and t <= len(text_of(c.primary)) + 10
    )
    if labels >= 0.8 * n and not dated:
        score *= 0.25
    boiler = sum(1 for c in cands if _in_boilerplate(c.container))
    if boiler:
        score *= 0.05 if boiler == n else 0.5
    return score


def _candidates(
    root: etree._Element, page_url: str, base: str, site: SiteConfig
) -> list[_Candidate]:
    anchors: list[tuple[etree._Element, str]] = []
    menu_urls: set[str] = set()
    headed: set[str] = set()
    scope = SiteScope.of(root.getroottree().getroot(), page_url)
    blocks: dict[etree._Element, tuple[str, int]] = {}
    hidden: dict[etree._Element, bool] = {}
    menu: dict[etree._Element, bool] = {}
    for a in root.iter("a"):
        if _hidden(a, hidden) or _inline_in_prose(a, blocks):
            continue
        if _TAXONOMY_LINK.search(a.get("class") or ""):
            continue  # a tag chip or category badge, whatever its URL looks like
        url = _href(a, base)
        if url and _in_menu(a, menu):
            menu_urls.add(url)  # what the site's menu links to is a section, not a post
        elif url and is_article_url(url, page_url, site, scope):
            anchors.append((a, url))
            if any(h.tag in _HEADINGS for h in a.iterancestors()):
                headed.add(url)
    # A menu that lists every post (a docs theme's navigation) does not make the posts
    # sections: a link that is also some block's heading stays a candidate.
    menu_urls -= headed
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


# "13664 跟贴", "12 comments", "845": a counter beside each card, never a card of its own.
_COUNT_LABEL = re.compile(r"\W*\d[\d,.]*\s*[kKmM万千]?\s*\w{0,10}\s*\d*\W*")


# A group that only repeats the cards of the listing's earlier pages, seen on a later one.
_REPEAT_WEIGHT = 0.05


def _choose_cards(cands: list[_Candidate], seen: frozenset[str] = frozenset()) -> list[_Candidate]:
    """The cards among the page's candidates. ``seen``: the cards of the listing's earlier
    pages, when this is a later one; a group of those alone is a "recent posts" widget, which
    on a last page of two posts would otherwise outweigh the list."""
    # Cards repeat the structure around their main link, even where one container holds
    # a whole card and another only its title (two posts under one date heading).
    groups: dict[tuple[str, ...], list[_Candidate]] = defaultdict(list)
    for c in cands:
        groups[_signature(c.primary, 3)].append(c)
    if not groups:
        return []
    for group in groups.values():
        _widen_thin_containers(group)
    titled = [g for g in groups.values() if not _one_label(g)]

    def score(group: list[_Candidate]) -> float:
        repeat = bool(seen) and all(c.url in seen for c in group)
        return _score_group(group) * (_REPEAT_WEIGHT if repeat else 1.0)

    scored = sorted(titled or groups.values(), key=score, reverse=True)
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
        and not _COUNT_LABEL.fullmatch(text_of(c.primary))
    ]
    chosen |= set(map(id, extra))
    chosen |= set(map(id, _more_of_the_list(best, scored[1:])))
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


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _headline(c: _Candidate) -> bool:
    """The card's link reads as a story's headline: a phrase, not a label ("Sport", "更多")."""
    text = text_of(c.primary)
    if not text or len(text) > 200 or _READ_MORE.match(text):
        return False
    return len(_CJK.findall(text)) >= 8 or (len(text.split()) >= 3 and len(text) >= 15)


def _headline_group(group: list[_Candidate]) -> bool:
    if _one_label(group) or any(_in_boilerplate(c.container) for c in group):
        return False
    return sum(map(_headline, group)) >= 0.6 * len(group)


def _dated(group: list[_Candidate]) -> float:
    return sum(1 for c in group if contains_date(text_of(c.root)) or c.root.xpath(".//time")) / len(
        group
    )


def _more_of_the_list(best: list[_Candidate], others: list[list[_Candidate]]) -> list[_Candidate]:
    """Groups that belong with the best one.

    Another view of the same stories (an image link per card where only some cards have an
    image, and a heading link on every card) is the same list: a group whose links lead
    mostly to the chosen stories joins it. On a news front, where headline stories are
    spread over many modules with undated, bare headline links, every module of headlines
    in the content area is the listing. A blog's post list shows dates; its widgets (recent,
    hot, related lists) are left out.
    """
    urls = {c.url for c in best}
    extra: list[_Candidate] = []
    for group in others:
        if (
            len(group) >= 2
            and not any(_in_boilerplate(c.container) for c in group)
            and sum(1 for c in group if c.url in urls) >= 0.75 * len(group)
        ):
            extra += group
    headlines = [g for g in others if _headline_group(g)]
    front = (
        _dated(best) < 0.5
        and sum(map(_headline, best)) >= 0.6 * len(best)
        and sum(1 for g in headlines if len(g) >= 2) >= 3
    )
    if front:
        extra += [c for g in headlines for c in g]
    return extra


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
            if isinstance(sib.tag, str) and (sib.tag in CHROME_TAGS or _in_boilerplate(sib)):
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
    # Each block asks about the blocks inside it: every text is read once per card, and the
    # blocks holding a date/category line are marked in one pass.
    texts: dict[etree._Element, str] = {}

    def read(el: etree._Element) -> str:
        if el not in texts:
            texts[el] = text_of(el)
        return texts[el]

    holds_meta: set[etree._Element] = set()
    for d in c.root.iterdescendants():
        if isinstance(d.tag, str) and _META_CLASS.search(classes_of(d)):
            for a in d.iterancestors():
                if a in holds_meta:
                    break
                holds_meta.add(a)
                if a is c.root:
                    break
    for el in c.root.iter():
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS:
            continue
        if el.xpath(".//time") or any(
            read(h) == title for h in el.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6")
        ):
            continue
        if _HIDDEN_OR_MORE.search(classes_of(el)):
            continue
        if el in holds_meta:
            continue  # holds the date/category line: the summary is a smaller block inside
        if title_link and any(read(a) == title_link for a in el.iter("a")):
            continue  # the block with the title link, not the summary
        if title and any(read(d) == title for d in el.iterdescendants() if isinstance(d.tag, str)):
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


def _wraps_entry(el: etree._Element, links: list[etree._Element], c: _Candidate) -> bool:
    """A category-classed element holding a link to the card's own URL is the entry.

    WordPress' post_class() puts ``category-<slug>`` on every post's wrapper: a class that
    styles the whole entry by its category, not a label to read the category from (a
    category label links to its archive, never to the post).
    """
    return any(_href(a, c.base) == c.url for a in links)


def _category(c: _Candidate) -> str | None:
    for a in c.root.xpath(".//a[contains(concat(' ', @rel, ' '), ' category ')]"):
        return text_of(a) or None
    for el in c.root.iter():
        if isinstance(el.tag, str) and _category_class(el):
            links = el.xpath(".//a") if el.tag != "a" else [el]
            if _wraps_entry(el, links, c):
                continue
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

# Next/older labels, whole: "Next", "Older posts", "下一页", "Nächste Seite ›", "Следующая →".
_NEXT_WORDS = (
    r"下一页|下页|下一頁|下頁|后一页|後一頁|后页|後頁|较早的博文|较旧的博文|較舊的文章|较早的文章|更早的文章"
    r"|次へ|次のページ|次ページ|次の\d+件|次"
    r"|다음\s*페이지|다음"
    r"|next(?:\s*page)?|older(?:\s*(?:posts|entries|articles|stories))?|more\s*posts|earlier\s*posts"
    r"|previous\s*(?:posts|entries)"
    r"|weiter|nächste(?:\s*seite)?|vorwärts|ältere\s*(?:beiträge|einträge|artikel)"
    r"|suivante?|page\s*suivante|articles\s*plus\s*anciens"
    r"|siguiente|página\s*siguiente|entradas\s*anteriores|más\s*antiguas"
    r"|successiv[ao]|pagina\s*successiva|avanti|articoli\s*precedenti"
    r"|próxim[oa](?:\s*página)?|seguinte|posts\s*mais\s*antigos"
    r"|следующая(?:\s*страница)?|далее|вперёд|вперед|след\."
    r"|następna(?:\s*strona)?|dalej|starsze\s*wpisy"
    r"|další|následující|starší\s*příspěvky"
    r"|επόμενη(?:\s*σελίδα)?|επόμενο"
    r"|sonraki(?:\s*sayfa)?|ileri"
    r"|volgende(?:\s*pagina)?|oudere\s*berichten"
)
_ARROWS = r"»›>→⟩〉⟫▶►❯⇒▸"
_NEXT_TEXT = re.compile(
    rf"^[\s{_ARROWS}<«‹]*(?:{_NEXT_WORDS})[\s{_ARROWS}.…:]*$|^\s*[{_ARROWS}]{{1,2}}\s*$", re.I
)
_ICON_NEXT = re.compile(
    r"(?:chevron|angle|arrow|caret|triangle)-?(?:right|forward|next)|icon-?next|\bnext\b|right-arrow",
    re.I,
)
_PREV = re.compile(r"\bprev|previous|newer|\bback\b|上一|前へ|이전|zurück|précédent", re.I)
_MORE_TEXT = re.compile(
    r"^(?:load\s+more|show\s+more|more\s+(?:posts|stories|articles)|加载更多|查看更多|更多文章|載入更多)\W*$",
    re.I,
)
_CURRENT_CLASS = re.compile(
    r"(?:^|[-_\s])(?:current|active|on|cur|selected|this-?page|page-?now|now)(?:$|[-_\s])", re.I
)
_DISABLED = re.compile(r"(?:^|[-_\s])disabled?(?:$|[-_\s])", re.I)
_CALENDAR = re.compile(r"calendar|datepicker", re.I)
# Query keys that count pages or items; any other key a link changes sorts or filters.
_PAGING_KEYS = {
    "page",
    "paged",
    "p",
    "pg",
    "pagenum",
    "pageno",
    "pn",
    "start",
    "offset",
    "from",
    "skip",
    "cpage",
}
_PAGEN = re.compile(r"^pagen_\d+$", re.I)
_PAGE_PATH = re.compile(
    r"/(?:page|p)/(\d+)/?$"  # /page/3/
    r"|[/_-]page[_-]?(\d+)(?:\.html?)?/?$"  # /page3/, -page-3.html
    r"|/index[_-](\d+)\.s?html?$"  # index-3.html, index_3.shtml
    r"|/[a-z]+[_-](\d{1,4})\.s?html?$"  # information_3.html, list-3.html
    r"|/(?:index|default)(\d{1,4})\.s?html?$",  # index2.html
    re.I,
)


def _paging_key(k: str) -> bool:
    return k.lower() in _PAGING_KEYS or bool(_PAGEN.match(k))


def page_number_of(url: str) -> int:
    """The page number a listing URL names (``/page/3/``, ``?page=3``, ``index_3.html``,
    ``?PAGEN_1=3``), 1 if none. An item offset (``?start=20``) is not a page number."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return 1
    for k, v in parse_qsl(parts.query):
        if (
            k.lower() in ("page", "paged", "pg", "pagenum", "pageno", "pn", "cpage")
            or _PAGEN.match(k)
        ) and (v.isascii() and v.isdigit()):
            return int(v)
    m = _PAGE_PATH.search(parts.path)
    if m:
        return int(next(g for g in m.groups() if g))
    return 1


def _counter(url: str) -> tuple[int, int]:
    """(page number, item offset) of a listing URL, for ordering pages of one list."""
    offset = 0
    try:
        query = parse_qsl(urlsplit(url).query)
    except ValueError:
        return 1, 0
    for k, v in query:
        if k.lower() in ("start", "offset", "from", "skip") and v.isascii() and v.isdigit():
            offset = int(v)
    return page_number_of(url), offset


def _later(target: str, url: str) -> bool:
    return _counter(target) > _counter(url)


_LIST_KIND = re.compile(
    r"(?:^|/)(?:tags?|categor(?:y|ies)|topics?|labels?|authors?|archives?|series)(?:/|$)",
    re.I,
)


def _onward(target: str, url: str) -> bool:
    """Could ``target`` be the page after ``url`` in the same list? Not the head of the list
    again (a wrap-around, or a "next" that is a newer page), and not a move from this list
    into a tag, category or archive listing (a docs theme's ``rel=next`` to the next
    document). Counting down is allowed when the target names its page (Nikola's
    ``index-2.html`` -> ``index-1.html``)."""
    try:
        here, there = urlsplit(url).path, urlsplit(target).path
    except ValueError:
        return False
    if _LIST_KIND.search(there) and not _LIST_KIND.search(here):
        return False
    if _later(target, url) or _counter(target) == _counter(url) == (1, 0):
        return True
    return there != here and _PAGE_PATH.search(there) is not None


_SORT_KEY = re.compile(r"sort|order|filter|view|display|layout|lang", re.I)


def _changes_filter(target: str, url: str) -> bool:
    """The link sorts or filters the list: it sets a sort/filter key, or changes or drops a
    key the page's own address has (other than a page counter). Keys it only adds, such as
    Blogger's ``updated-max``, page on."""
    try:
        mine = dict(parse_qsl(urlsplit(url).query))
        theirs = dict(parse_qsl(urlsplit(target).query))
    except ValueError:
        return True
    for k, v in theirs.items():
        if _paging_key(k):
            continue
        if (_SORT_KEY.search(k) and mine.get(k) != v) or (k in mine and mine[k] != v):
            return True
    return any(k not in theirs and not _paging_key(k) for k in mine)


def _label(a: etree._Element) -> str:
    text = text_of(a)
    if text:
        return text
    for value in (a.get("aria-label"), a.get("title"), *a.xpath(".//img/@alt")):
        if value and value.strip():
            return value.strip()
    for el in a.iter():
        if isinstance(el.tag, str) and el is not a and _ICON_NEXT.search(el.get("class") or ""):
            return "next"
        if el.tag in ("svg", "use") and _ICON_NEXT.search(
            f"{el.get('class') or ''} {el.get('href') or ''} {el.get('{http://www.w3.org/1999/xlink}href') or ''}"
        ):
            return "next"
    return ""


def _near_words(a: etree._Element) -> str:
    parent = a.getparent()
    return classes_of(a) + " " + (classes_of(parent) if parent is not None else "")


def _in_calendar(a: etree._Element) -> bool:
    for node in islice(a.iterancestors(), 6):
        if node.tag == "table" and len(node.xpath(".//td")) >= 28:
            return True
        if _CALENDAR.search(classes_of(node)):
            return True
    return False


def _number(el: etree._Element) -> int | None:
    text = text_of(el).strip("[]() ")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 5 else None


def _numbered_next(tree: etree._Element, url: str, ok: Any) -> tuple[str | None, bool]:
    """The link after the current page of a numbered pager, and whether a pager that
    shows its current page was found (then no link after it means the last page)."""
    numbered: dict[Any, list[etree._Element]] = defaultdict(list)
    for a in tree.iter("a"):
        if _number(a) is not None:
            for box in islice(a.iterancestors(), 3):
                numbered[box].append(a)
    pagers = [box for box, links in numbered.items() if len(links) >= 2]
    # The innermost boxes: a box holding a smaller pager is that pager's wrapper.
    pagers = [
        b for b in pagers if not any(o is not b and b in set(o.iterancestors()) for o in pagers)
    ]
    seen_current = False
    for box in pagers:
        current = None
        for el in box.iter():
            if not isinstance(el.tag, str):
                continue
            n = _number(el)
            if n is None or (el.tag != "a" and el.xpath(".//a")):
                continue
            marked = (
                el.get("aria-current") in ("page", "true")
                or _CURRENT_CLASS.search(el.get("class") or "")
                or (
                    el.getparent() is not None
                    and _CURRENT_CLASS.search(el.getparent().get("class") or "")
                )
                or (
                    el.tag != "a"
                    and not any(x.tag == "a" for x in el.iterancestors())
                    and el.tag in ("span", "b", "strong", "em", "li", "font", "em")
                )
            )
            if marked:
                current = n
                break
        if current is None:
            current = page_number_of(url)
        else:
            seen_current = True
        for a in numbered[box]:
            if _number(a) == current + 1:
                target = ok(a.get("href"))
                if target and not _changes_filter(target, url):
                    return target, seen_current
    return None, seen_current


def find_next(
    tree: etree._Element,
    url: str,
    base: str,
    site: SiteConfig = GENERIC,
    card_urls: frozenset[str] = frozenset(),
) -> str | None:
    """The listing's next (older) page, or None on the last page."""

    def ok(href: str | None) -> str | None:
        if not href:
            return None
        try:
            nxt = canonical_url(href.strip(), base=base)
        except (BadURL, ValueError):
            return None
        if not same_site(nxt, url) or nxt == canonical_url(url) or nxt in card_urls:
            return None
        if _ARCHIVE_PATH.match(urlsplit(nxt).path) and not _ARCHIVE_PATH.match(urlsplit(url).path):
            return None  # a month of the archive, not the next page of this list
        return nxt

    if site.next_page:
        for node in select(tree, site.next_page):
            href = node if isinstance(node, str) else node.get("href")
            if ok(href):
                return ok(href)
        return None
    for a in tree.xpath(
        "//link[contains(concat(' ', @rel, ' '), ' next ')]"
        " | //a[contains(concat(' ', @rel, ' '), ' next ')]"
    ):
        target = ok(a.get("href"))
        if target and _onward(target, url):
            return target
    by_text: list[str] = []
    more: list[str] = []
    for a in tree.iter("a"):
        href = a.get("href")
        if not href or _DISABLED.search(classes_of(a)) or a.get("aria-disabled") == "true":
            continue
        label = _label(a)
        words = _near_words(a)
        if _NEXT_TEXT.match(label) or re.search(
            r"\bnext\b|\bolder\b|[-_]older[-_]|[-_]next\b", words
        ):
            if _PREV.search(words) or _PREV.search(label) or _in_calendar(a):
                continue
            target = ok(href)
            if target and not _changes_filter(target, url):
                by_text.append(target)
        elif _MORE_TEXT.match(label):
            # "Load more" is a next page only when its link names a later page.
            target = ok(href)
            if target and _later(target, url) and not _changes_filter(target, url):
                more.append(target)
    for target in by_text:
        if _onward(target, url):
            return target
    numbered, _ = _numbered_next(tree, url, ok)
    if numbered:
        return numbered
    return more[0] if more else None


# --- the detector ------------------------------------------------------------------------------


def detect_cards(
    tree: etree._Element,
    url: str,
    site: SiteConfig = GENERIC,
    boilerplate: tuple[str, ...] = DEFAULT_BOILERPLATE,
    seen: frozenset[str] = frozenset(),
) -> ListingPage:
    """The cards of a listing page, in page order, and its next page (``seen``: the card
    URLs of the listing's earlier pages, when this is a later page)."""
    forget_page()
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
        chosen = _choose_cards(_candidates(root, url, base, site), seen)
    cards = [_card_fields(c, i, site, boilerplate) for i, c in enumerate(chosen, start=1)]
    return ListingPage(
        url=url,
        cards=cards,
        next_url=find_next(tree, url, base, site, frozenset(c.url for c in cards))
        if cards
        else None,
        page_number=page_number_of(url),
    )


# --- one call for the crawl ---------------------------------------------------------------


@dataclass
class ListingRead:
    """What the crawl needs of an HTML listing page: its cards and next page, and the feeds
    it declares. Picklable, like ``read_listing``'s arguments: it comes back from a worker."""

    listing: ListingPage
    feeds: list[str] = field(default_factory=list)


def read_listing(
    page: FetchedPage,
    site: SiteConfig = GENERIC,
    feeds: bool = True,
    seen: frozenset[str] = frozenset(),
) -> ListingRead:
    """An HTML listing page parsed once and read: ``detect_cards`` on its tree (``seen``:
    the earlier pages' card URLs, on a later page), then (with ``feeds``) ``declared_feeds``.
    The crawl runs it in its worker pool."""
    from pipelines.pages.feeds import declared_feeds  # feeds.py imports this module

    tree = parse_page(page)
    listing = detect_cards(tree, page.url, site, seen=seen)
    return ListingRead(listing, declared_feeds(tree, page.url) if feeds else [])
