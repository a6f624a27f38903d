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

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from pipelines.clean import DEFAULT_BOILERPLATE, clean_excerpt, clean_title
from pipelines.dates import contains_date, isoformat, parse_date
from pipelines.html import classes_of, text_of
from pipelines.sites import GENERIC, SiteConfig, select
from pipelines.urls import BadURL, canonical_url, same_site

# Paths that are listings, taxonomies or site pages, never articles.
NON_ARTICLE_PATH = re.compile(
    r"(?:^|/)(?:tags?|categor(?:y|ies)|cat|topics?|labels?|authors?|users?|u|members?"
    r"|archives?|page|search|feed|rss|atom|comments?|type|format|login|logout|register|signin|signup"
    r"|about|about-me|contact|links|friends|privacy|terms|sitemap|wp-admin|wp-login\.php"
    r"|admin|subscribe|newsletter|donate|sponsor|guestbook|now|uses|series|collections?)"
    r"(?:/|$|\.html?$|\.php$)",
    re.I,
)
_ARCHIVE_PATH = re.compile(r"^/(?:\d{4}/?|\d{4}/\d{1,2}/?|\d{4}/\d{1,2}/\d{1,2}/?)$")
_FILE_EXT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|pdf|zip|gz|rar|7z|mp[34]|avi|mov|css|js|xml|json|txt|apk|exe)$",
    re.I,
)
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
    r"^(?:category|tag|format|status|type|post-format|has|is|author|cat|lang|level|topic|col)[-_]"
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
    r"^(?:下一页|下页|后一页|下一頁|次へ|next(?:\s*page)?|older(?:\s*(?:posts|entries|articles))?"
    r"|more\s*posts|earlier\s*posts|previous\s*(?:posts|entries)|»|›|>|>>|→)\s*[»›>→]*$",
    re.I,
)
_DATE_CLASS = re.compile(r"date|time|posted|publish|meta|info|byline|postdesc", re.I)
_CATEGORY_CLASS = re.compile(r"categor|cat-links|primary-tag|post-cat|\bcat\b|column|section", re.I)
_EXCERPT_CLASS = re.compile(
    r"excerpt|summary|desc|abstract|intro|content|entry|post-body|preview|teaser|snippet|brief|c_b_p",
    re.I,
)
_BLOCK_TAGS = {"p", "div", "section", "blockquote", "span", "a", "li", "dd", "summary"}


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
        if k.lower() in ("page", "paged", "pg", "pagenum") and v.isdigit():
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
    if _FILE_EXT.search(path):
        return False
    query_keys = {k.lower() for k, _ in parse_qsl(parts.query)}
    return not (query_keys & _PAGE_QUERY and path.rstrip("/") in ("", "/index.php"))


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
            and not re.search(r"post|article|entry|card|item|content|main|list|feed", words)
        ):
            return True
    return False


def _class_words(el: etree._Element) -> str:
    # Numbers make each card's classes unique (post-12); structure is what repeats.
    words = sorted(
        w
        for w in (el.get("class") or "").split()
        if not re.search(r"\d", w) and not _MODIFIER_CLASS.match(w)
    )
    return ".".join(words[:4])


def _signature(el: etree._Element) -> tuple[str, ...]:
    chain = [el, *list(el.iterancestors())[:4]]
    return tuple(f"{e.tag}.{_class_words(e)}" for e in chain)


def _container(a: etree._Element, url: str, links_of: dict[Any, set[str]]) -> etree._Element:
    node = a
    for parent in a.iterancestors():
        if parent.tag in ("body", "html"):
            break
        if links_of.get(parent, set()) - {url}:
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


def _score_group(cands: list[_Candidate]) -> float:
    n = len(cands)
    texts = [len(text_of(c.container)) for c in cands]
    dated = sum(
        1 for c in cands if contains_date(text_of(c.container)) or c.container.xpath(".//time")
    )
    headed = sum(1 for c in cands if c.container.xpath(".//h1|.//h2|.//h3|.//h4|.//h5"))
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
    for a in root.iter("a"):
        if any(x.tag in ("noscript", "template") for x in a.iterancestors()):
            continue
        url = _href(a, base)
        if url and is_article_url(url, page_url, site):
            anchors.append((a, url))
    links_of = _link_sets(root, anchors)
    by_container: dict[Any, _Candidate] = {}
    for a, url in anchors:
        c = _container(a, url, links_of)
        if c in by_container:
            by_container[c].anchors.append(a)
        else:
            by_container[c] = _Candidate(c, url, [a])
    return list(by_container.values())


def _choose_cards(cands: list[_Candidate]) -> list[_Candidate]:
    groups: dict[tuple[str, ...], list[_Candidate]] = defaultdict(list)
    for c in cands:
        groups[_signature(c.container)].append(c)
    if not groups:
        return []
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
    seen: set[str] = set()
    unique = []
    for c in ordered:
        if c.url not in seen:
            seen.add(c.url)
            unique.append(c)
    return unique


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
    for h in c.container.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6"):
        text = text_of(h)
        if text and not _READ_MORE.match(text):
            return _strip_labels(h, text)
    texts = []
    for a in c.anchors:
        text = text_of(a)
        if not text or _READ_MORE.match(text) or (contains_date(text) and len(text) < 30):
            continue
        if a.xpath(".//p|.//div"):
            # The whole card is one link: its title is whatever names it on its own.
            titled = a.xpath(".//*[contains(@class, 'title')]")
            if titled:
                return _strip_labels(titled[0], text_of(titled[0]))
            continue
        texts.append((a, text))
    if texts:
        a, text = max(texts, key=lambda t: len(t[1]))
        if len(text) <= 200:
            return _strip_labels(a, text)
    for el in c.container.xpath(".//*[contains(@class, 'title')]"):
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
    for el in c.container.iter():
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS:
            continue
        if el.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//time"):
            continue
        if _HIDDEN_OR_MORE.search(classes_of(el)):
            continue
        text = _prose_text(el)
        if not text or text in skip or (title and text == title) or _READ_MORE.match(text):
            continue
        if contains_date(text) and len(text) < 40:
            continue
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
    for t in c.container.xpath(".//time"):
        dt = parse_date(t.get("datetime") or text_of(t), tz)
        if dt:
            return dt
    for el in c.container.iter():
        if isinstance(el.tag, str) and _DATE_CLASS.search(classes_of(el)):
            dt = parse_date(text_of(el), tz)
            if dt:
                return dt
    for node in c.container.xpath(".//text()"):
        text = str(node).strip()
        if text and len(text) <= 60 and contains_date(text):
            dt = parse_date(text, tz)
            if dt:
                return dt
    return None


def _category(c: _Candidate) -> str | None:
    for a in c.container.xpath(".//a[contains(concat(' ', @rel, ' '), ' category ')]"):
        return text_of(a) or None
    for el in c.container.iter():
        if isinstance(el.tag, str) and _CATEGORY_CLASS.search(classes_of(el)):
            links = el.xpath(".//a") if el.tag != "a" else [el]
            text = text_of(links[0]) if links else text_of(el)
            text = re.sub(
                r"^(?:分类|Category|Categories|栏目|in)\s*[:：]?\s*", "", text, flags=re.I
            )
            if text and len(text) <= 40:
                return text
    for a in c.container.xpath(".//a[@href]"):
        href = a.get("href") or ""
        if re.search(r"/categor(?:y|ies)/|/cat/|/column/", href):
            return text_of(a) or None
    return None


def _card_fields(
    c: _Candidate, position: int, site: SiteConfig, boilerplate: tuple[str, ...]
) -> Card:
    el = c.container
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
        if _NEXT_TEXT.match(text) or re.search(r"\bnext\b", words):
            target = ok(href)
            if target and not re.search(r"\bprev", words):
                by_text.append(target)
        elif text.isdigit() and int(text) == current + 1:
            target = ok(href)
            if target:
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


def utc(dt: datetime | None) -> datetime | None:
    return dt.astimezone(UTC) if dt else None
