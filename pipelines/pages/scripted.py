"""The story a script-built page carries in its data: the article HTML that a framework's
state (React Query, Apollo, Nuxt, plain ``window.__DATA__``) holds as a JSON string, or a
JSON-LD ``articleBody``. Read only when the page's own HTML yields too little text."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from lxml import etree

# A JSON string literal long enough to hold a story; the alternation cannot backtrack.
_STRING = re.compile(r'"((?:[^"\\]|\\.){400,})"')
_PARAGRAPH = re.compile(r"<p[\s>]", re.I)
_SCRIPT_LIMIT = 5_000_000


def _held_html(raw: str) -> str:
    """The longest HTML with several paragraphs held in a string literal of one script."""
    best = ""
    for m in _STRING.finditer(raw):
        s = m.group(1)
        if "u003cp" not in s.lower() and "<p" not in s.lower():
            continue
        try:
            value = json.loads(f'"{s}"')
        except ValueError:
            continue
        if len(value) > len(best) and len(_PARAGRAPH.findall(value)) >= 2:
            best = value
    return best


def script_held_story(tree: etree._Element, ld: list[dict[str, Any]] | None = None) -> str | None:
    """An HTML document of the story the page's scripts or structured data hold, if any:
    the longest of a JSON-LD ``articleBody`` (``ld``: the page's article objects, as
    ``metadata.json_ld`` reads them; plain text, one paragraph a line) and an HTML string
    with paragraphs in an inline script."""
    candidates: list[str] = []
    for article in ld or []:
        body = article.get("articleBody")
        if isinstance(body, str):
            lines = [line.strip() for line in body.split("\n") if line.strip()]
            candidates.append("".join(f"<p>{escape(line)}</p>" for line in lines))
    for script in tree.iter("script"):
        raw = script.text or ""
        if script.get("src") or len(raw) < 500 or len(raw) > _SCRIPT_LIMIT:
            continue
        held = _held_html(raw)
        if held:
            candidates.append(held)
    if not candidates:
        return None
    best = max(candidates, key=len)
    return f"<html><body><article>{best}</article></body></html>"
