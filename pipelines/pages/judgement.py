"""Signals for "is this page one article?": what the page declares, how its text is built,
which listing cards actually made it into the text, and text length weighted by script."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from pipelines.pages.html import text_of

_ARTICLE_TYPES = re.compile(
    r"^(?:\w+:)?(?:Article|NewsArticle|BlogPosting|Report|ReportageNews|AnalysisNewsArticle"
    r"|OpinionNewsArticle|ReviewNewsArticle|BackgroundNewsArticle|TechArticle|ScholarlyArticle"
    r"|LiveBlogPosting|SocialMediaPosting|DiscussionForumPosting|Blog\w*Posting)$"
)
_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def weighted_length(text: str) -> int:
    """Length in Latin-character equivalents: a CJK character carries about what three
    Latin letters do, so a 150-character Chinese news item is not "too short"."""
    return len(text) + 2 * len(_WIDE.findall(text))


def _ld_types(node: Any, out: set[str], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node[:50]:
            _ld_types(item, out, depth + 1)
    elif isinstance(node, dict):
        kind = node.get("@type")
        for k in kind if isinstance(kind, list) else [kind]:
            if isinstance(k, str):
                out.add(k)
        if "@graph" in node:
            _ld_types(node["@graph"], out, depth + 1)


def declares_article(tree: etree._Element, ld: Any = None) -> bool:
    """``og:type`` article (or a video: a news clip and its caption), or structured data of
    an Article type, for this page."""
    og = tree.xpath("//meta[@property='og:type' or @name='og:type']/@content")
    kinds = [str(v).strip().lower() for v in og]
    if any(k in ("article", "blog", "blogposting") or k.startswith("video.") for k in kinds):
        return True
    types: set[str] = set()
    blocks = ld if isinstance(ld, list) else [ld] if ld else []
    if not blocks:
        for script in tree.xpath("//script[@type='application/ld+json']")[:10]:
            try:
                blocks.append(json.loads((script.text or "").strip()))
            except ValueError:
                continue
    _ld_types(blocks, types)
    if any(_ARTICLE_TYPES.match(t) for t in types):
        return True
    return bool(
        tree.xpath(
            "//*[@itemtype][contains(@itemtype, 'Article') or contains(@itemtype, 'BlogPosting')]"
        )
    )


def long_paragraphs(text: str, min_len: int = 150) -> int:
    """Lines of real prose length (weighted) in the extracted text."""
    return sum(1 for line in text.split("\n") if weighted_length(line) >= min_len)


def has_article_prose(tree: etree._Element) -> bool:
    """An ``<article>`` (or ``[itemprop=articleBody]``) holding several long paragraphs."""
    for el in tree.xpath("//article | //*[@itemprop='articleBody']")[:20]:
        long = 0
        for p in el.iter("p"):
            if weighted_length(text_of(p)) >= 150:
                long += 1
                if long >= 3:
                    return True
    return False


def shown_in_text(cards: list[tuple[str, str]], text: str) -> tuple[int, int]:
    """(cards, characters) of those cards whose title or excerpt is in the extracted text: teasers
    outside the text (related stories, menus, sidebars) do not make a page a listing."""
    flat = " ".join(text.split()).casefold()
    n = chars = 0
    for title, excerpt in cards:
        t = " ".join(title.split()).casefold()
        e = " ".join(excerpt.split())[:40].casefold()
        if (len(t) >= 4 and t in flat) or (len(e) >= 20 and e in flat):
            n += 1
            chars += len(title) + len(excerpt)
    return n, chars
