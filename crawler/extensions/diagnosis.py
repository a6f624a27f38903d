"""Why a listing page shows no article cards: a guess from the page alone, in words.

A listing rendered in the browser (a JavaScript app), a login wall and a block page all
download fine and hold no cards; telling them apart saves the operator a look at the HTML.
"""

from __future__ import annotations

import re

_SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)
_HIDDEN = re.compile(rb"<(style|template|svg|head)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_NOSCRIPT = re.compile(rb"<noscript\b[^>]*>(.*?)</noscript\s*>", re.I | re.S)
_TAG = re.compile(rb"<[^>]+>")
_TITLE = re.compile(rb"<title\b[^>]*>(.*?)</title", re.I | re.S)
_APP_ROOT = re.compile(
    rb"""<(?:div|main|section|body)\b[^>]*?(?:\bid\s*=\s*["']?(root|app|__next|__nuxt|svelte|"""
    rb"""main-app|react-root|ember-app)\b|\b(ng-app|data-reactroot|data-server-rendered)\b)""",
    re.I,
)
_PASSWORD = re.compile(rb"""<input\b[^>]*type\s*=\s*["']?password""", re.I)
_LOGIN_WORDS = re.compile(
    rb"\b(log ?in|sign ?in|members only|subscribe to (read|continue))\b", re.I
)
_BLOCK_WORDS = re.compile(
    rb"(captcha|access denied|just a moment|attention required|are you a robot|"
    rb"verify you are (a )?human|request blocked|cf-chl|too many requests|unusual traffic)",
    re.I,
)
BLOCK_STATUSES = {401, 403, 407, 429, 451, 503}
# Less visible text than this, next to an app root or much script, is a page built in the browser.
_FEW_CHARS = 400


def visible_text(body: bytes) -> str:
    """The page's text a reader would see without running its scripts (roughly)."""
    html = _HIDDEN.sub(b" ", _SCRIPT.sub(b" ", _NOSCRIPT.sub(b" ", body)))
    text = _TAG.sub(b" ", html).decode("utf-8", "replace")
    return " ".join(text.split())


def no_cards_cause(body: bytes, status: int = 200) -> str:
    """One clause saying what a listing page with no cards most likely is."""
    body = body[: 2 << 20]
    title_match = _TITLE.search(body)
    title = " ".join(title_match.group(1).decode("utf-8", "replace").split()) if title_match else ""
    if (
        status in BLOCK_STATUSES
        or _BLOCK_WORDS.search(title.encode())
        or (_BLOCK_WORDS.search(body) and len(visible_text(body)) < 2000)
    ):
        shown = f", titled {title[:60]!r}" if title else ""
        return f"it looks like a block page (HTTP {status}{shown}): the site refuses this crawler"
    if _PASSWORD.search(body) or (_LOGIN_WORDS.search(title.encode()) and title):
        return "it looks like a login wall: the articles are behind a sign-in"
    text = visible_text(body)
    scripts = sum(len(m) for m in _SCRIPT.findall(body))
    root = _APP_ROOT.search(body)
    noscript = b"".join(_NOSCRIPT.findall(body)).lower()
    if len(text) < _FEW_CHARS and (root or scripts > 2 * len(text) or b"javascript" in noscript):
        what = []
        if root:
            name = (root.group(1) or root.group(2)).decode("ascii", "replace")
            what.append(f"an app root ({name})")
        what.append(f"{scripts / 1024:.0f} KB of script")
        what.append(f"{len(text)} characters of text")
        return (
            f"it looks like a JavaScript app ({', '.join(what)}): its cards are built in the "
            "browser; LISTINGS_RENDER=auto renders it in Chromium, or point the crawl at the "
            "site's feed or sitemap"
        )
    return (
        "no article cards were found in its HTML (a redesign, or not a listing page): "
        "`scrapy cards URL` shows what the detector sees, and a `card` selector in "
        "sites.toml fixes it"
    )
