"""Article metadata from the page itself: title, author, date, category, tags.

Declared metadata first (JSON-LD, ``<meta>``), then what the page shows around its title
("作者: 王德明", "分类: Java 并发", "posted @ 2026-01-11 10:32 周老二", "Tags: a, b").
Sidebars, navigation and footers are never read: their category and tag lists are about
the whole site, not this article. One small function per field.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, tzinfo
from typing import Any

from lxml import etree

from pipelines.pages.html import classes_of, text_of
from pipelines.text.clean import normalize_line
from pipelines.text.dates import parse_date

_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:side-?bar|widget|aside|nav|navbar|menu|comments?|related|recommend"
    r"|hot|popular|breadcrumbs?|toolbar|profile|blogstats)(?:$|[\s_-])",
    re.I,
)
# Headers and footers are furniture only at the site level; an entry's own footer holds
# its category and tags.
_SITE_PART = re.compile(r"(?:^|[\s_-])(?:footer|header|masthead)(?:$|[\s_-])", re.I)
_CONTENT_PART = re.compile(
    r"(?:^|[\s_-])(?:post|entry|article|asset|hentry|blog-post)(?:$|[\s_-])", re.I
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—_·»:]|::)\s+|\s*[|_]\s*|\s+-\s+")
_AUTHOR_LABEL = re.compile(
    r"(?:^|\s)(?:作者|作\s*者|文|撰文|编辑|責任編輯|责任编辑|by|posted\s+by|written\s+by|author)"
    r"\s*[:：/]\s*|(?:^|\s)(?:by|由)\s+",
    re.I,
)
_AUTHOR_CLASS = re.compile(r"author|byline|nickname|writer|user-?name|post-?user|poster", re.I)
_AUTHOR_JUNK = re.compile(
    r"^(?:by|posted\s+by|written\s+by|作者|文|由)\s*[:：/]?\s*|\s*(?:發表於|发表于|粉丝.*|关注.*"
    r"|编辑于.*|posted.*|on\s+\w+\s+\d.*)$",
    re.I,
)
_CATEGORY_LABEL = re.compile(
    r"^\s*(?:分类|分類|所属分类|分类专栏|栏目|类别|カテゴリ|category|categories|filed\s+under|posted\s+in)"
    r"\s*[:：]?\s*$",
    re.I,
)
_TAG_LABEL = re.compile(
    r"^\s*(?:标签|標籤|文章标签|タグ|tags?|keywords|tagged(?:\s+with)?)\s*[:：]?\s*$", re.I
)
_UPDATED = re.compile(r"修改|更新|最后编辑|編輯於|编辑于|updated|modified|last\s+edited", re.I)
_PUBLISHED = re.compile(r"发布|發佈|發表|发表|首次|published|posted", re.I)
_CNBLOGS_POSTED = re.compile(r"posted\s*@\s*\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}\s+(\S+)", re.I)
_GENERIC_SECTIONS = {"post", "posts", "blog", "blogs", "article", "articles", "news", "entries"}
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "date",
    "DC.date.issued",
    "dc.date",
)


def _in_content(node: etree._Element) -> bool:
    return any(
        a.tag in ("article", "main") or _CONTENT_PART.search(classes_of(a))
        for a in node.iterancestors()
    )


def in_furniture(el: etree._Element) -> bool:
    """Inside a sidebar, menu, comment section, or the site's header or footer."""
    for node in [el, *el.iterancestors()]:
        if node.tag in ("body", "html"):
            return False
        words = classes_of(node)
        if node.tag in ("aside", "nav") or _FURNITURE.search(words):
            return True
        if (node.tag in ("header", "footer") or _SITE_PART.search(words)) and not _in_content(node):
            return True
    return False


def meta_values(tree: etree._Element, *names: str) -> list[str]:
    out: list[str] = []
    # tree.iter in C beats one whole-tree XPath per name.
    metas = [
        (el.get("property"), el.get("name"), el.get("itemprop"), el.get("content"))
        for el in tree.iter("meta")
    ]
    for name in names:
        for prop, meta_name, itemprop, content in metas:
            if name not in (prop, meta_name, itemprop):
                continue
            content = (content or "").strip()
            if content:
                out.append(content)
    return out


def json_ld(tree: etree._Element) -> list[dict[str, Any]]:
    """The Article/BlogPosting objects of the page's JSON-LD."""
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


def _content_headings(tree: etree._Element) -> list[tuple[str, str]]:
    out = []
    for h in tree.xpath("//body//h1 | //body//h2"):
        text = text_of(h)
        if text and not in_furniture(h):
            out.append((h.tag, text))
    return out


def _title_parts(head_title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SEPARATORS.split(head_title) if p.strip()]


def title(tree: etree._Element, ld: list[dict[str, Any]]) -> str | None:
    """The article's title: a heading that the page's own metadata or <title> confirms."""
    declared = meta_values(tree, "og:title", "twitter:title") + [
        str(x["headline"]) for x in ld if x.get("headline")
    ]
    head = text_of(tree.find(".//title"))
    site_names = set(meta_values(tree, "og:site_name", "application-name"))
    parts = _title_parts(head)
    if len(parts) > 1:
        site_names.add(parts[-1])
    headings = [(tag, t) for tag, t in _content_headings(tree) if t not in site_names]
    for _, text in headings:
        if any(d == text or d.startswith(text) for d in declared) or (
            len(text) >= 4 and head.startswith(text)
        ):
            return text
    h1s = [t for tag, t in headings if tag == "h1"]
    if len(h1s) == 1:
        return h1s[0]
    for d in declared:
        if d not in site_names:
            return d
    if parts:
        return parts[0] if len(parts) > 1 and len(parts[0]) >= 4 else head
    return h1s[0] if h1s else None


def _clean_author(raw: str) -> str | None:
    name = normalize_line(raw)
    previous = None
    while previous != name:
        previous = name
        name = _AUTHOR_JUNK.sub("", name).strip(" ·|,，:：")
    if not name or len(name) > 40 or re.search(r"\d{4}-\d{1,2}-\d{1,2}|https?://", name):
        return None
    return name


def _labelled_value(tree: etree._Element, label: re.Pattern[str]) -> list[etree._Element]:
    """The links following a label like "分类:" / "Tags:" in the article's meta lines."""
    found: list[etree._Element] = []
    for el in tree.xpath("//body//*[text()]"):
        own = (el.text or "").strip()
        if not own or len(own) > 20 or not label.match(own) or in_furniture(el):
            continue
        links = el.xpath("./a")
        if not links:
            # Links after the label, up to the next label ("分类专栏：a 文章标签：b c").
            for sib in el.itersiblings():
                own_text = (sib.text or "").strip()
                if (
                    sib.tag != "a"
                    and own_text
                    and (_CATEGORY_LABEL.match(own_text) or _TAG_LABEL.match(own_text))
                ):
                    break
                if sib.tag == "a":
                    links.append(sib)
        if not links:
            # "<h4>分類:</h4><ul><li><a>美食</a></li></ul>" or "<span>标签:</span> <a>…</a>"
            nxt = el.getnext()
            links = nxt.xpath(".//a") if nxt is not None else []
        if links:
            found.extend(links)
            break
    return found


def author(tree: etree._Element, ld: list[dict[str, Any]]) -> str | None:
    for x in ld:
        name = _ld_name(x.get("author"))
        if name:
            return _clean_author(name)
    for value in meta_values(tree, "author", "article:author", "twitter:creator", "dc.creator"):
        if not value.startswith(("http://", "https://", "@")):
            return _clean_author(value)
    for el in tree.xpath("//body//*[@itemprop='author']"):
        names = el.xpath(".//meta[@itemprop='name']/@content")
        name = _clean_author(names[0] if names else text_of(el))
        if name:
            return name
    for el in tree.xpath("//body//*[@rel='author']"):
        name = _clean_author(text_of(el))
        if name:
            return name
    # Meta lines: "作者:王德明", "By Jane Doe", "由 阿凱 發表於", "posted @ … 周老二".
    for el in tree.xpath("//body//*[not(self::script) and not(self::style)]"):
        if in_furniture(el) or len(el) > 12:
            continue
        text = text_of(el)
        if not text or len(text) > 160:
            continue
        m = _CNBLOGS_POSTED.search(text)
        if m:
            return _clean_author(m.group(1))
        if _AUTHOR_CLASS.search(classes_of(el)) and not el.xpath(".//img[@class][1]/.."):
            links = [text_of(a) for a in el.xpath(".//a") if text_of(a)]
            name = _clean_author(links[0] if links else text)
            if name:
                return name
        m = _AUTHOR_LABEL.search(text)
        if m and el.tag in ("span", "div", "p", "li", "small", "address", "em", "i", "td"):
            rest = text[m.end() :].strip()
            name = _clean_author(re.split(r"\s{1,}|\||·|，|,|点击|來源|来源|时间|發表", rest)[0])
            if name:
                return name
    return None


_DATE_CLASS = re.compile("date|time|meta|postDesc|posted|info|entry_state|publish")


def published(tree: etree._Element, ld: list[dict[str, Any]], tz: tzinfo) -> datetime | None:
    """Publication time; a date-only value gives way to a same-day one with a time."""
    values = meta_values(tree, *_DATE_META)
    # Microformats: <abbr class="published" title="2026-01-11T10:32:00+08:00">.
    values += [str(t) for t in tree.xpath("//body//abbr[contains(@class, 'published')]/@title")]
    values += [str(x["datePublished"]) for x in ld if x.get("datePublished")]
    values += [
        t.get("datetime") or text_of(t)
        for t in tree.xpath("//body//time[@datetime or @pubdate]")
        if not in_furniture(t)
    ][:3]
    visible = []
    seen = 0
    # The class test in Python: nine contains() per element cost libxml2's XPath more
    # than the rest of this function.
    for el in tree.xpath("//body//*[@class or @id]"):
        if not (_DATE_CLASS.search(el.get("class") or "") or "date" in (el.get("id") or "")):
            continue
        text = text_of(el)
        if len(text) > 200:
            continue
        seen += 1
        if seen > 40:
            break
        if text and not in_furniture(el) and not _UPDATED.search(text):
            visible.append(text)
    # "首次发布", "published" before a bare date.
    values += sorted(visible, key=lambda t: not _PUBLISHED.search(t))
    # Comments (Movable Type's RDF block) carry dc:date.
    for comment in tree.xpath("//comment()[contains(., 'dc:date')]"):
        m = re.search(r'dc:date="([^"]+)"', str(comment.text or ""))
        if m:
            values.append(m.group(1))
    parsed = [(v, parse_date(v, tz)) for v in values]
    dated = [(v, d) for v, d in parsed if d is not None]
    if not dated:
        from htmldate import find_date

        found = find_date(tree, extensive_search=False, outputformat="%Y-%m-%dT%H:%M:%S")
        return parse_date(found, tz) if found else None
    first_value, first = dated[0]
    if not re.search(r"\d:\d\d", first_value):
        for value, d in dated[1:]:
            if re.search(r"\d:\d\d", value) and abs((d - first).total_seconds()) < 86400:
                return d
    return first


def category(tree: etree._Element, ld: list[dict[str, Any]]) -> str | None:
    for value in meta_values(tree, "article:section"):
        if value.lower() not in _GENERIC_SECTIONS:
            return value
    for x in ld:
        section = x.get("articleSection")
        if isinstance(section, list) and section:
            section = section[0]
        if isinstance(section, str) and section and section.lower() not in _GENERIC_SECTIONS:
            return section
    for a in _labelled_value(tree, _CATEGORY_LABEL):
        if text_of(a):
            return text_of(a)
    for a in tree.xpath("//body//a[contains(concat(' ', @rel, ' '), ' category ')]"):
        if not in_furniture(a) and text_of(a):
            return text_of(a)
    for el in tree.xpath(
        "//body//*[contains(@class, 'categor') or contains(@id, 'Category') or contains(@class, 'cat-links')]"
    ):
        if in_furniture(el):
            continue
        links = [text_of(a) for a in el.xpath(".//a") if text_of(a)]
        if links and len(links[0]) <= 40:
            return links[0]
    for a in tree.xpath(
        "//body//a[contains(@href, '/categories/') or contains(@href, '/category/')"
        " or contains(@href, 'blog-category-') or contains(@href, '/category_')]"
    ):
        if not in_furniture(a) and text_of(a) and len(text_of(a)) <= 40:
            return text_of(a)
    return None


def tags(tree: etree._Element, ld: list[dict[str, Any]], category_name: str | None) -> list[str]:
    found = meta_values(tree, "article:tag")
    if not found:
        for x in ld:
            kw = x.get("keywords")
            if isinstance(kw, list):
                found += [str(k) for k in kw]
            elif isinstance(kw, str):
                found += re.split(r"[,，、]", kw)
    if not found:
        found = [text_of(a) for a in _labelled_value(tree, _TAG_LABEL)]
    if not found:
        found = [
            text_of(a)
            for a in tree.xpath(
                "//body//a[contains(concat(' ', @rel, ' '), ' tag ')"
                " or contains(@href, '/tag/') or contains(@href, '/tags/')]"
            )
            if not in_furniture(a)
        ]
    if not found:
        for kw in meta_values(tree, "keywords"):
            found += re.split(r"[,，、]", kw)
    seen: dict[str, None] = {}
    for t in found:
        t = normalize_line(t).lstrip("#").strip()
        if t and len(t) <= 60 and t != category_name:
            seen.setdefault(t, None)
    return list(seen)
