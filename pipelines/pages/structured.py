"""Structured metadata as real pages write it, read once into typed candidates.

JSON-LD (``@graph``, arrays where one value is expected, nested objects, several article
blocks, broken JSON), microdata (``itemprop``), Open Graph and ``article:*``, Dublin Core
and plain ``<meta>``: every shape becomes lists of strings with the place they came from.
Nothing here raises: a shape nobody expects is dropped and named as an *oddity*, which the
extraction reports and the crawl counts (``listings/oddities/<name>``).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

Furniture = Callable[[etree._Element], bool]
_ODDITIES: ContextVar[list[str] | None] = ContextVar("metadata_oddities", default=None)


def oddity(name: str) -> None:
    """Note a shape the reader did not expect (kept only while someone is watching)."""
    found = _ODDITIES.get()
    if found is not None and len(found) < 100:
        found.append(name)


@contextlib.contextmanager
def watch_oddities() -> Iterator[list[str]]:
    """Collect the oddities met by the extraction run inside the block."""
    found: list[str] = []
    token = _ODDITIES.set(found)
    try:
        yield found
    finally:
        _ODDITIES.reset(token)


@dataclass(frozen=True)
class Candidate:
    """One value with where it came from: ``jsonld``, ``microdata``, ``microdata-hidden``,
    ``og`` (``article:*``), ``dc`` or ``meta``."""

    value: str
    source: str


@dataclass
class Structured:
    """Everything the page declares about itself, normalised to strings."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    titles: list[Candidate] = field(default_factory=list)
    authors: list[Candidate] = field(default_factory=list)
    published: list[Candidate] = field(default_factory=list)
    sections: list[Candidate] = field(default_factory=list)
    keywords: list[Candidate] = field(default_factory=list)
    tags: list[Candidate] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)


_MAX_DEPTH = 12
_MAX_NODES = 5000
_MAX_VALUE = 2000
_ARTICLE_TYPES = ("Article", "Posting", "Report")
_URL = re.compile(r"^(?:https?:)?//|^www\.", re.I)
_KEYWORD_SPLIT = re.compile(r"\s*[,，、;；]\s*")
_TRAILING_COMMA = re.compile(r",\s*([\]}])")


def is_url(value: str) -> bool:
    """Whether ``value`` starts like a URL (``http(s)://``, ``//`` or ``www.``)."""
    return bool(_URL.match(value.strip()))


# --- JSON-LD --------------------------------------------------------------------------------


def _loads(text: str) -> list[Any]:
    """JSON documents in a script, tolerant of what templates leave around them."""
    text = text.strip()
    if not text:
        return []
    try:
        return [json.loads(text, strict=False)]
    except (ValueError, RecursionError):
        pass
    # CDATA and comment wrappers, trailing commas, several documents back to back.
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$|^\s*<!--|-->\s*$", "", text)
    text = _TRAILING_COMMA.sub(r"\1", text).strip().rstrip(";")
    decoder = json.JSONDecoder(strict=False)
    docs: list[Any] = []
    pos = 0
    while pos < len(text):
        try:
            doc, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        docs.append(doc)
        pos = end
        while pos < len(text) and text[pos] in " \t\r\n,;":
            pos += 1
    if not docs:
        oddity("jsonld_broken")
    return docs


def _as_list(value: Any) -> list[Any]:
    return value[:50] if isinstance(value, list) else [value]


def _types(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k for k in kinds if isinstance(k, str)]


def _objects(docs: list[Any]) -> Iterator[dict[str, Any]]:
    """Every object of the documents, outermost first, bounded in depth and count."""
    stack: list[tuple[Any, int]] = [(d, 0) for d in reversed(docs)]
    seen = 0
    while stack and seen < _MAX_NODES:
        item, depth = stack.pop()
        seen += 1
        if depth > _MAX_DEPTH:
            oddity("jsonld_too_deep")
            continue
        if isinstance(item, list):
            stack.extend((x, depth + 1) for x in reversed(item))
        elif isinstance(item, dict):
            yield item
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart", "itemListElement"):
                if isinstance(item.get(key), (list, dict)):
                    stack.append((item[key], depth + 1))


def json_ld_articles(tree: etree._Element) -> list[dict[str, Any]]:
    """The article objects (``NewsArticle``, ``BlogPosting``, ...) of the page's JSON-LD."""
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind != "application/ld+json":
            continue
        for item in _objects(_loads(script.text or "")):
            if any(k.endswith(_ARTICLE_TYPES) for k in _types(item)) and id(item) not in {
                id(f) for f in found
            }:
                found.append(item)
    return found


def strings(value: Any, key: str = "", depth: int = 0) -> list[str]:
    """A scalar-or-list-or-object value as its strings (``@value``, ``name``)."""
    if depth > _MAX_DEPTH:
        return []
    if isinstance(value, str):
        value = value.strip()
        if len(value) > _MAX_VALUE:
            oddity(f"{key or 'value'}_too_long")
            return []
        return [value] if value else []
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        oddity(f"{key or 'value'}_number")
        return []
    if isinstance(value, list):
        return [s for v in value[:50] for s in strings(v, key, depth + 1)]
    if isinstance(value, dict):
        for inner in ("@value", "name", "text"):
            if inner in value:
                return strings(value[inner], key, depth + 1)
        return []
    oddity(f"{key or 'value'}_shape")
    return []


def author_names(value: Any, depth: int = 0) -> list[str]:
    """Author names from a JSON-LD ``author``: a string, an object, a list, or a URL
    (never a name)."""
    if depth > _MAX_DEPTH:
        return []
    if isinstance(value, list):
        return [n for v in value[:50] for n in author_names(v, depth + 1)]
    if isinstance(value, dict):
        name = value.get("name", value.get("@value"))
        if name is None:
            parts = [value.get(k) for k in ("givenName", "familyName")]
            both = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
            if both:
                return [both[:_MAX_VALUE]]
            if value.get("@id") or value.get("url"):
                oddity("author_url")
            return []
        return author_names(name, depth + 1)
    names = strings(value, "author", depth)
    out = []
    for name in names:
        if is_url(name):
            oddity("author_url")
        else:
            out.append(name)
    return out


def split_keywords(value: str) -> list[str]:
    """The keywords of a comma- or semicolon-separated list, blanks dropped."""
    return [k for k in (p.strip() for p in _KEYWORD_SPLIT.split(value)) if k]


# --- microdata, Open Graph, Dublin Core, <meta> ---------------------------------------------


def hidden(el: etree._Element) -> bool:
    """Whether ``el`` or an ancestor is hidden (``hidden``, ``aria-hidden`` or inline CSS)."""
    for node in [el, *el.iterancestors()]:
        if node.get("hidden") is not None or node.get("aria-hidden") == "true":
            return True
        style = (node.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
    return False


def _in_comment(el: etree._Element) -> bool:
    return any(
        "Comment" in (a.get("itemtype") or "") or "comment" in (a.get("class") or "").lower()
        for a in el.iterancestors()
    )


def _itemprop_has(el: etree._Element, name: str) -> bool:
    return name in (el.get("itemprop") or "").split()


def _item_value(el: etree._Element) -> str:
    for attr in ("content", "datetime"):
        if el.get(attr):
            return " ".join(str(el.get(attr)).split())
    return " ".join("".join(el.itertext()).split())


def _microdata(tree: etree._Element, out: Structured, furniture: Furniture) -> None:
    for el in tree.xpath("//*[@itemprop]"):
        props = (el.get("itemprop") or "").split()
        if not props or _in_comment(el):
            continue
        # A sidebar's profile card and a hidden block name the site's owner, not the post's.
        concealed = el.tag == "meta" or hidden(el) or furniture(el)
        source = "microdata-hidden" if concealed else "microdata"
        if "author" in props or "creator" in props:
            names = [n for n in el.xpath(".//*[@itemprop]") if _itemprop_has(n, "name")]
            if names:
                values = [_item_value(names[0])]
                concealed = concealed or names[0].tag == "meta" or hidden(names[0])
                source = "microdata-hidden" if concealed else "microdata"
            else:
                values = [_item_value(el)]
            for v in values:
                if v and not is_url(v):
                    out.authors.append(Candidate(v[:_MAX_VALUE], source))
                elif v:
                    oddity("author_url")
        if "datePublished" in props or "dateCreated" in props:
            v = _item_value(el)
            if v:
                out.published.append(Candidate(v[:200], source))
        if "articleSection" in props:
            v = _item_value(el)
            if v:
                out.sections.append(Candidate(v[:_MAX_VALUE], source))
        if "keywords" in props:
            v = _item_value(el)
            out.keywords += [Candidate(k, source) for k in split_keywords(v[:_MAX_VALUE])]
        if "headline" in props:
            v = _item_value(el)
            if v:
                out.titles.append(Candidate(v[:_MAX_VALUE], source))


_META_AUTHOR = {
    "article:author": "og",
    "og:article:author": "og",
    "dc.creator": "dc",
    "dcterms.creator": "dc",
    "author": "meta",
    "twitter:creator": "meta",
    "sailthru.author": "meta",
    "parsely-author": "meta",
    "articleauthor": "meta",
    "article.author": "meta",
    "article:author_name": "og",
    "byl": "meta",
    "byline": "meta",
}
# Who publishes the page: a site, never the post's author.
_META_PUBLISHER = ("publisher", "article:publisher", "dc.publisher", "dcterms.publisher")
_META_DATE = {
    "article:published_time": "og",
    "og:published_time": "og",
    "og:article:published_time": "og",
    "dc.date.issued": "dc",
    "dc.date": "dc",
    "dcterms.created": "dc",
    "dcterms.issued": "dc",
    "date": "meta",
    "pubdate": "meta",
    "publishdate": "meta",
    "publish_date": "meta",
    "publish-date": "meta",
    "parsely-pub-date": "meta",
    "sailthru.date": "meta",
}


def _meta(tree: etree._Element, out: Structured, furniture: Furniture) -> None:
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or "").strip().lower()
        content = " ".join((el.get("content") or "").split())
        if not key or not content:
            continue
        content = content[:_MAX_VALUE]
        if key in _META_AUTHOR:
            if is_url(content) or content.startswith("@"):
                if is_url(content):
                    oddity("author_url")
                continue
            out.authors.append(Candidate(content, _META_AUTHOR[key]))
        elif key in _META_DATE:
            out.published.append(Candidate(content, _META_DATE[key]))
        elif key in ("article:section", "articlesection"):
            out.sections.append(Candidate(content, "og"))
        elif key == "article:tag":
            out.tags += [Candidate(k, "og") for k in split_keywords(content)]
        elif key in ("keywords", "news_keywords", "dc.subject"):
            out.keywords += [Candidate(k, "meta") for k in split_keywords(content)]
        elif key in ("og:title", "twitter:title"):
            out.titles.append(Candidate(content, "og"))
        elif key in ("og:site_name", "application-name") or (
            key in _META_PUBLISHER and not is_url(content)
        ):
            out.site_names.append(content)


def _from_json_ld(articles: list[dict[str, Any]], out: Structured) -> None:
    for item in articles:
        out.titles += [Candidate(s, "jsonld") for s in strings(item.get("headline"), "headline")]
        for person in _as_list(item.get("author")):
            org = isinstance(person, dict) and any(
                k.endswith("Organization") for k in _types(person)
            )
            # An organisation as the author is the publisher more often than the byline.
            source = "jsonld-org" if org else "jsonld"
            out.authors += [Candidate(n, source) for n in author_names(person)]
        for key in ("datePublished", "dateCreated"):
            out.published += [Candidate(s, "jsonld") for s in strings(item.get(key), key)]
        out.sections += [
            Candidate(s, "jsonld") for s in strings(item.get("articleSection"), "articleSection")
        ]
        for kw in strings(item.get("keywords"), "keywords"):
            out.keywords += [Candidate(k, "jsonld") for k in split_keywords(kw)]
        out.site_names += strings(
            item.get("publisher", {}).get("name")
            if isinstance(item.get("publisher"), dict)
            else None,
            "publisher",
        )


def read(tree: etree._Element, furniture: Furniture = lambda el: False) -> Structured:
    """Every structured value of the page, as candidates; never raises. ``furniture``
    tells a sidebar or site header from the article (its microdata counts as hidden)."""
    out = Structured()
    for step in (_json_ld_step, _microdata, _meta):
        try:
            step(tree, out, furniture)
        except Exception as exc:  # one broken reader must not cost the others
            oddity(f"structured_{step.__name__.strip('_')}_{type(exc).__name__}")
    return out


def _json_ld_step(tree: etree._Element, out: Structured, furniture: Furniture) -> None:
    out.articles = json_ld_articles(tree)
    _from_json_ld(out.articles, out)
