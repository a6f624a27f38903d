"""Decoding and parsing HTML: the same for a crawl and for a saved page."""

from __future__ import annotations

import codecs
import re

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree
from w3lib.encoding import html_to_unicode, resolve_encoding

# A server's default, not a statement about the page: body evidence wins over it.
_WEAK_HEADER_CHARSETS = {"cp1252", "iso8859-1", "latin-1", "ascii"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)


def _auto_detect(body: bytes) -> str | None:
    for enc in ("ascii", "utf-8"):
        try:
            body.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    match = from_bytes(body[:200_000]).best()
    return resolve_encoding(match.encoding) if match else None


def _norm(enc: str | None) -> str | None:
    if not enc:
        return None
    try:
        return codecs.lookup(resolve_encoding(enc) or enc).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding): HTTP header, then ``<meta charset>``, then content sniffing,
    as a browser and Scrapy do; a Latin-1 header on a body that is valid UTF-8 or
    declares another charset is taken for the server default it usually is."""
    header = content_type or ""
    m = re.search(r"charset\s*=\s*[\"']?([\w\-]+)", header, re.I)
    declared = _norm(m.group(1)) if m else None
    if declared in {_norm(x) for x in _WEAK_HEADER_CHARSETS}:
        meta = _META_CHARSET.search(body[:4096])
        meta_enc = _norm(meta.group(1).decode("ascii", "ignore")) if meta else None
        try:
            body.decode("utf-8")
            utf8 = any(b > 0x7F for b in body)
        except UnicodeDecodeError:
            utf8 = False
        if utf8 or (meta_enc and meta_enc != declared):
            header = re.sub(r"charset\s*=\s*[\"']?[\w\-]+", "", header, flags=re.I)
    enc, text = html_to_unicode(header or None, body, auto_detect_fun=_auto_detect)
    return text, enc


def parse_html(text: str) -> etree._Element:
    """An lxml tree of ``text``; an empty or unparsable page gives an empty ``<html>``."""
    if not text or not text.strip():
        return lxml.html.fromstring("<html><body></body></html>")
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return lxml.html.fromstring("<html><body></body></html>")


def text_of(el: etree._Element | None) -> str:
    """Visible text of an element, blanks collapsed."""
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def classes_of(el: etree._Element) -> str:
    """Lower-cased ``class`` and ``id`` of an element, for matching by words."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()
