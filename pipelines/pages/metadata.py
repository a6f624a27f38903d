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
from itertools import islice
from typing import Any, TypeVar

from lxml import etree

from pipelines.pages import structured
from pipelines.pages.html import (
    body_iter,
    classes_of,
    in_body,
    markup_comments,
    nearest_answer,
    text_of,
)
from pipelines.text.clean import normalize_line
from pipelines.text.dates import contains_date, parse_date
from pipelines.text.names import likely_person

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
    r"\s*[:：/]\s*|(?:^|\s)(?:by|由)\s+|^(?-i:[Vv]on|[Pp]or|[Pp]ar|[Dd]oor)\s+(?=[A-ZÀ-Þ])",
    re.I,
)
_AUTHOR_CLASS = re.compile(
    r"author(?!i[tz])|byline|nickname|writer|user-?name|post-?user|poster", re.I
)
_AUTHOR_JUNK = re.compile(
    r"^(?:(?:by|posted\s+by|written\s+by|(?:post\s+)?author)(?:\b|(?-i:(?=[A-ZÀ-Þ])))|(?:本文|文章)?作者|文|由)\s*[:：/]?\s*"
    r"|^(?:von|por|par|door|text|texto|reporter|autor(?:in)?|redakteur(?:in)?|記者|记者)"
    r"(?:\s*[:：]\s*|\s+(?=[A-ZÀ-Þ]))"
    r"|\s+(?:기자|특파원|記者|记者)$|\s*(?:發表於|发表于|粉丝.*|关注.*"
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


def _own_verdict(node: etree._Element, strict: bool) -> bool | None:
    """What ``node`` itself says about the furniture question; None: ask its parent."""
    content = ("main", "article") if not strict else ()
    # The page's own main part or article: what is inside is not the site's furniture
    # (themes name <main> "sidebar-translate" and the like).
    if node.tag in ("body", "html", *content) or (not strict and node.get("role") == "main"):
        return False
    words = classes_of(node)
    if node.tag in ("aside", "nav") or _FURNITURE.search(words):
        return True
    if (node.tag in ("header", "footer") or _SITE_PART.search(words)) and not _in_content(node):
        return True
    return None


def _post_meta(node: etree._Element) -> bool:
    return bool(_POST_META.search(f"{classes_of(node)} {node.get('id') or ''}"))


# Per page (its root element): for each question, the answer every node asked about gives.
_Answers = dict[tuple[str, bool], dict[etree._Element, bool]]
_verdicts: tuple[etree._Element | None, _Answers] = (None, {})


def _chain(el: etree._Element, kind: str, strict: bool) -> bool:
    """The answer the first deciding node of ``el`` and its ancestors gives (``kind``
    "verdict": ``_own_verdict``; "meta": whether one is the post's metadata box),
    remembered per node of the page: the field readers ask about many elements that
    share their ancestors."""
    global _verdicts
    root = el.getroottree().getroot()
    owner, by_kind = _verdicts
    if owner is not root:
        by_kind = {}
        _verdicts = (root, by_kind)
    known = by_kind.setdefault((kind, strict), {})
    if kind == "verdict":
        return nearest_answer(el, lambda node: _own_verdict(node, strict), known, False)
    return nearest_answer(el, lambda node: _post_meta(node) or None, known, False)


def in_furniture(el: etree._Element, strict: bool = False) -> bool:
    """Inside a sidebar, menu, comment section, or the site's header or footer. Unless
    ``strict``, the post's own metadata box and anything in <main>/<article> are not."""
    # The post's own metadata box, even where a theme puts it in a sidebar or a <nav>
    # (MkDocs Material's "md-post__meta", ABlog's "ablog__postcard").
    if not strict and _chain(el, "meta", False):
        return False
    return _chain(el, "verdict", strict)


_T = TypeVar("_T")
_memo: tuple[etree._Element | None, dict[Callable[[etree._Element], Any], Any]] = (None, {})


def _once(tree: etree._Element, compute: Callable[[etree._Element], _T]) -> _T:
    """``compute(tree)``, computed once per tree: a page's fields are read one after the
    other from the same tree and share what they find. Forgotten when another tree comes."""
    global _memo
    owner, memo = _memo
    if owner is not tree:
        memo = {}
        _memo = (tree, memo)
    if compute not in memo:
        memo[compute] = compute(tree)
    return memo[compute]


def _structured(tree: etree._Element) -> structured.Structured:
    return structured.read(tree, in_furniture)


def reading(tree: etree._Element) -> structured.Structured:
    """The page's structured metadata, read once per tree (the field functions share it)."""
    return _once(tree, _structured)


def json_ld(tree: etree._Element) -> list[dict[str, Any]]:
    """The Article/BlogPosting objects of the page's JSON-LD (broken JSON tolerated)."""
    return reading(tree).articles


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
    return [(h.tag, text) for h, text in _heading_elements(tree)]


def _heading_elements(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    return _once(tree, _find_heading_elements)


def _find_heading_elements(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    out = []
    for h in tree.xpath("//body//h1 | //body//h2"):
        text = _heading_text(h)
        if text and not in_furniture(h, strict=True):
            out.append((h, text))
    return out


def _kickers(h: etree._Element) -> set[str]:
    """The texts a heading's first child elements show: a kicker set apart in its own
    <span> ("<h1><span>Premier League</span> <span>Title</span></h1>")."""
    return {text_of(c) for c in h[:2] if isinstance(c.tag, str) and text_of(c)}


def _title_parts(head_title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SEPARATORS.split(head_title) if p.strip()]


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_QUOTE_FORMS = re.compile("[‘’‚“”„«»\"']")
_KICKER_END = re.compile(r"\S\s*[:|/–—-]\s*$")


def _declared_form(heading: str, declared: list[str], kickers: set[str]) -> str | None:
    """The declared title a heading shows in another form: the same words with other
    punctuation (a kicker span glued to the title, quotes dropped), the heading with a
    kicker or a brand glued to one end."""
    letters = _letters(heading)
    if not letters:
        return None
    # Only the first declared title: a page's other titles often carry the kicker.
    if declared and _letters(declared[0]) == letters:
        same = _QUOTE_FORMS.sub("'", declared[0]) == _QUOTE_FORMS.sub("'", heading)
        return heading if same else declared[0]
    for d in declared:
        shorter = len(d) >= 15 and len(d) >= 0.5 * len(heading)
        kicker = heading[: -len(d)]
        if (
            shorter
            and heading.endswith(d)
            and (_KICKER_END.search(kicker) or kicker.strip() in kickers)
        ):
            return d
        if shorter and heading.startswith(d) and not heading[len(d) :][:1].isspace():
            return d
    return None


def _without_site_suffix(value: str, site_names: set[str], confirmed: list[str]) -> str:
    """A declared title without the site's name after a separator ("Title - Site"), when
    the JSON-LD headline confirms the shorter form."""
    m = re.search(r"\s+(?:[-|–—·»]|::)\s+([^|–—·»]{1,40})$", value)
    if m and m.group(1).strip().casefold() in {n.casefold() for n in site_names}:
        short = value[: m.start()].strip()
        if short and short in confirmed:
            return short
    return value


_KICKER_CLASS = re.compile(
    r"(?:^|[\s_-])(?:kicker|overline|dachzeile|topline|roofline|eyebrow|spitzmarke|supertitle"
    r"|pretitle)(?:$|[\s_-])",
    re.I,
)
_NAVIGATION = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|side-?bar|related|recommend"
    r"|comments?)(?:$|[\s_-])",
    re.I,
)
_LEADING_SEPARATOR = re.compile(r"^[\s:|/–—·-]+")


# Text kept for screen readers only ("capital", "Author:"), never shown on the page.
_SCREEN_READER = re.compile(
    r"(?:^|\s)(?:[a-z]+-)?(?:sr-only|visually-?hidden|screen-reader-text|screenreader-only"
    r"|a11y-hidden|assistive-text)(?:$|\s)",
    re.I,
)
# A heading hidden from the reader: for screen readers, or hidden outright.
_HIDDEN_CLASS = re.compile(
    rf"{_SCREEN_READER.pattern}|(?:^|\s)(?:hidden|h-offscreen)(?:$|\s)", re.I
)
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)


def _hidden_heading(h: etree._Element) -> bool:
    """A heading the reader never sees ("<h1 class=hidden>Site</h1>" for screen readers)."""
    if _HIDDEN_CLASS.search(classes_of(h)):
        return True
    return any(
        n.get("hidden") is not None or _DISPLAY_NONE.search(n.get("style") or "")
        for n in (h, *h.iterancestors())
    )


def _without_kicker(h: etree._Element, text: str, declared: list[str]) -> str:
    """The heading without a kicker its first element sets apart by class
    ("<h1><span class=dachzeile>Topic</span> <span>Headline</span></h1>"), unless the
    page's metadata declares the title with that kicker and with no other."""
    first = next((c for c in h if isinstance(c.tag, str)), None)
    if first is None or (h.text or "").strip() or not _KICKER_CLASS.search(classes_of(first)):
        return text
    kicker = text_of(first)
    if not kicker or not text.startswith(kicker):
        return text
    rest = _LEADING_SEPARATOR.sub("", text[len(kicker) :])
    if len(_letters(rest)) < 4:
        return text
    marker, tail = _letters(kicker), _letters(rest)
    with_it = any(marker in _letters(d) for d in declared)
    # The headline declared without this kicker (alone or after another): a label.
    other = any(_letters(d).endswith(tail) and marker not in _letters(d) for d in declared)
    return rest if other or not with_it else text


def _site_name_after(declared: str, heading: str, site_names: set[str]) -> bool:
    """The declared title is the heading and the site's name ("Title - Site")."""
    rest = declared[len(heading) :] if declared.startswith(heading) else ""
    m = _LEADING_SEPARATOR.match(rest)
    return bool(m and m.group().strip() and rest[m.end() :].strip() in site_names)


def _in_navigation(h: etree._Element) -> bool:
    """In a menu, breadcrumb trail or sidebar (the site's header is not one)."""
    return any(
        n.tag in ("nav", "aside") or _NAVIGATION.search(classes_of(n))
        for n in (h, *h.iterancestors())
        if n.tag not in ("body", "html")
    )


def _goes_on_mid_word(rest: str) -> bool:
    """The rest of a longer text after a heading starts inside a word ("Lupita Nyong'o"
    and "'s $150K Pearl Oscar Dress")."""
    return rest[:1].isalnum() or (rest[:1] in "'’" and rest[1:2].isalnum())


@total("title", lambda: None)
def title(tree: etree._Element, ld: list[dict[str, Any]] | None = None) -> str | None:
    """The article's title: a heading that the page's own metadata or <title> confirms."""
    # The category and the tags compare their values with it.
    return _once(tree, _title)


def _title(tree: etree._Element) -> str | None:
    found = reading(tree)
    rank = {"og": 0, "jsonld": 1, "microdata": 2}
    declared = [c.value for c in sorted(found.titles, key=lambda c: rank.get(c.source, 9))]
    head = text_of(tree.find(".//title"))
    site_names = set(found.site_names)
    parts = _title_parts(head)
    # "Kicker - Headline": the last part is the headline, not the site, when declared so.
    if len(parts) > 1 and parts[-1] not in declared:
        site_names.add(parts[-1])
    in_json_ld = [c.value for c in found.titles if c.source == "jsonld"]
    declared = [_without_site_suffix(d, site_names, in_json_ld) for d in declared]
    shown = [
        (h, _without_kicker(h, t, declared))
        for h, t in _heading_elements(tree)
        if t not in site_names and not _hidden_heading(h)
    ]
    headings = [(h.tag, t) for h, t in shown]
    # A heading the metadata names exactly outranks an earlier one it merely starts with
    # (a section label above the headline).
    for h, text in shown:
        if any(d == text or _site_name_after(d, text, site_names) for d in declared):
            return text
        confirmed = _declared_form(text, declared, _kickers(h))
        if confirmed:
            return confirmed
    for _h, text in shown:
        if any(d.startswith(text) and not _goes_on_mid_word(d[len(text) :]) for d in declared):
            return text
        if len(text) >= 4 and head.startswith(text) and not _goes_on_mid_word(head[len(text) :]):
            return text
    # The headline set in the page's header, outside the content: still the title when the
    # <title> or the metadata says so.
    titles = {d for d in declared if d not in site_names} | ({head} - site_names)
    seen = {h for h, _ in shown}
    for path in ("//body//h1", "//body//h2"):
        for h in tree.xpath(path):
            text = _heading_text(h)
            if (
                h not in seen
                and text in titles
                and not _hidden_heading(h)
                and not _in_navigation(h)
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


# "Elena Oberholzer (obe)": a newsroom's initials after the name.
_INITIALS = re.compile(r"\s*\([a-z]{2,5}\.?\)")
# Several names in one string: "A, B and C", "A und B", "A og B".
_NAME_LIST = re.compile(r"\s*[,;、，]\s*|\s+(?:and|und|og|och|y|et|e|en|i|ve|&)\s+")


# A two- or three-character name spaced out to the width of others: "赵  培".
_SPACED_HAN_NAME = re.compile(r"^([\u4e00-\u9fff])\s+([\u4e00-\u9fff]{1,2})$")


# "Kooman, F.", "Doe, J. R.": a surname, then initials; "Jong, Michiel de" as catalogues
# write a creator (Dublin Core).
_SURNAME_INITIALS = re.compile(r"([A-ZÀ-Þ][\w'’-]+),\s*((?:[A-ZÀ-Þ]\.\s*){1,3})")
_SURNAME_GIVEN = re.compile(
    r"([A-ZÀ-Þ][\w'’-]+),\s*([A-ZÀ-Þ][\w'’-]+(?:\s+[A-ZÀ-Þ]\.)?)"
    r"((?:\s+(?:de|da|di|du|van|von|der|den|la|le|del|dos))*)"
)


def first_last(raw: str, catalogue: bool = False) -> str:
    """A "Last, First" name turned around ("Kooman, F." -> "F. Kooman"); with ``catalogue``
    (a Dublin Core creator) also "Jong, Michiel de" -> "Michiel de Jong"."""
    raw = raw.strip()
    m = _SURNAME_INITIALS.fullmatch(raw)
    if m:
        return f"{m.group(2).strip()} {m.group(1)}"
    m = _SURNAME_GIVEN.fullmatch(raw) if catalogue else None
    if m:
        return " ".join(p for p in (m.group(2), m.group(3).strip(), m.group(1)) if p)
    return raw


# "Martin Untersinger (avec Damien Leloup et Morgane Tual)": co-authors in brackets.
_WITH_NAMES = re.compile(r"\s*[(（](?:avec|with|mit|con|com|met|med)\s+([^()（）]+)[)）]", re.I)


def split_names(raw: str) -> list[str]:
    """The names of a string that lists several ("A, B and C"); the string itself when a
    part does not start like a name (a conjunction inside a name, a role after a comma
    is dropped later as too long)."""
    raw = first_last(_INITIALS.sub("", raw))
    raw = _WITH_NAMES.sub(r", \1", raw)
    if not _NAME_LIST.search(raw):
        return [raw]
    parts = [p.strip() for p in _NAME_LIST.split(raw) if p and p.strip()]
    if len(parts) < 2 or not all(p[0].isupper() or not p[0].isascii() for p in parts):
        return [raw]
    return parts


_PAIRS = {"(": ")", "（": "）"}


def _unpaired_brackets_off(name: str) -> str:
    """``name`` without a bracket at either end that has no partner inside."""
    for opening, closing in _PAIRS.items():
        while name.endswith(closing) and name.count(closing) > name.count(opening):
            name = name[:-1].rstrip()
        while name.startswith(opening) and name.count(opening) > name.count(closing):
            name = name[1:].lstrip()
    return name


def clean_author(raw: Any) -> str | None:
    """A person's name from a byline or a declared value; None for anything else."""
    if isinstance(raw, list):
        names = [n for n in (clean_author(r) for r in raw) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if not isinstance(raw, str):
        if raw is not None:
            structured.oddity("author_shape")
        return None
    name = _INITIALS.sub("", normalize_line(raw[:500]))
    previous = None
    while previous != name:
        previous = name
        name = _AUTHOR_JUNK.sub("", name).strip(" ·|,，:：@[]【】")
        # Brackets go only when unpaired: "周思博 (Joel Spolsky)" keeps its own.
        name = _unpaired_brackets_off(name)
        name = re.sub(r"^[(（]([^()（）]*)[)）]$", r"\1", name)
    name = _SPACED_HAN_NAME.sub(r"\1\2", name)
    if (
        not name
        or len(name) > 40
        or re.search(
            r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{2,4}|https?://|^www\.|[=\"<>@]", name
        )
        or re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)+|[\W\d_]+", name)
        or _NOT_A_NAME.match(name)
        or re.search(r"^\(|image:|\bgetty\b|/|\d{1,2}:\d{2}", name, re.I)
        or name.isdigit()
    ):
        return None
    return name


def _site_like(name: str, site_names: set[str]) -> bool:
    """Whether ``name`` names the site: one of its names (casefolded), that name without its
    domain ending ("vnexpress.net"), or a whole word of it ("Báo VnExpress")."""
    n = name.casefold().strip()
    if not n:
        return False
    for site in site_names:
        if n == site or n == re.sub(r"\.[a-z]{2,6}$", "", site):
            return True
        # A word of a short name only: "SIMPLYFOUND.COM | BY: JOE WEE" credits a person.
        short = len(site.split()) <= 3
        if short and len(n) >= 3 and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", site):
            return True
    return False


def _joined(names: list[str], site_names: set[str] | None = None) -> str | None:
    """Several authors as the column holds them: "A, B" (first seen order, no repeats),
    without the site's own names."""
    skip = site_names or set()
    cleaned = [
        n
        for n in (clean_author(part) for x in names for part in split_names(x))
        if n and not _site_like(n, skip)
    ]
    return ", ".join(dict.fromkeys(cleaned)) or None


def _short_own_texts(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    """The elements whose own text (before their first child) is short enough to be a
    label, with that text: the category and the tags look for their labels among them."""
    return _once(tree, _find_short_own_texts)


def _find_short_own_texts(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    return [
        (el, own)
        for el in tree.xpath("//body//*[text()]")
        if (own := (el.text or "").strip()) and len(own) <= 20
    ]


def _labelled_value(tree: etree._Element, label: re.Pattern[str]) -> list[etree._Element]:
    """The links following a label like "分类:" / "Tags:" in the article's meta lines."""
    found: list[etree._Element] = []
    for el, own in _short_own_texts(tree):
        if not label.match(own) or in_furniture(el):
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
    r"|published|on|in|分类|标签|日期)\b|\s(?:edited|reviewed|updated|photos?|illustrations?)\s+by\b"
    r"|出自|\s(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?(?:\s|$)",
    re.I,
)
_BARE_BY = re.compile(
    r"^(?:posted\s+|written\s+)?(?:by|由)\s+|^(?-i:[Vv]on|[Pp]or|[Pp]ar|[Dd]oor)\s+(?=[A-ZÀ-Þ])",
    re.I,
)
# After "Von", "Por", "Par": only capitalised words (and name particles) make a name, so
# that "Von Iron Man zu Doctor Doom" stays a sentence.
_FOREIGN_BY = re.compile(r"^(?:von|por|par|door)\s", re.I)
_CAPITALISED = re.compile(
    r"(?:(?:[A-ZÀ-Þ][\w.'’-]*|de|da|di|du|van|von|der|den|la|le|del|dos|bin|al)\s+)*"
    r"[A-ZÀ-Þ][\w.'’-]*"
)


_HAS_SCREEN_READER = etree.XPath(
    ".//*[contains(@class, 'sr-only') or contains(@class, 'isually') or contains(@class,"
    " 'screen-reader') or contains(@class, 'screenreader') or contains(@class, 'a11y')"
    " or contains(@class, 'assistive')]"
)


def _screen_reader_only(el: etree._Element) -> bool:
    return any(_SCREEN_READER.search(n.get("class") or "") for n in (el, *el.iterancestors()))


def _shown_text(el: etree._Element) -> str:
    """An element's text without what only screen readers get."""
    hidden_parts = [
        n for n in _HAS_SCREEN_READER(el) if _SCREEN_READER.search(n.get("class") or "")
    ]
    if not hidden_parts:
        return text_of(el)
    skip = {id(n) for n in hidden_parts}
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if id(node) in skip:
            return
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return " ".join("".join(parts).split())


# _AUTHOR_LABEL unanchored: what could match once screen-reader text is taken out.
_MAY_BE_LABELLED = re.compile(
    _AUTHOR_LABEL.pattern.replace(r"(?:^|\s)", "").replace("^(?-i:", "(?-i:"), re.I
)


_DIVIDER = re.compile(r"\s*[|·•]\s*")


def _may_be_labelled(plain: str) -> bool:
    """Whether a text may hold an author label. A text without one has none inside it
    either: the test has no anchor, so what it finds in a part it finds in the whole."""
    return bool(_MAY_BE_LABELLED.search(plain)) or "posted" in plain.lower()


def _byline_of(el: etree._Element, labelled: bool | None = None) -> tuple[str | None, bool]:
    """(name, sure): a labelled or classed byline is sure; a bare "by X" is not.
    ``labelled``: what ``_may_be_labelled`` says of the element's text, when known."""
    # The cheap tests first: few elements have a label or an author class.
    if labelled is None:
        labelled = _may_be_labelled(text_of(el))
    if not (labelled or _AUTHOR_CLASS.search(classes_of(el))):
        return None, False
    if _screen_reader_only(el):
        return None, False
    text = _shown_text(el)
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
            # "By Jane Doe | January 14, 2015": the name ends at the meta line's divider.
            first = next(p for p in [*_DIVIDER.split(text), ""] if p)
            # A run of Han characters longer than a name is a phrase ("探索感兴趣的内容").
            if len(first) > 4 and _CJK_RUN.fullmatch(first):
                return None, False
            return clean_author(first), True
    if label and el.tag in ("span", "div", "p", "li", "small", "address", "em", "i", "td"):
        rest = text[label.end() :].strip()
        first = re.split(_BYLINE_END, rest)[0].strip()
        if _FOREIGN_BY.match(label.group(0)) and not _CAPITALISED.fullmatch(first):
            return None, False
        return clean_author(first), sure
    return None, False


_TEXT_LENGTH = etree.XPath("string-length(normalize-space(.))")


# A link to the author's own page ("/author/jane-doe/", "/autor/…", "/people/…", "/@jane"):
# what its text says is a name, whatever the theme calls its classes.
_AUTHOR_PAGE = re.compile(
    r"/(?:authors?|autor(?:en)?|auteurs?|autore|people|profiles?|staff|writers?|columnists?"
    r"|journalists?|reporters?|redakteure?|by)/[^/?#]+/?(?:$|[?#])|/@[\w.-]+/?$|[?&]author=",
    re.I,
)


# "See All Articles", "View Profile": what an author link says when it is not the name.
_LINK_LABEL = re.compile(
    r"\b(?:all|articles?|posts?|stories|see|view|more|read|profile|follow|bio|archive)\b", re.I
)


# What an author page's address holds, as plain substrings: one search over each link of
# the page costs less than XPath's contains() per word.
_AUTHOR_HREF = re.compile(
    r"author|autor|auteur|people|profile|staff|writer|columnist|journalist|reporter|redakteur"
    r"|/by/|/@"
)


def _in_main_part(el: etree._Element) -> bool:
    """Inside a <main>, an <article> or a role=main element of the body."""
    for a in el.iterancestors():
        if (a.tag in ("main", "article") or a.get("role") == "main") and in_body(a):
            return True
    return False


def _may_be_author_page(a: etree._Element) -> bool:
    href = a.get("href")
    return href is not None and bool(_AUTHOR_HREF.search(href)) and _in_main_part(a)


def _author_page_link(tree: etree._Element) -> str | None:
    """The name on the first link to an author's page inside the article (the page's
    <main> or <article>), outside furniture; a name only (no "Read more", no avatar)."""
    for a in islice((a for a in tree.iter("a") if _may_be_author_page(a)), 20):
        text = text_of(a)
        if not text or not _AUTHOR_PAGE.search(a.get("href") or ""):
            continue
        if not _name_line(text, True) or _LINK_LABEL.search(text):
            continue
        if in_furniture(a) or structured.hidden(a):
            continue
        return _joined(split_names(text))
    return None


def _rel_author_names(tree: etree._Element) -> list[str]:
    """The names of every rel=author link of the article's byline block (the links sharing
    a close ancestor with the first one): a byline of several authors."""
    links = [
        el
        for el in tree.xpath("//body//*[@rel='author']")[:20]
        if not in_furniture(el) and not structured.hidden(el)
    ]
    if not links:
        return []
    # The smallest box holding another of the links, when it is short (a byline, not a
    # list of teasers each with its author).
    others = {id(el) for el in links[1:]}
    for box in list(links[0].iterancestors())[:5]:
        inside = [el for el in box.iter() if id(el) in others]
        if inside:
            break
    else:
        return []
    if _TEXT_LENGTH(box) > 250:
        return []
    names = [clean_author(text_of(el)) for el in (links[0], *inside)]
    return list(dict.fromkeys(n for n in names if n))


def _shown_coauthors(tree: etree._Element, declared: str) -> str:
    """``declared`` (the structured data's authors) or, when the byline shows those and
    more, the byline's fuller list."""
    shown = _rel_author_names(tree)
    have = {n.strip().casefold() for n in declared.split(",")}
    if len(shown) > len(have) and have <= {n.casefold() for n in shown}:
        return ", ".join(shown)
    return declared


_BODY_ELEMENTS = etree.XPath("//body//*")
_BODY_IN_NOSCRIPT = etree.XPath("//body[ancestor-or-self::noscript]")


def _visible_byline(tree: etree._Element) -> tuple[str | None, bool]:
    """The author the article shows, and whether the byline is sure: rel=author in the
    content, a byline, or a meta line ("作者:王德明", "By Jane Doe", "本文作者：李雷",
    "posted @ … 周老二"); a byline inside the page's <main> or <article> first."""
    for el in tree.xpath("//body//*[@rel='author']"):
        if not in_furniture(el) and not structured.hidden(el):
            name = clean_author(text_of(el))
            if name:
                return name, True
    name = _author_page_link(tree)
    if name:
        return name, True
    outside: tuple[str | None, bool] = (None, False)
    # Elements whose text holds no author label: nor do their descendants' texts, which
    # then need only the class test (most elements are inside such a short text).
    unlabelled: set[etree._Element] = set()
    # Scripts, styles and <noscript> are left out in Python: XPath's per-element self:: and
    # ancestor tests cost more than the walk.
    in_noscript = set(_BODY_IN_NOSCRIPT(tree))
    for el in _once(tree, _BODY_ELEMENTS):
        parent = el.getparent()
        if el.tag == "noscript" or parent in in_noscript:
            in_noscript.add(el)
            continue
        if el.tag in ("script", "style"):
            continue
        labelled = None
        if parent in unlabelled:
            unlabelled.add(el)
            labelled = False
            if not _AUTHOR_CLASS.search(classes_of(el)):
                continue
        if len(el) > 12 or el.tag in ("meta", "link"):
            continue
        # The length in C first: most elements are long containers or empty.
        if not 0 < _TEXT_LENGTH(el) <= 200:
            continue
        text = text_of(el)
        if not text or len(text) > 160:
            continue
        if labelled is None:
            labelled = _may_be_labelled(text)
            if not labelled:
                unlabelled.add(el)
        # The byline test first: walking the ancestors is what costs, and few pass it.
        name, sure = _byline_of(el, labelled)
        if not name or in_furniture(el) or structured.hidden(el):
            continue
        if any(a.tag in ("main", "article") for a in el.iterancestors()):
            return name, sure
        if outside[0] is None:
            outside = (name, sure)
    return outside


def _owner(node: Any) -> etree._Element | None:
    """The element a text node belongs to (a comment's tail belongs to the comment's
    parent: "<span><!--[-->Alice Chen</span>")."""
    el = node.getparent()
    while el is not None and not isinstance(el.tag, str):
        el = el.getparent()
    return el


# A copyright line names the site's owner, not the post's author.
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|copyright|版权|版權", re.I)


def _copyright_line(el: etree._Element) -> bool:
    parent = el.getparent()
    return any(
        _COPYRIGHT.search(text_of(n))
        for n in (el, parent)
        if n is not None and _TEXT_LENGTH(n) <= 200
    )


def _shown_in_content(tree: etree._Element, name: str) -> bool:
    if len(name) < 2 or "'" in name:
        return False
    for node in tree.xpath(f"//body//text()[contains(., '{name}')]")[:20]:
        el = _owner(node)
        if (
            el is not None
            and el.tag not in ("script", "style", "title")
            and not in_furniture(el)
            and not structured.hidden(el)
            and not _copyright_line(el)
        ):
            return True
    return False


# A Chinese news credit: "记者 王建宏 张文攀", "河南商报记者马俊峰/文", "（记者 格桑边觉）",
# "新京报记者 彭冲 山东冠县报道" (the last word before 报道 is a place).
_HAN_NAME = r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?"
_REPORTER = re.compile(
    rf"记者[\s:：]*({_HAN_NAME}(?:[\s、，,]+{_HAN_NAME})*)(?=$|[\s/）)】\]]|(报道|摄|通讯员|发自|發自))"
)
# The credit closing a Chinese story: "（姚峰 上海报道）", "（常书香 马丹阳）".
_CLOSING_CREDIT = re.compile(
    rf"[（(]\s*({_HAN_NAME}(?:\s+{_HAN_NAME})*?)\s*(?:\s([\u4e00-\u9fff]{{2,4}})?(报道|報導))?\s*[）)]\s*$"
)
# A labelled credit on a line of its own: "作者： 周思博 (Joel Spolsky)", "文：眉间尺".
_LABELLED_LINE = re.compile(r"^(?:作\s*者|文|撰文|撰稿)\s*[:：]\s*(\S.{0,40})$")


def _reporter_credit(tree: etree._Element) -> str | None:
    """The reporters a Chinese news story credits in its text."""
    texts = _once(tree, _BODY_TEXTS)
    for node in [n for n in texts if "记者" in n][:20]:
        el = _owner(node)
        if el is None or el.tag in ("script", "style", "title", "a") or in_furniture(el):
            continue
        m = _REPORTER.search(" ".join(str(node).split()))
        if not m:
            continue
        names = re.split(r"[\s、，,]+", m.group(1))
        if m.group(2) == "报道" and len(names) > 1:
            names = names[:-1]
        return _joined(names)
    for node in [n for n in texts if "）" in n or ")" in n][-200:]:
        m = _CLOSING_CREDIT.search(" ".join(str(node).split()))
        if not m:
            continue
        names = m.group(1).split()
        # Alone in brackets, one word is as often an agency or a note as a name.
        if not m.group(3) and len(names) < 2:
            continue
        el = _owner(node)
        if el is None or el.tag in ("script", "style", "title", "a") or in_furniture(el):
            continue
        return _joined(names)
    for node in _once(tree, _LINES)[:3000]:
        m = _LABELLED_LINE.match(" ".join(str(node).split()))
        el = _owner(node)
        if m and el is not None and not in_furniture(el) and not structured.hidden(el):
            name = clean_author(m.group(1))
            if name:
                return name
    return None


# A line that is only a name: "胡平", "赵延东、风笑天", or, set in bold, "Mohloai Mpesi".
_HAN_NAMES = re.compile(rf"{_HAN_NAME}(?:[\s、，,]+{_HAN_NAME}){{0,4}}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_NAME = re.compile(r"(?:[A-ZÀ-Þ][\w'’.-]*\s+){1,3}[A-ZÀ-Þ][\w'’-]*")
_NOT_HAN_NAMES = re.compile(
    r"^(?:正文|摘要|导读|導讀|原文|转载|轉載|评论|評論|返回|首页|首頁|作者|来源|來源|简介|簡介|前言|引言"
    r"|目录|目錄|编者按|編者按|附件|相关|相關|推荐|推薦|分享|打印|关闭|關閉|更多|图片|圖片|视频|視頻|新闻|新聞"
    r"|全文|内容|內容|正文开始|本文|声明|聲明|楼主|樓主|沙发|沙發|板凳|游客|遊客|会员|會員|版主"
    r"|管理员|管理員|匿名|网友|網友|访客|訪客)$"
)
_LINES = etree.XPath(
    "//body//text()[normalize-space()][not(ancestor::script or ancestor::style"
    " or ancestor::a or ancestor::noscript or ancestor::option or ancestor::title)]"
)
_BOLD = ("strong", "b")


def _name_line(text: str, bold: bool, chinese: bool = True) -> bool:
    """Whether a line is only a name; a line of Han characters only in Chinese text
    (Japanese kanji lines are labels as often as names)."""
    if len(text) > 40:
        return False
    # One name alone has two or three characters; four are as often a word ("属灵作业").
    if (
        chinese
        and _HAN_NAMES.fullmatch(text)
        and not _NOT_HAN_NAMES.match(text)
        and (len(text) <= 3 or not _CJK_RUN.fullmatch(text))
    ):
        return True
    return bold and bool(_LATIN_NAME.fullmatch(text)) and not _NOT_A_NAME.match(text)


def _names_line(text: str, bold: bool, chinese: bool = True) -> list[str]:
    """The names of a line that is only names, "/" between them ("Jane Doe/John Roe")."""
    parts = [p.strip() for p in text.split("/")] if "/" in text else [text]
    return parts if all(_name_line(p, bold, chinese) for p in parts) else []


_BLOCKS = ("p", "div", "td", "li", "dd", "blockquote", "section", "article", "center", "body")
_FLOW = etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style)] | .//br | .//p | .//div | .//li"
    " | .//tr | .//td | .//h1 | .//h2 | .//h3 | .//h4"
)


def _block_of(node: Any) -> etree._Element | None:
    """The paragraph, cell or box a text node sits in."""
    el = _owner(node)
    if el is None:
        return None
    return next((a for a in (el, *el.iterancestors()) if a.tag in _BLOCKS), None)


def _alone_on_its_line(node: Any, text: str) -> bool:
    """Whether a text is a whole line of its block (between line breaks or block edges),
    not a run inside a sentence ("<strong>Lupita Nyong</strong>'o's dress")."""
    block = _block_of(node)
    if block is None:
        return False
    flow = "".join(x if isinstance(x, str) else "\n" for x in _FLOW(block))
    return any(" ".join(line.split()).strip(" \u3000") == text for line in flow.split("\n"))


def _bold_line(node: etree._Element, text: str) -> bool:
    """Whether the whole line is set in bold (<strong>, <b>, possibly inside <font>)."""
    el = _owner(node)
    for _ in range(3):
        if el is None or text_of(el) != text:
            return False
        if el.tag in _BOLD:
            return True
        el = el.getparent()
    return False


_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def _prose_line(text: str, node: Any, headings: set[str]) -> bool:
    if text in headings or not (len(text) >= 60 or len(_CJK_CHAR.findall(text)) >= 25):
        return False
    el = _owner(node)
    return el is not None and not el.xpath("ancestor-or-self::*[self::h1 or self::h2 or self::h3]")


def _name_before_text(tree: etree._Element, headings: set[str]) -> str | None:
    """A line standing alone just above the article's first paragraph when it is only a
    name: old pages and some newsrooms put the author there, under the title."""
    before: list[tuple[str, Any]] = []
    for n, node in enumerate(_once(tree, _LINES)):
        if n > 3000:
            return None
        text = " ".join(str(node).split()).strip(" \u3000")
        if not text:
            continue
        if not _prose_line(text, node, headings):
            before = [*before[-2:], (text, node)]
            continue
        if _owner(node) is None or in_furniture(_owner(node)):
            return None
        # The name belongs to the text's own box, not to a toolbar above it.
        box = _block_of(node)
        box = box.getparent() if box is not None else None
        chinese = not _KANA.search(text)
        for name, prev in reversed(before):
            el = _owner(prev)
            if (
                el is not None
                and not any(name.casefold() in h.casefold() for h in headings)
                and _names_line(name, _bold_line(prev, name), chinese)
                and box is not None
                and any(a is box for a in (el, *el.iterancestors()))
                and _alone_on_its_line(prev, name)
                and not el.xpath(
                    "ancestor-or-self::*[self::h1 or self::h2 or self::h3 or self::h4"
                    " or self::h5 or self::h6 or self::th or self::label or self::button]"
                )
                and not in_furniture(el)
                and not structured.hidden(el)
            ):
                return _joined([n for part in _names_line(name, True) for n in split_names(part)])
        return None
    return None


_META_DATE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[-/.,日]|\d{1,2},?\s+\d{4}"
)
_TITLE_HEADINGS = etree.XPath(
    "(//main//h1 | //article//h1 | //*[@role='main']//h1)[1] | (//body//h1)[1]"
)


def _name_in_title_meta(tree: etree._Element, headings: set[str]) -> str | None:
    """The one unlinked name in the meta line right under the article's title (the line
    that holds its date), as themes print it beside an icon with no label or class."""
    for h1 in _TITLE_HEADINGS(tree)[:1]:
        meta = h1.getnext()
        while meta is not None and not isinstance(meta.tag, str):
            meta = meta.getnext()
        if meta is None or meta.tag in ("p", "h2", "h3", "pre", "table", "ul", "ol"):
            return None
        whole = text_of(meta)
        if not whole or len(whole) > 200 or not _META_DATE.search(whole):
            return None
        names = []
        for node in meta.xpath(
            ".//text()[not(ancestor::a or ancestor::script or ancestor::style)]"
        ):
            text = " ".join(str(node).split())
            if (
                text
                and _name_line(text, True)
                and not any(text.casefold() in h.casefold() for h in headings)
            ):
                names.append(text)
        if len(names) == 1 and not in_furniture(meta) and not structured.hidden(meta):
            return names[0] if likely_person(names[0]) else None
    return None


def _name_after_text(tree: etree._Element, headings: set[str]) -> str | None:
    """The line right after the article's last paragraph when it is only a name shown
    beside a picture: an author's card closing the post (avatar, name, a line about them)."""
    last = None
    after: Any = None
    for n, node in enumerate(_once(tree, _LINES)):
        if n > 3000:
            return None
        text = " ".join(str(node).split())
        if _prose_line(text, node, headings):
            last, after = node, None
        elif last is not None and after is None:
            after = node
    if after is None:
        return None
    text = " ".join(str(after).split())
    el = _owner(after)
    if (
        el is None
        or not _name_line(text, True)
        or _HEADING(el)
        or not _alone_on_its_line(after, text)
    ):
        return None
    box = el
    for _ in range(3):
        box = box.getparent()
        if box is None or _TEXT_LENGTH(box) > 120:
            return None
        if box.xpath(".//img") and not structured.hidden(el) and not in_furniture(el):
            return _joined([text])
    return None


def _name_closing_text(tree: etree._Element) -> str | None:
    """A right-aligned bold paragraph holding only a name: the author signing the story at
    its end, as many Vietnamese and Chinese newsrooms do."""
    for p in tree.xpath(
        "//body//p[contains(translate(@style, 'RIGHT ', 'right'), 'text-align:right')"
        " or @align='right']"
    ):
        text = text_of(p)
        bold = bool(text) and any(text_of(b) == text for b in p.iter(*_BOLD))
        if bold and _name_line(text, True) and not in_furniture(p) and not structured.hidden(p):
            return _joined(split_names(text))
    return None


# "Author:", "作者：", "Autor:": a label that says in words whose name follows.
_AUTHOR_WORD = re.compile(
    r"^\s*(?:(?:本文|文章)?作\s*者|(?:post\s+)?author|autor(?:in)?|auteur|written\s+by)\s*[:：]",
    re.I,
)
_BODY_TEXTS = etree.XPath("//body//text()")
_NOT_WORDED = ("script", "style", "noscript", "a")


def _outside(node: Any, tags: tuple[str, ...]) -> bool:
    """Whether a text node has no ancestor among ``tags`` (a tail's holder is not one)."""
    el = node.getparent()
    if node.is_tail:
        el = el.getparent()
    while el is not None:
        if el.tag in tags:
            return False
        el = el.getparent()
    return True


def _worded_texts(tree: etree._Element) -> list[Any]:
    """The first 40 texts of the body that may hold an author label ("作", "aut",
    "written" in any case), outside scripts and links. The words are tested in Python:
    XPath's translate() on every text of the page cost more than all the rest. (Of all
    characters only "İ" lower-cases to more than itself among these letters, and its
    "i̇" cannot complete "written".)"""
    found: list[Any] = []
    for node in _once(tree, _BODY_TEXTS):
        lowered = node.lower()
        if ("作" in node or "aut" in lowered or "written" in lowered) and _outside(
            node, _NOT_WORDED
        ):
            found.append(node)
            if len(found) == 40:
                break
    return found


def _worded_byline(tree: etree._Element) -> str | None:
    """The name after an author label ("Author: Jane Doe", "<b>本文作者：</b>李雷"), in the
    label's own element or the short line around it; wherever the theme puts that line."""
    for node in _worded_texts(tree):
        m = _AUTHOR_WORD.match(str(node))
        if not m:
            continue
        el = _owner(node)
        rest = " ".join(str(node)[m.end() :].split())
        if rest and el is not None:
            # The name on the label's own line ("Author:かず<br>a line about her").
            name = clean_author(re.split(_BYLINE_END, rest)[0].strip())
            if name and not structured.hidden(el):
                return name
            continue
        for box in (el, el.getparent() if el is not None else None):
            if box is None or _TEXT_LENGTH(box) > 120:
                break
            name, sure = _byline_of(box)
            if name and sure:
                return None if structured.hidden(box) else name
    return None


# Words of a meta line's controls and counters, never of a name ("Read More", "Last Updated").
_CONTROL_WORDS = re.compile(
    r"\b(?:read|more|min|mins|minutes?|views?|comments?|reply|share|edit|updated|published"
    r"|posted|leave|back|next|previous|prev|home|index|top|print|likes?)\b|于$|於$|字号|字號",
    re.I,
)
_SHORT_LINES = etree.XPath(
    "//body//text()[normalize-space()][string-length(normalize-space()) < 40]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::option)]"
)
_BOX_LINES = etree.XPath(".//text()[normalize-space()][not(ancestor::script or ancestor::style)]")
_HAS_PROSE = etree.XPath(
    "boolean(//body//text()[string-length(normalize-space()) >= 80]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript)])"
)
_HEADING = etree.XPath("ancestor-or-self::*[self::h1 or self::h2 or self::h3 or self::time]")


def _box_names(box: etree._Element, headings: set[str], chinese: bool) -> list[str] | None:
    """The names a small box shows: lines that are only a name, and the names on links to
    an author's page (a link elsewhere is a category, a tag or a post); None for a box
    holding a sentence or a headline (a teaser, a comment, a citation)."""
    names = []
    for node in _BOX_LINES(box):
        text = " ".join(str(node).split())
        el = _owner(node)
        if el is None or text in headings or contains_date(text) or _META_DATE.search(text):
            continue
        if len(text) >= 50 or el.tag == "cite":
            return None
        link = next((a for a in (el, *el.iterancestors()) if a.tag == "a"), None)
        if link is not None and not _AUTHOR_PAGE.search(link.get("href") or ""):
            continue
        if _HEADING(el) or _CONTROL_WORDS.search(text) or _LINK_LABEL.search(text):
            continue
        if _name_line(text, True, chinese) and not structured.hidden(el):
            names.append(text)
    return list(dict.fromkeys(names))


def _date_box_name(tree: etree._Element, headings: set[str]) -> str | None:
    """The one name in the small box around the page's dates: the post's meta line
    ("January 8, 2024 · Jane Doe"), under the title, after the text or in a side column.
    Several such boxes are cards or comments, each with its own author: no answer."""
    if not _HAS_PROSE(tree):
        # A listing of one card looks like a post's meta line; a post has a text.
        return None
    chinese = not (tree.get("lang") or "").lower().startswith("ja")
    found: list[tuple[etree._Element, list[str]]] = []
    dates = 0
    for node in _SHORT_LINES(tree):
        text = " ".join(str(node).split())
        if len(text) > 30 or not contains_date(text):
            continue
        el = _owner(node)
        # A citation's date dates the cited work.
        if (
            el is None
            or el.xpath("ancestor-or-self::cite")
            or structured.hidden(el)
            or any(b is el or el in b.iterdescendants() for b, _ in found)
        ):
            continue
        dates += 1
        if dates > 6:
            break
        box = el
        # Themes nest a meta line deep (MkDocs Material: seven boxes); its length bounds it.
        for _ in range(8):
            box = box.getparent()
            if box is None or box.tag in ("body", "html") or _TEXT_LENGTH(box) > 200:
                break
            names = _box_names(box, headings, chinese)
            if names is None:
                break
            if names:
                found.append((box, names))
                break
    if len(found) != 1 or len(found[0][1]) != 1 or not likely_person(found[0][1][0]):
        return None
    return _joined(found[0][1])


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
    names = [n for n in by_source.get("jsonld", []) if not _site_like(n, site_names)]
    name = _joined(names, site_names)
    if name:
        return _shown_coauthors(tree, name)
    # A page's several <meta name=author> often start with the site's own name.
    named = {
        source: [n for n in by_source.get(source, []) if not _site_like(n, site_names)]
        for source in ("og", "dc", "meta", "microdata", "jsonld-org")
    }
    named["meta"] = named["meta"][:1]
    named["dc"] = [first_last(n, catalogue=True) for n in named["dc"]]
    declared = [n for source in ("og", "dc", "meta", "microdata") for n in named[source]]
    # A name the page labels as its author's outranks a declared one it shows elsewhere
    # (the site owner's card in a side column).
    worded = _worded_byline(tree)
    if worded and not _site_like(worded, site_names):
        return worded
    # A declared name the article itself shows is the byline, whatever else the page says.
    for n in declared:
        if _shown_in_content(tree, n):
            return _joined([n], site_names)
    shown, sure = _visible_byline(tree)
    if shown and _site_like(shown, site_names):
        shown = None
    if shown and sure:
        # The same name declared with its capitals ("JEFFREY GETTLEMAN" shown in small caps).
        same = next((n for n in declared if n.casefold() == shown.casefold()), shown)
        return same if shown.isupper() and not same.isupper() else shown
    reporters = _reporter_credit(tree)
    if reporters:
        return reporters
    headings = {t for _, t in _content_headings(tree)} | set(head_parts)
    # The name shown beside the post's date is its byline, whatever the theme's classes.
    boxed = None if shown else _date_box_name(tree, headings)
    if boxed and not _site_like(boxed, site_names):
        return boxed
    for source in ("og", "dc", "meta", "microdata"):
        name = _joined(named[source], site_names)
        if name:
            return name
    if shown:
        return shown
    # A name standing alone at the start or the end of the text outranks an organisation
    # named as the author (the publisher, as a rule).
    name = (
        _name_closing_text(tree)
        or _name_before_text(tree, headings)
        or _name_in_title_meta(tree, headings)
        or _name_after_text(tree, headings)
    )
    if name and not _site_like(name, site_names):
        return name
    name = _joined(named["jsonld-org"], site_names)
    if name:
        return name
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
    for el in _once(tree, _BODY_ELEMENTS):
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
        el = _owner(node)
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
    # Microformats: <abbr class="published" title="2026-01-11T10:32:00+08:00">; then <time>.
    abbrs: list[str] = []
    times: list[str] = []
    for el in body_iter(tree, "abbr", "time"):
        if el.tag == "abbr":
            if "published" in (el.get("class") or "") and el.get("title") is not None:
                abbrs.append(el.get("title"))
        elif (el.get("datetime") is not None or el.get("pubdate") is not None) and not (
            in_furniture(el)
        ):
            times.append(el.get("datetime") or text_of(el))
    values += abbrs + times[:3]
    values += _visible_dates(tree)
    # Comments (Movable Type's RDF block) carry dc:date.
    for comment in markup_comments(tree):
        if "dc:date" in (comment.text or ""):
            m = re.search(r'dc:date="([^"]+)"', comment.text)
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


_LABEL_START = re.compile(r"^\s*(?:分类|分類|category|categories|tags?|标签)\s*[:：]", re.I)


def _label_like(value: str, page_title: str | None = None) -> bool:
    v = value.strip()
    return (
        not v
        or len(v) > 40
        or bool(_CATEGORY_LABEL.match(v) or _TAG_LABEL.match(v))
        or bool(_LABEL_START.match(v))
        or bool(_COUNT.match(v))
        or v.lower() in _GENERIC_SECTIONS
        or v.lower() in ("undefined", "null", "none", "uncategorized", "未分类")
        or (page_title is not None and v == page_title)
    )


_COUNT_AFTER = re.compile(r"\s*[(（\[]\d+[)）\]]\s*$")


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
    return _COUNT_AFTER.sub("", text)


_CATEGORY_HREF = re.compile(r"categor|/cat/|/section/", re.I)
# Where a link to a category page goes: "/category/x", "/categories/x", "blog-category-x".
_CATEGORY_PATHS = ("/categories/", "/category/", "blog-category-", "/category_")


def _breadcrumb_category(tree: etree._Element) -> str | None:
    """The last category link of a breadcrumb ("首页 › Programming › title")."""
    for crumb in _once(tree, _BODY_ELEMENTS):
        if not (
            "breadcrumb" in (crumb.get("class") or "")
            or "BreadcrumbList" in (crumb.get("itemtype") or "")
        ):
            continue
        links = [
            a for a in crumb.xpath(".//a[@href]") if _CATEGORY_HREF.search(a.get("href") or "")
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
    for a in body_iter(tree, "a"):
        if (
            " category " in f" {a.get('rel') or ''} "
            and not in_furniture(a)
            and not _label_like(_link_text(a), page_title)
        ):
            return _link_text(a)
    for el in _once(tree, _BODY_ELEMENTS):
        words = el.get("class") or ""
        if not ("categor" in words or "cat-links" in words or "Category" in (el.get("id") or "")):
            continue
        if in_furniture(el):
            continue
        links = [_link_text(a) for a in el.xpath(".//a")]
        links = [t for t in links if not _label_like(t, page_title)]
        if links:
            return links[0]
    for a in body_iter(tree, "a"):
        if (
            any(part in (a.get("href") or "") for part in _CATEGORY_PATHS)
            and not in_furniture(a)
            and not _label_like(_link_text(a), page_title)
        ):
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
