"""Article metadata from the page itself: title, author, date, category, tags.

The structured candidates (``pipelines.pages.structured``: JSON-LD, microdata, Open Graph,
Dublin Core, ``<meta>``) and what the page shows around its title ("作者: 王德明",
"分类: Java 并发", "posted @ 2026-01-11 10:32 周老二", "Tags: a, b"), with the visible page
deciding between them: a byline shown on the page beats a site-wide ``<meta name=author>``,
a profile URL is never a name, a label or a count is never a category or a tag. Sidebars,
navigation and footers are never read, except the post's own metadata box that some themes
put there. Every field reader is total: a failure is a missing value and an oddity.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from lxml import etree

from pipelines.pages import structured
from pipelines.pages.html import classes_of, text_of
from pipelines.text.clean import normalize_line
from pipelines.text.dates import contains_date, parse_date

_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:side-?bar|widget|aside|nav|navbar|menu|comments?|related|recommend"
    r"|hot|popular|breadcrumbs?|toolbar|profile|blogstats)(?:$|[\s_-])",
    re.I,
)
# Headers and footers are furniture only at the site level; an entry's own footer holds
# its category and tags.
_POST_META = re.compile(
    r"post_*-?_*(?:meta|authors?)\b|postcard|post-?info|entry-meta|article-meta", re.I
)
_SITE_PART = re.compile(r"(?:^|[\s_-])(?:footer|header|masthead)(?:$|[\s_-])", re.I)
_CONTENT_PART = re.compile(
    r"(?:^|[\s_-])(?:post|entry|article|asset|hentry|blog-post)(?:$|[\s_-])", re.I
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—_·»:]|::)\s+|\s*[|_]\s*|\s+-\s+")
_AUTHOR_LABEL = re.compile(
    r"(?:^|\s)(?:(?:本文|文章)?作者|作\s*者|文|撰文|编辑|責任編輯|责任编辑|by|posted\s+by|written\s+by"
    r"|(?:post\s+)?author)"
    r"\s*[:：/]\s*|(?:^|\s)(?:by|由)\s+",
    re.I,
)
_AUTHOR_CLASS = re.compile(r"author|byline|nickname|writer|user-?name|post-?user|poster", re.I)
_AUTHOR_JUNK = re.compile(
    r"^(?:by|posted\s+by|written\s+by|(?:本文|文章)?作者|(?:post\s+)?author|文|由)\s*[:：/]?\s*|\s*(?:發表於|发表于|粉丝.*|关注.*"
    r"|编辑于.*|posted.*|on\s+\w+\s+\d.*|\s*(?:阅读|评论|閱讀|評論)\s*[（(]\d+.*|\s+(?:分享|编辑)$)$",
    re.I,
)
_CATEGORY_LABEL = re.compile(
    r"^\s*(?:分类|分類|所属分类|分类专栏|栏目|类别|カテゴリ|category|categories|filed\s+under|posted\s+in)"
    r"\s*[:：]?\s*$",
    re.I,
)
_TAG_LABEL = re.compile(
    r"^\s*(?:标签|標籤|文章标签|关键词|關鍵詞|关键字|タグ|tags?|keywords|tagged(?:\s+with)?)\s*[:：]?\s*$",
    re.I,
)
_UPDATED = re.compile(r"修改|更新|最后编辑|編輯於|编辑于|updated|modified|last\s+edited", re.I)
_PUBLISHED = re.compile(r"发布|發佈|發表|发表|首次|published|posted", re.I)
_CNBLOGS_POSTED = re.compile(r"posted\s*@\s*\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}\s+(\S+)", re.I)
_GENERIC_SECTIONS = {"post", "posts", "blog", "blogs", "article", "articles", "news", "entries"}


def _in_content(node: etree._Element) -> bool:
    return any(
        a.tag in ("article", "main") or _CONTENT_PART.search(classes_of(a))
        for a in node.iterancestors()
    )


def in_furniture(el: etree._Element, strict: bool = False) -> bool:
    """Inside a sidebar, menu, comment section, or the site's header or footer. Unless
    ``strict``, the post's own metadata box and anything in <main>/<article> are not."""
    nodes = [el, *el.iterancestors()]
    # The post's own metadata box, even where a theme puts it in a sidebar or a <nav>
    # (MkDocs Material's "md-post__meta", ABlog's "ablog__postcard").
    if not strict and any(_POST_META.search(f"{classes_of(n)} {n.get('id') or ''}") for n in nodes):
        return False
    content = ("main", "article") if not strict else ()
    for node in nodes:
        # The page's own main part or article: what is inside is not the site's furniture
        # (themes name <main> "sidebar-translate" and the like).
        if node.tag in ("body", "html", *content) or (not strict and node.get("role") == "main"):
            return False
        words = classes_of(node)
        if node.tag in ("aside", "nav") or _FURNITURE.search(words):
            return True
        if (node.tag in ("header", "footer") or _SITE_PART.search(words)) and not _in_content(node):
            return True
    return False


_last: tuple[etree._Element, structured.Structured] | None = None


def reading(tree: etree._Element) -> structured.Structured:
    """The page's structured metadata, read once per tree (the field functions share it)."""
    global _last
    if _last is None or _last[0] is not tree:
        _last = (tree, structured.read(tree, in_furniture))
    return _last[1]


def json_ld(tree: etree._Element) -> list[dict[str, Any]]:
    """The Article/BlogPosting objects of the page's JSON-LD (broken JSON tolerated)."""
    return reading(tree).articles


_T = TypeVar("_T")


def total(name: str, default: Callable[[], _T]) -> Callable[[Callable[..., _T]], Callable[..., _T]]:
    """A field reader that never raises: a failure is a missing value and an oddity."""

    def wrap(fn: Callable[..., _T]) -> Callable[..., _T]:
        @functools.wraps(fn)
        def safe(*args: Any, **kwargs: Any) -> _T:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # any page, any shape: never a traceback
                structured.oddity(f"{name}_failed_{type(exc).__name__}")
                return default()

        return safe

    return wrap


_HEADERLINK = re.compile(r"\s*[¶#🔗]\s*$")


def _heading_text(h: etree._Element) -> str:
    # Sphinx and MkDocs put a "¶" permalink inside the heading.
    return _HEADERLINK.sub("", text_of(h)) if len(text_of(h)) > 1 else text_of(h)


def _content_headings(tree: etree._Element) -> list[tuple[str, str]]:
    out = []
    for h in tree.xpath("//body//h1 | //body//h2"):
        text = _heading_text(h)
        if text and not in_furniture(h, strict=True):
            out.append((h.tag, text))
    return out


def _title_parts(head_title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SEPARATORS.split(head_title) if p.strip()]


@total("title", lambda: None)
def title(tree: etree._Element, ld: list[dict[str, Any]] | None = None) -> str | None:
    """The article's title: a heading that the page's own metadata or <title> confirms."""
    found = reading(tree)
    rank = {"og": 0, "jsonld": 1, "microdata": 2}
    declared = [c.value for c in sorted(found.titles, key=lambda c: rank.get(c.source, 9))]
    head = text_of(tree.find(".//title"))
    site_names = set(found.site_names)
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


_NOT_A_NAME = re.compile(
    r"^(?:标签|標籤|分类|分類|tags?|categor(?:y|ies)|admin|administrator|unknown|undefined|null"
    r"|none|anonymous|guest|staff|editor|author|作者|编辑|by|profile|print|share|follow|e-?mail"
    r"|twitter|facebook|linkedin|subscribe|menu|home|more|follow(?:\s+author)?|该作者文章)$",
    re.I,
)


def clean_author(raw: Any) -> str | None:
    """A person's name from a byline or a declared value; None for anything else."""
    if isinstance(raw, list):
        names = [n for n in (clean_author(r) for r in raw) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if not isinstance(raw, str):
        if raw is not None:
            structured.oddity("author_shape")
        return None
    name = normalize_line(raw[:500])
    previous = None
    while previous != name:
        previous = name
        name = _AUTHOR_JUNK.sub("", name).strip(" ·|,，:：@()（）[]【】")
    if (
        not name
        or len(name) > 40
        or re.search(
            r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{2,4}|https?://|^www\.|[=\"<>@]", name
        )
        or re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)+|[\W\d_]+", name)
        or _NOT_A_NAME.match(name)
        or re.search(r"^\(|image:|getty|/|\d{1,2}:\d{2}", name, re.I)
        or name.isdigit()
    ):
        return None
    return name


def _joined(names: list[str]) -> str | None:
    """Several authors as the column holds them: "A, B" (first seen order, no repeats)."""
    cleaned = [n for n in (clean_author(x) for x in names) if n]
    return ", ".join(dict.fromkeys(cleaned)) or None


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


# Where a name in a meta line ends: a separator, a number, or the next label.
_BYLINE_END = re.compile(
    r"\s{2,}|\||·|，|,|@|点击|來源|来源|时间|發表|发表|\s\d|\s(?:categor(?:y|ies)|tags?|date|posted"
    r"|published|on|in|分类|标签|日期)\b|出自|\s(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?(?:\s|$)",
    re.I,
)
_BARE_BY = re.compile(r"^(?:posted\s+|written\s+)?(?:by|由)\s+", re.I)


def _byline_of(el: etree._Element) -> tuple[str | None, bool]:
    """(name, sure): a labelled or classed byline is sure; a bare "by X" is not."""
    text = text_of(el)
    m = _CNBLOGS_POSTED.search(text)
    if m:
        return clean_author(m.group(1)), True
    label = _AUTHOR_LABEL.search(text)
    if label and not label.group(0).rstrip().endswith((":", "：", "/")):
        # "by X" only opens a short line: "comments powered by giscus" is no byline.
        label = _BARE_BY.match(text) if len(text) <= 80 else None
        sure = False
    else:
        sure = True
    if _AUTHOR_CLASS.search(classes_of(el)) and not el.xpath(".//img[@class][1]/.."):
        sure = True
        links = [text_of(a) for a in el.xpath(".//a | .//strong | .//b") if text_of(a)]
        if links and not label:
            return clean_author(links[0]), True
        if not label:
            return clean_author(text), True
    if label and el.tag in ("span", "div", "p", "li", "small", "address", "em", "i", "td"):
        rest = text[label.end() :].strip()
        name = clean_author(re.split(_BYLINE_END, rest)[0])
        return name, sure
    return None, False


_TEXT_LENGTH = etree.XPath("string-length(normalize-space(.))")


def _visible_byline(tree: etree._Element) -> tuple[str | None, bool]:
    """The author the article shows, and whether the byline is sure: rel=author in the
    content, a byline, or a meta line ("作者:王德明", "By Jane Doe", "本文作者：李雷",
    "posted @ … 周老二"); a byline inside the page's <main> or <article> first."""
    for el in tree.xpath("//body//*[@rel='author']"):
        if not in_furniture(el) and not structured.hidden(el):
            name = clean_author(text_of(el))
            if name:
                return name, True
    outside: tuple[str | None, bool] = (None, False)
    for el in tree.xpath(
        "//body//*[not(self::script) and not(self::style) and not(ancestor-or-self::noscript)]"
    ):
        if len(el) > 12 or el.tag in ("meta", "link"):
            continue
        # The length in C first: most elements are long containers or empty.
        if not 0 < _TEXT_LENGTH(el) <= 200:
            continue
        text = text_of(el)
        if not text or len(text) > 160:
            continue
        # The byline test first: walking the ancestors is what costs, and few pass it.
        name, sure = _byline_of(el)
        if not name or in_furniture(el) or structured.hidden(el):
            continue
        if any(a.tag in ("main", "article") for a in el.iterancestors()):
            return name, sure
        if outside[0] is None:
            outside = (name, sure)
    return outside


def _shown_in_content(tree: etree._Element, name: str) -> bool:
    if len(name) < 2 or "'" in name:
        return False
    for node in tree.xpath(f"//body//text()[contains(., '{name}')]")[:20]:
        el = node.getparent()
        if (
            el is not None
            and el.tag not in ("script", "style", "title")
            and not in_furniture(el)
            and not structured.hidden(el)
        ):
            return True
    return False


# A Chinese news credit: "记者 王建宏 张文攀", "河南商报记者马俊峰/文", "（记者 格桑边觉）",
# "新京报记者 彭冲 山东冠县报道" (the last word before 报道 is a place).
_HAN_NAME = r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?"
_REPORTER = re.compile(
    rf"记者[\s:：]*({_HAN_NAME}(?:[\s、，,]+{_HAN_NAME})*)(?=$|[\s/）)】\]]|(报道|摄|通讯员))"
)


def _reporter_credit(tree: etree._Element) -> str | None:
    """The reporters a Chinese news story credits in its text."""
    for node in tree.xpath("//body//text()[contains(., '记者')]")[:20]:
        el = node.getparent()
        if el is None or el.tag in ("script", "style", "title", "a") or in_furniture(el):
            continue
        m = _REPORTER.search(" ".join(str(node).split()))
        if not m:
            continue
        names = re.split(r"[\s、，,]+", m.group(1))
        if m.group(2) == "报道" and len(names) > 1:
            names = names[:-1]
        return _joined(names)
    return None


@total("author", lambda: None)
def author(tree: etree._Element, ld: list[dict[str, Any]] | None = None) -> str | None:
    """The post's author. JSON-LD and visible microdata speak for the article; a sure
    byline shown on the page comes next and beats what only ``<meta>`` or hidden markup
    says (often the site's owner); a bare "by X" line comes after ``<meta>``; a profile
    URL is never a name."""
    found = reading(tree)
    by_source: dict[str, list[str]] = {}
    for c in found.authors:
        by_source.setdefault(c.source, []).append(c.value)
    site_names = {n.casefold() for n in found.site_names}
    head_parts = _title_parts(text_of(tree.find(".//title")))
    if len(head_parts) > 1:
        site_names.add(head_parts[-1].casefold())
    names = [n for n in by_source.get("jsonld", []) if n.casefold() not in site_names]
    name = _joined(names)
    if name:
        return name
    declared = [
        n
        for source in ("og", "dc", "meta", "microdata")
        for n in (by_source.get(source, [])[:1] if source == "meta" else by_source.get(source, []))
        if n.casefold() not in site_names
    ]
    # A declared name the article itself shows is the byline, whatever else the page says.
    for n in declared:
        if _shown_in_content(tree, n):
            return clean_author(n) or _joined([n])
    shown, sure = _visible_byline(tree)
    if shown and sure:
        return shown
    reporters = _reporter_credit(tree)
    if reporters:
        return reporters
    for source in ("og", "dc", "meta", "microdata", "jsonld-org"):
        names = by_source.get(source, [])[:1] if source == "meta" else by_source.get(source, [])
        name = _joined([n for n in names if n.casefold() not in site_names])
        if name:
            return name
    if shown:
        return shown
    # The site's own name is an author only when nothing else names one (a personal blog).
    for source in ("jsonld", "microdata", "og", "dc", "meta", "jsonld-org"):
        name = _joined(by_source.get(source, [])[:1])
        if name:
            return name
    return _joined(by_source.get("microdata-hidden", [])[:1])


_DATE_CLASS = re.compile("date|time|meta|postDesc|posted|info|entry_state|publish")
_HAS_TIME = re.compile(r"\d:\d\d")
_HAS_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)\s*$", re.I)


def _visible_dates(tree: etree._Element) -> list[str]:
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
    return sorted(visible, key=lambda t: not _PUBLISHED.search(t))


_SHORT_TEXTS = etree.XPath(
    "//body//text()[string-length(normalize-space(.)) > 7 and string-length(normalize-space(.))"
    " <= 80][not(ancestor::a or ancestor::script or ancestor::style or ancestor::option)]"
)
_TIME_OR_LABEL = re.compile(r"\d:\d\d|发布|發佈|發表|发表|时间|時間|日期|published|posted", re.I)


def _dated_lines(tree: etree._Element) -> list[str]:
    """Short lines of the page that carry a date with its time or a "published" label
    ("2005年3月11日12:12", "发布时间 2005/05/17 22:11:42"): an old page's only date. A bare
    date is left alone: sidebars and archives are full of them."""
    found: list[str] = []
    for node in _SHORT_TEXTS(tree):
        line = " ".join(str(node).split())
        if not _TIME_OR_LABEL.search(line) or _UPDATED.search(line) or not contains_date(line):
            continue
        el = node.getparent()
        if el is not None and not in_furniture(el):
            found.append(line)
            if len(found) >= 3:
                break
    return found


@total("published", lambda: None)
def published(tree: etree._Element, ld: list[dict[str, Any]] | None, tz: tzinfo) -> datetime | None:
    """Publication time. Declared values first; a date-only value gives way to a same-day
    one with a time, and a time without an offset to the same time with one."""
    found = reading(tree)
    # JSON-LD's datePublished is the most explicit; article:published_time is sometimes
    # the last update.
    rank = {"jsonld": 0, "og": 1, "microdata": 2, "dc": 3, "meta": 4, "microdata-hidden": 5}
    values = [c.value for c in sorted(found.published, key=lambda c: rank.get(c.source, 9))]
    # Microformats: <abbr class="published" title="2026-01-11T10:32:00+08:00">.
    values += [str(t) for t in tree.xpath("//body//abbr[contains(@class, 'published')]/@title")]
    values += [
        t.get("datetime") or text_of(t)
        for t in tree.xpath("//body//time[@datetime or @pubdate]")
        if not in_furniture(t)
    ][:3]
    values += _visible_dates(tree)
    # Comments (Movable Type's RDF block) carry dc:date.
    for comment in tree.xpath("//comment()[contains(., 'dc:date')]"):
        m = re.search(r'dc:date="([^"]+)"', str(comment.text or ""))
        if m:
            values.append(m.group(1))
    dated = [(v, d) for v, d in ((v, parse_date(v, tz)) for v in values) if d is not None]
    if not dated:
        dated = [(v, d) for v, d in ((v, parse_date(v, tz)) for v in _dated_lines(tree)) if d]
    if not dated:
        from htmldate import find_date

        found_date = find_date(tree, extensive_search=False, outputformat="%Y-%m-%dT%H:%M:%S")
        return parse_date(found_date, tz) if found_date else None
    first_value, first = dated[0]
    if not _HAS_TIME.search(first_value):
        for value, d in dated[1:]:
            if _HAS_TIME.search(value) and abs((d - first).total_seconds()) < 86400:
                first_value, first = value, d
                break
    if _HAS_TIME.search(first_value) and not _HAS_OFFSET.search(first_value.strip()):
        # A local time shown beside the instant the page declares: the declared instant.
        for value, d in dated:
            if (
                _HAS_TIME.search(value)
                and _HAS_OFFSET.search(value.strip())
                and abs((d - first).total_seconds()) <= 14 * 3600
            ):
                return d
    return first


_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:modified_time",
    "dateModified",
    "last-modified",
)


@total("modified", lambda: None)
def modified(tree: etree._Element, ld: list[dict[str, Any]] | None, tz: tzinfo) -> datetime | None:
    """Last modification as the page declares it: JSON-LD ``dateModified``, then
    ``article:modified_time`` and its kin; None when the page does not say."""
    values = [
        str(item["dateModified"])
        for item in ld or ()
        if isinstance(item, dict) and isinstance(item.get("dateModified"), str | int | float)
    ]
    for meta in tree.xpath("//meta[@property or @name or @itemprop][@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip()
        if key in _MODIFIED_META or key.lower() in _MODIFIED_META:
            values.append(str(meta.get("content")))
    for value in values:
        found = parse_date(value[:200], tz)
        if found is not None:
            return found
    return None


_COUNT = re.compile(r"^\s*[\[(（]?\s*\d+\s*[\])）]?\s*$")


def _label_like(value: str, page_title: str | None = None) -> bool:
    v = value.strip()
    return (
        not v
        or len(v) > 40
        or bool(_CATEGORY_LABEL.match(v) or _TAG_LABEL.match(v))
        or bool(re.match(r"^\s*(?:分类|分類|category|categories|tags?|标签)\s*[:：]", v, re.I))
        or bool(_COUNT.match(v))
        or v.lower() in _GENERIC_SECTIONS
        or v.lower() in ("undefined", "null", "none", "uncategorized", "未分类")
        or (page_title is not None and v == page_title)
    )


def _link_text(a: etree._Element) -> str:
    """A link's own label, without a count badge ("python <sup>2</sup>", "户外 (1)")."""
    parts: list[str] = []
    if a.text:
        parts.append(a.text)
    for child in a.iterdescendants():
        own = "".join(child.itertext()).strip()
        if child.text and not _COUNT.match(child.text) and not (own and _COUNT.match(own)):
            parts.append(child.text)
        if child.tail and child.getparent() is not None:
            parent_text = "".join(child.getparent().itertext())
            if not _COUNT.match(child.tail):
                parts.append(child.tail if parent_text else "")
    text = " ".join(" ".join(parts).split())
    return re.sub(r"\s*[(（\[]\d+[)）\]]\s*$", "", text)


def _breadcrumb_category(tree: etree._Element) -> str | None:
    """The last category link of a breadcrumb ("首页 › Programming › title")."""
    for crumb in tree.xpath(
        "//body//*[contains(@class, 'breadcrumb') or contains(@itemtype, 'BreadcrumbList')]"
    ):
        links = [
            a
            for a in crumb.xpath(".//a[@href]")
            if re.search(r"categor|/cat/|/section/", a.get("href") or "", re.I)
        ]
        if links:
            return _link_text(links[-1]) or None
    return None


@total("category", lambda: None)
def category(tree: etree._Element, ld: list[dict[str, Any]] | None = None) -> str | None:
    page_title = title(tree)
    found = reading(tree)
    for source in ("og", "jsonld", "microdata"):
        for c in found.sections:
            if c.source == source and not _label_like(c.value, page_title):
                return c.value
    for a in _labelled_value(tree, _CATEGORY_LABEL):
        if not _label_like(_link_text(a), page_title):
            return _link_text(a)
    for a in tree.xpath("//body//a[contains(concat(' ', @rel, ' '), ' category ')]"):
        if not in_furniture(a) and not _label_like(_link_text(a), page_title):
            return _link_text(a)
    for el in tree.xpath(
        "//body//*[contains(@class, 'categor') or contains(@id, 'Category')"
        " or contains(@class, 'cat-links')]"
    ):
        if in_furniture(el):
            continue
        links = [_link_text(a) for a in el.xpath(".//a")]
        links = [t for t in links if not _label_like(t, page_title)]
        if links:
            return links[0]
    for a in tree.xpath(
        "//body//a[contains(@href, '/categories/') or contains(@href, '/category/')"
        " or contains(@href, 'blog-category-') or contains(@href, '/category_')]"
    ):
        if not in_furniture(a) and not _label_like(_link_text(a), page_title):
            return _link_text(a)
    crumb = _breadcrumb_category(tree)
    if crumb and not _label_like(crumb, page_title):
        return crumb
    return None


_TAG_HREF = re.compile(r"/tags?/|/tagged/|[?&]tag=|/tags?#|tags?\.html#|tags\.php\?", re.I)


_TAG_CLASS = re.compile(r"(?:^|[\s_-])tags?(?:$|\s)", re.I)


def _in_content_box(el: etree._Element) -> bool:
    return any(
        p.tag in ("main", "article")
        or p.get("role") == "main"
        or _POST_META.search(f"{classes_of(p)} {p.get('id') or ''}")
        for p in el.iterancestors()
    )


def _tag_box(el: etree._Element) -> bool:
    """Inside a tag list of the article itself (MkDocs Material's <nav class="md-tags">)."""
    for p in el.iterancestors():
        if p.tag in ("main", "article") or p.get("role") == "main":
            return False
        if _TAG_CLASS.search(p.get("class") or ""):
            return _in_content_box(p)
    return False


def _tag_links(tree: etree._Element) -> list[str]:
    """The post's tag links (rel=tag, a tag URL or class); only those inside the page's
    <main> or <article> when it has one, so a tag cloud elsewhere stays out."""
    links = [
        a
        for a in tree.xpath("//body//a[@href] | //body//span[@class]")
        if (
            "tag" in (a.get("rel") or "").split()
            or (a.tag == "a" and _TAG_HREF.search(a.get("href") or ""))
            or _TAG_CLASS.search(a.get("class") or "")
        )
        and (not in_furniture(a) or _tag_box(a))
        and not a.xpath("ancestor::a")
        # A span is a tag itself, not a box of tags ("<span class=tags><a>x</a>…</span>").
        and not (a.tag == "span" and a.xpath(".//a | .//span[@class]"))
    ]
    if tree.xpath("boolean(//body//main | //body//article | //body//*[@role='main'])"):
        links = [a for a in links if _in_content_box(a)]
    return [_link_text(a) for a in links]


@total("tags", list)
def tags(
    tree: etree._Element, ld: list[dict[str, Any]] | None, category_name: str | None
) -> list[str]:
    """The post's own tags: ``article:tag``, JSON-LD keywords, the tag links of the post.
    Never the site-wide ``<meta name="keywords">``, a tag cloud's counts or a category."""
    found_meta = reading(tree)
    found = [c.value for c in found_meta.tags]
    if not found:
        found = [c.value for c in found_meta.keywords if c.source in ("jsonld", "microdata")]
    if not found:
        found = [_link_text(a) for a in _labelled_value(tree, _TAG_LABEL)]
    if not found:
        found = _tag_links(tree)
    if not found:
        # Last: <meta name="keywords">, split; on an untagged post it often repeats the
        # category or a template's "undefined", both dropped below.
        found = [c.value for c in found_meta.keywords if c.source == "meta"]
    page_title = title(tree)
    seen: dict[str, None] = {}
    for t in found:
        t = normalize_line(t).lstrip("#").strip()
        if not t or len(t) > 60 or t == category_name or _label_like(t, page_title):
            if t.lower() in ("undefined", "null"):
                structured.oddity("tag_placeholder")
            continue
        seen.setdefault(t, None)
    return list(seen)
