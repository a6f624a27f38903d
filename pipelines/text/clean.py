"""Text cleaning: placeholders, banners, interface labels, truncation marks, whitespace.

Pure functions of strings. Each removes only what it names, so that nothing of the
author's prose is lost: real bracketed text such as ``nums = [1]`` stays.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Tokens some sites leave where the article had code, a formula or an image.
CODE_PLACEHOLDERS = ("[代码]", "[code]", "[Code]")
FORMULA_PLACEHOLDERS = ("[Math]", "[math]", "[公式]", "[Formula]", "[formula]")
IMAGE_PLACEHOLDERS = ("[图片]", "[Image]", "[image]")

# Site furniture that trafilatura may keep when a theme puts it near the content.
DEFAULT_BOILERPLATE = ("INCOMING TRANSMISSION", "LATEST UPDATES")

_PLACEHOLDER_RE = re.compile(
    "|".join(re.escape(t) for t in CODE_PLACEHOLDERS + FORMULA_PLACEHOLDERS + IMAGE_PLACEHOLDERS)
)
_CODE_RE = re.compile("|".join(re.escape(t) for t in CODE_PLACEHOLDERS))
_FORMULA_RE = re.compile("|".join(re.escape(t) for t in FORMULA_PLACEHOLDERS))
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")

_LEAD_LABEL = re.compile(r"^\s*(?:摘要|简介|导读|Summary|Excerpt|Abstract)\s*[:：]\s*", re.I)
_ARROW = r"(?:»|›|→|>>|&raquo;|\.\.\.|…|->)"
_STRONG_LABEL = (
    r"阅读全文|阅读更多|查看全文|查看更多|继续阅读|点击阅读|阅读剩余部分|阅读余下全文|全文阅读|閱讀全文"
    r"|繼續閱讀|続きを読む|read\s+more|read\s+the\s+rest"
    r"|continue\s+reading|keep\s+reading|read\s+full\s+(?:article|post|story)"
)
# A weak label ("more", "全文") counts only when bracketed or followed by an arrow:
# as a bare last word it may be the author's own.
_TRAIL_LABEL = re.compile(
    rf"\s*(?:[\[(（【]\s*|[-—–]+\s*)?(?:{_STRONG_LABEL})"
    r"(?:\s+(?:of\s+)?(?:this|the)?\s*(?:post|article|entry|story))?"
    rf"\s*(?:[\])）】]\s*|[-—–]+\s*)?{_ARROW}?\s*$"
    rf"|\s*[\[(（【]\s*(?:more|全文|更多|详细|详情|查看|阅读)\s*{_ARROW}?\s*[\])）】]\s*{_ARROW}?\s*$"
    rf"|\s+(?:more|全文|更多)\s*{_ARROW}\s*$",
    re.I,
)
# Exactly three dots: "weird...." is a sentence's period followed by the cut mark.
_TRAIL_ELLIPSIS = re.compile(
    r"\s*(?:\[\s*(?:…|\.\.\.|&hellip;)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…+|\.{3}|&hellip;)\s*$"
)


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text, and how many code and formula placeholders it had."""

    text: str
    code_placeholders: int = 0
    formula_placeholders: int = 0


def normalize_line(line: str) -> str:
    """Unicode NFC, invisible characters dropped, runs of blanks to one space, trimmed."""
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE)
    return _SPACES.sub(" ", line).strip()


def normalize_whitespace(text: str) -> str:
    """Every line normalised, empty lines dropped, lines joined by ``\\n``."""
    lines = (normalize_line(x) for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(x for x in lines if x)


def count_placeholders(text: str) -> tuple[int, int]:
    """(code placeholders, formula placeholders) in ``text``."""
    return len(_CODE_RE.findall(text)), len(_FORMULA_RE.findall(text))


def strip_placeholders(text: str) -> str:
    """``text`` with each code, formula or image placeholder replaced by a space."""
    return _PLACEHOLDER_RE.sub(" ", text)


def strip_boilerplate_lines(text: str, boilerplate: Iterable[str]) -> str:
    """Drop lines that are exactly a known banner/label, and the banner where a line starts with it."""
    marks = [normalize_line(b) for b in boilerplate if b and b.strip()]
    if not marks:
        return text
    kept = []
    for line in text.split("\n"):
        stripped = normalize_line(line)
        changed = True
        while changed and stripped:
            changed = False
            for mark in marks:
                if stripped == mark:
                    stripped = ""
                elif stripped.startswith(mark + " "):
                    stripped = stripped[len(mark) :].lstrip()
                    changed = True
        if stripped:
            kept.append(stripped)
    return "\n".join(kept)


def strip_labels(text: str) -> str:
    """Interface labels around an excerpt: "摘要：" before it, "阅读全文"/"Read more »" after it."""
    previous = None
    while previous != text:
        previous = text
        text = _LEAD_LABEL.sub("", text)
        text = _TRAIL_LABEL.sub("", text)
    return text


def strip_truncation(text: str) -> str:
    """Trailing "..." / "…" / "[…]" that marks a cut excerpt."""
    previous = None
    while previous != text:
        previous = text
        text = _TRAIL_ELLIPSIS.sub("", text)
    return text


def clean_text(text: str | None, boilerplate: Iterable[str] = DEFAULT_BOILERPLATE) -> Cleaned:
    """Main text: placeholders counted and removed, banners dropped, whitespace normalised."""
    if not text:
        return Cleaned("")
    code, formulas = count_placeholders(text)
    text = normalize_whitespace(strip_placeholders(text))
    text = strip_boilerplate_lines(text, boilerplate)
    return Cleaned(text, code, formulas)


def clean_excerpt(text: str | None, boilerplate: Iterable[str] = DEFAULT_BOILERPLATE) -> str | None:
    """A listing card's excerpt as one clean line, or None when nothing is left."""
    if not text:
        return None
    cleaned = clean_text(text, boilerplate).text.replace("\n", " ")
    previous = None
    while previous != cleaned:
        previous = cleaned
        cleaned = strip_truncation(strip_labels(cleaned)).strip()
    return cleaned or None


def clean_title(text: str | None) -> str | None:
    """A title on one line, without placeholders; None if nothing is left."""
    if not text:
        return None
    title = normalize_whitespace(strip_placeholders(text)).replace("\n", " ")
    return title or None
