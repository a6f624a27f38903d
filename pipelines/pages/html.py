"""Decoding and parsing HTML: the same for a crawl and for a saved page."""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree
from w3lib.encoding import html_to_unicode, resolve_encoding

from pipelines.model import FetchedPage

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
    # A declared charset can lie: a body that is valid UTF-8 is UTF-8, and a body that the
    # declared charset garbles is read by what its bytes say instead.
    utf8 = _norm(enc) != "utf-8" and _is_utf8(body) and not body.startswith(_BOMS)
    if utf8 or not _fits(body, enc):
        better = "utf-8" if utf8 else _auto_detect(body)
        if better and _fits(body, better):
            return body.decode(better, "replace"), better
    elif _norm(enc) in {_norm(x) for x in _WEAK_HEADER_CHARSETS} and not body.isascii():
        # A server's Latin-1 default over GBK/Big5/Shift-JIS bytes reads without errors
        # but as noise; a multi-byte charset that reads the body cleanly is the real one.
        guess = _norm(_auto_detect(body))
        if guess in _MULTIBYTE and _fits(body, guess, strict=True):
            return body.decode(guess), guess
    return text, enc


_MULTIBYTE = {
    _norm(x)
    for x in ("gb18030", "gbk", "big5", "big5hkscs", "cp932", "shift_jis", "euc_jp", "euc_kr")
}


_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _is_utf8(body: bytes) -> bool:
    """Valid UTF-8 with at least one non-ASCII character (nothing else looks like that)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b > 0x7F for b in body)


def _fits(body: bytes, enc: str | None, strict: bool = False) -> bool:
    """Does ``body`` read as ``enc`` with at most a few stray bytes (none if ``strict``)?"""
    if not enc:
        return False
    try:
        text = body.decode(enc, "replace")
    except LookupError:
        return False
    bad = text.count("\ufffd")
    return bad == 0 if strict else bad <= 2 or bad * 200 <= len(text)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_LOCAL = threading.local()


def _parser() -> lxml.html.HTMLParser:
    """lxml.html's parser, with every element an ``HtmlElement`` chosen in C.

    lxml.html's own lookup calls Python for each element touched, to give forms and
    inputs their own classes; nothing here uses those, and it cost more than the parse.
    One per thread: lxml parsers are not to be shared between threads.
    """
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = lxml.html.HTMLParser()
        parser.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=lxml.html.HtmlElement,
                comment=lxml.html.HtmlComment,
                pi=lxml.html.HtmlProcessingInstruction,
                entity=lxml.html.HtmlEntity,
            )
        )
        _LOCAL.parser = parser
    return parser


def parse_html(text: str) -> etree._Element:
    """An lxml tree of ``text``; an empty or unparsable page gives an empty ``<html>``."""
    if not text or not text.strip():
        return lxml.html.fromstring("<html><body></body></html>")
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    # Control characters no browser shows; lxml would refuse them in any text set later.
    text = _NOT_XML.sub("", text)
    try:
        tree = lxml.html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError):
        return lxml.html.fromstring("<html><body></body></html>")
    _separate_blocks(tree)
    return tree


_BREAKING = {
    "br",
    "p",
    "div",
    "li",
    "tr",
    "td",
    "th",
    "dd",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "table",
}


def _separate_blocks(tree: etree._Element) -> None:
    # "line<br>line" and "</p><p>" read as two words, as a browser shows them, not one.
    for el in tree.iter(*_BREAKING):
        if el.getparent() is not None and not (el.tail or "").startswith("\n"):
            el.tail = "\n" + (el.tail or "")


_T = TypeVar("_T")


def nearest_answer(
    node: etree._Element | None,
    own: Callable[[etree._Element], _T | None],
    memo: dict[etree._Element, _T],
    default: _T,
) -> _T:
    """What the nearest of ``node`` and its ancestors to decide says (``own``: an answer, or
    None to ask the parent); ``default`` when none does. ``memo`` keeps each node's answer:
    the elements a page's readers ask about share their ancestors, and each is walked once."""
    undecided = []
    answer = default
    while node is not None:
        if node in memo:
            answer = memo[node]
            break
        verdict = own(node)
        if verdict is not None:
            answer = memo[node] = verdict
            break
        undecided.append(node)
        node = node.getparent()
    for n in undecided:
        memo[n] = answer
    return answer


def text_of(el: etree._Element | None) -> str:
    """Visible text of an element, blanks collapsed."""
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def classes_of(el: etree._Element) -> str:
    """Lower-cased ``class`` and ``id`` of an element, for matching by words."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def page_html(page: FetchedPage) -> str:
    """The text of a fetched page: the one place a response body is decoded."""
    return decode_html(page.body, page.content_type)[0]


def parse_page(page: FetchedPage) -> etree._Element:
    """The parsed tree of a fetched page (decoded by ``page_html``)."""
    return parse_html(page_html(page))


def outermost(elements: list[etree._Element]) -> list[etree._Element]:
    """``elements`` without those inside another of them (so each subtree is handled once)."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def replace_with_text(el: etree._Element, text: str = "") -> None:
    """Put ``text`` where ``el`` was, keeping its tail (the text after it), removing ``el``."""
    parent = el.getparent()
    if parent is None:
        return
    put = text + (el.tail or "")
    if put:  # nothing to put: the text around stays as it was (None is not made "")
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + put
        else:
            parent.text = (parent.text or "") + put
    parent.remove(el)


# re.I matches these to an ASCII letter where ``str.lower`` leaves them or makes two characters
# of one ("İ"), and the Kelvin sign, which only ``str.lower`` (not ASCII lower-casing) maps.
_FOLDS_ODDLY = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def fold_odd_letters(text: str) -> str:
    """``text`` with the four characters re.I matches to an ASCII letter ("İ", "ı", "ſ", the
    Kelvin sign) replaced by that letter. Lower-cased after this, the text (or its UTF-8
    bytes) holds a match of a lower-case ASCII pattern where the text held a re.I match:
    every other character matches a pattern letter under re.I only if its lower case is it."""
    if not text.isascii():
        for odd, plain in _FOLDS_ODDLY:
            if odd in text:
                text = text.replace(odd, plain)
    return text


def in_body(el: etree._Element) -> bool:
    """Inside the page's <body>."""
    return any(a.tag == "body" for a in el.iterancestors())


def body_iter(tree: etree._Element, *tags: str) -> Iterator[etree._Element]:
    """The elements ``//body//tag`` selects, in document order, found by lxml's own walk
    (an XPath with a predicate costs libxml2 a test of every node of the page)."""
    for body in tree.getroottree().getroot().iter("body"):
        for el in body.iter(*tags):
            if el is not body:
                yield el


def markup_comments(tree: etree._Element) -> Iterator[etree._Comment]:
    """Every ``<!-- … -->`` of the document (``//comment()``), in document order, those before and
    after the root element included."""
    root = tree.getroottree().getroot()
    yield from reversed(list(root.itersiblings(etree.Comment, preceding=True)))
    yield from root.iter(etree.Comment)
    yield from root.itersiblings(etree.Comment)
