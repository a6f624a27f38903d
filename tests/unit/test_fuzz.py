"""Property-based tests and a bounded fuzz of the extraction entry points.

Generated URLs, text, dates and HTML (well-formed, broken, binary) go through URL
canonicalisation, cleaning, date parsing, card detection and ``extract_page``: no
exception escapes, and every output keeps its invariants. The number of examples is
sized for CI; ``LISTINGS_FUZZ_EXAMPLES`` raises it for a longer run::

    LISTINGS_FUZZ_EXAMPLES=5000 python -m pytest tests/unit/test_fuzz.py
"""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pyarrow as pa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawler.middlewares.demo_site import DEMO_ROOT, demo_file
from pipelines.model import Article, ArticlePage, PageError
from pipelines.pages.article import UNTITLED_MIN_CHARS
from pipelines.pages.extract import ExtractOptions, extract_page
from pipelines.pages.html import decode_html, parse_html
from pipelines.pages.judgement import weighted_length
from pipelines.pages.listing import detect_cards
from pipelines.store.base import StorageError
from pipelines.store.writer import TableWriter
from pipelines.text.clean import (
    CODE_PLACEHOLDERS,
    FORMULA_PLACEHOLDERS,
    clean_excerpt,
    clean_text,
    clean_title,
)
from pipelines.text.dates import contains_date, parse_date
from pipelines.text.urls import BadURL, canonical_url, is_tracking_param, same_site

BUDGET = int(os.environ.get("LISTINGS_FUZZ_EXAMPLES", "0")) or None


def budget(n: int) -> settings:
    """``n`` examples in CI, or the number asked for; never a deadline (CI machines vary)."""
    return settings(
        max_examples=BUDGET or n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- URLs ------------------------------------------------------------------------------------

hosts = st.one_of(
    st.from_regex(r"[a-zA-Z0-9-]{1,10}(\.[a-zA-Z]{2,5}){1,2}", fullmatch=True),
    st.sampled_from(
        ["127.0.0.1", "[::1]", "例子.中国", "EXAMPLE.com.", "a_b.com", "x..y", "[fe80::1%25eth0]"]
    ),
)
ports = st.sampled_from(["", ":80", ":443", ":8080", ":0", ":99999", ":abc", ":"])
segments = st.text(
    alphabet=st.sampled_from(list("abcXYZ09-_.~%/;=:@!$&'()*+,中文 \t\"<>{}|\\^`")), max_size=12
)
params = st.tuples(
    st.sampled_from(
        ["utm_source", "id", "page", "fbclid", "PHPSESSID", "jsessionid", "sid", "q", "", "a b"]
    ),
    st.text(max_size=6),
)


@budget(800)
@given(
    st.sampled_from(["http", "https", "HTTP", "HtTpS", "ftp", "javascript", ""]),
    hosts,
    ports,
    st.lists(segments, max_size=4),
    st.lists(params, max_size=4),
    st.text(max_size=5),
)
def test_canonical_url_invariants(
    scheme: str, host: str, port: str, path: list[str], query: list, fragment: str
) -> None:
    qs = "&".join(f"{k}={v}" for k, v in query)
    url = f"{scheme}://{host}{port}/{'/'.join(path)}?{qs}#{fragment}"
    try:
        canon = canonical_url(url)
    except BadURL:
        return
    parts = urlsplit(canon)
    assert parts.scheme in ("http", "https") and parts.hostname
    assert parts.hostname == parts.hostname.lower()
    assert "#" not in canon and not any(c.isspace() for c in canon)
    assert ";jsessionid=" not in canon.lower()
    names = [k for k, _ in parse_qsl(parts.query, keep_blank_values=True)]
    assert not any(is_tracking_param(k) for k in names)
    assert canonical_url(canon) == canon  # idempotent
    assert same_site(canon, canon)


@budget(1500)
@given(
    st.text(max_size=80),
    st.one_of(
        st.none(), st.sampled_from(["https://x.org/a/", "http://[::1]:81/", "http://例子.中国/"])
    ),
)
@example("http://[::1", None)
@example("http://x:abc/", "https://x.org/")
@example("//evil.example/x", "https://x.org/a/")
def test_canonical_url_raises_only_bad_url(url: str, base: str | None) -> None:
    try:
        canon = canonical_url(url, base=base)
    except BadURL:
        return
    assert canonical_url(canon) == canon


# --- cleaning --------------------------------------------------------------------------------

messy = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=8),
        st.sampled_from(["\n", "\r\n", "\u200b", "\u00a0", "\u3000", "…", "...", "»", "阅读全文"]),
        st.sampled_from([*CODE_PLACEHOLDERS, *FORMULA_PLACEHOLDERS, "[图片]"]),
    ),
    max_size=30,
).map("".join)


@budget(800)
@given(messy)
def test_clean_text_invariants(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.code_placeholders >= 0 and cleaned.formula_placeholders >= 0
    for line in cleaned.text.split("\n") if cleaned.text else []:
        assert line and line == line.strip()
    for token in CODE_PLACEHOLDERS + FORMULA_PLACEHOLDERS:
        assert token not in cleaned.text
    assert clean_text(cleaned.text).text == cleaned.text  # idempotent


@budget(800)
@given(messy)
def test_clean_excerpt_and_title_invariants(text: str) -> None:
    for out in (clean_excerpt(text), clean_title(text)):
        assert out is None or (out and "\n" not in out and out == out.strip())


# --- dates -----------------------------------------------------------------------------------


@st.composite
def written_dates(draw: st.DrawFn) -> tuple[str, datetime]:
    day = draw(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31)))
    day = day.replace(second=0, microsecond=0)
    style = draw(st.sampled_from(["iso", "slash", "zh", "en", "en2"]))
    text = {
        "iso": f"{day:%Y-%m-%d %H:%M}",
        "slash": f"{day.year}/{day.month}/{day.day} {day:%H:%M}",
        "zh": f"{day.year}年{day.month}月{day.day}日 {day:%H:%M}",
        "en": f"{day:%B} {day.day}, {day.year} {day:%H:%M}",
        "en2": f"{day.day} {day:%b} {day.year} {day:%H:%M}",
    }[style]
    noise = draw(st.sampled_from(["", "posted @ ", "发布于 ", "Updated: "]))
    return noise + text, day.replace(tzinfo=UTC)


@budget(800)
@given(written_dates())
def test_parse_date_reads_what_it_is_given(case: tuple[str, datetime]) -> None:
    text, expected = case
    assert contains_date(text)
    assert parse_date(text) == expected


@budget(1000)
@given(st.text(max_size=80))
def test_parse_date_never_raises_and_is_utc(text: str) -> None:
    dt = parse_date(text)
    assert dt is None or (dt.utcoffset() is not None and dt.utcoffset().total_seconds() == 0)
    assert dt is None or 1900 <= dt.year <= 2100


# --- generated HTML ---------------------------------------------------------------------------

TAGS = [
    "div", "p", "a", "span", "article", "section", "h1", "h2", "h3", "ul", "li", "time",
    "nav", "aside", "footer", "header", "main", "table", "tr", "td", "pre", "code", "b",
    "br", "img", "script", "style", "noscript", "template", "svg", "math", "base", "link",
    "meta", "title", "iframe", "form", "button",
]  # fmt: skip
CLASSES = ["post", "entry", "card", "item", "title", "excerpt", "meta", "sidebar", "nav", "", "x"]
HREFS = st.one_of(
    st.builds(lambda s: f"/posts/{s}/", st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True)),
    st.sampled_from(
        [
            "https://blog.example.invalid/2026/01/x/",
            "https://other.example.invalid/a/",
            "javascript:alert(1)",
            "mailto:a@b.c",
            "#top",
            "",
            "//evil.example.invalid/x",
            "../../../../etc/passwd",
            "http://[::1",
            "http://x:abc/",
            "/tag/python/",
            "/page/2/",
            "?page=3",
            "/a" * 600,
            "data:text/html,<script>",
        ]
    ),
    st.text(max_size=20),
)
words = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
        st.sampled_from(list(" <>&;\"'\x00\x0b\ufffd中文日本語")),
    ),
    max_size=24,
)


def _attrs(draw: st.DrawFn, tag: str) -> str:
    attrs = {}
    if draw(st.booleans()):
        attrs["class"] = " ".join(draw(st.lists(st.sampled_from(CLASSES), max_size=3)))
    if tag in ("a", "link", "base") or draw(st.integers(0, 9)) == 0:
        attrs["href"] = draw(HREFS)
    if tag == "time":
        attrs["datetime"] = draw(st.sampled_from(["2026-01-11", "2026-13-45", "", "yesterday"]))
    if tag == "meta":
        attrs["property"] = draw(st.sampled_from(["og:type", "article:published_time"]))
        attrs["content"] = draw(st.sampled_from(["website", "article", "2026-01-11T08:00", ""]))
    return "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())


@st.composite
def fragments(draw: st.DrawFn, depth: int = 0) -> str:
    """A piece of HTML: sometimes well-formed, sometimes not (unclosed, stray, raw text)."""
    if depth > 2 or draw(st.integers(0, 3)) == 0:
        text = draw(words)
        return text if draw(st.booleans()) else html.escape(text)
    tag = draw(st.sampled_from(TAGS))
    inner = "".join(draw(st.lists(fragments(depth + 1), max_size=3)))
    close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</div>", "</p></p>"]))
    return f"<{tag}{_attrs(draw, tag)}>{inner}{close}"


CARD = st.tuples(
    words,
    words,
    HREFS,
    st.sampled_from(["", "<time datetime='2026-01-11'>Jan 11</time>", "2026年1月", "x"]),
)


@st.composite
def listing_pages(draw: st.DrawFn) -> str:
    """A listing page: repeated cards among random furniture."""
    wrapper = draw(st.sampled_from(["article", "div", "li", "section"]))
    cls = draw(st.sampled_from(CLASSES))
    parts = [
        f'<{wrapper} class="{cls}"><h2><a href="{html.escape(href)}">{html.escape(title)}</a>'
        f"</h2>{date}<p>{html.escape(excerpt)}</p></{wrapper}>"
        for title, excerpt, href, date in draw(st.lists(CARD, max_size=12))
    ]
    parts += draw(st.lists(fragments(), max_size=3))
    order = draw(st.permutations(range(len(parts))))
    body = "".join(parts[i] for i in order)
    return f"<html><head><title>{html.escape(draw(words))}</title></head><body>{body}</body></html>"


PAGE_URL = "https://blog.example.invalid/"


@budget(300)
@given(listing_pages())
def test_detect_cards_keeps_its_invariants(page: str) -> None:
    listing = detect_cards(parse_html(page), PAGE_URL)
    urls = [c.url for c in listing.cards]
    assert len(urls) == len(set(urls))
    assert [c.position for c in listing.cards] == list(range(1, len(urls) + 1))
    for card in listing.cards:
        assert same_site(card.url, PAGE_URL) and canonical_url(card.url) == card.url
        assert card.title is None or "\n" not in card.title
        assert card.excerpt is None or "\n" not in card.excerpt
        assert card.published is None or card.published.utcoffset() is not None
    if listing.next_url:
        assert same_site(listing.next_url, PAGE_URL) and listing.next_url != PAGE_URL


@budget(250)
@given(st.lists(fragments(), max_size=6))
def test_detect_cards_on_any_markup(parts: list[str]) -> None:
    detect_cards(parse_html("".join(parts)), PAGE_URL)


# --- the extraction entry point --------------------------------------------------------------

CONTENT_TYPES = st.sampled_from(
    [
        None,
        "",
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=gbk",
        "text/html; charset=iso-8859-1",
        "text/html; charset=bogus",
        'text/html; charset="',
        "application/xhtml+xml",
        "text/plain",
        "application/pdf",
        "image/png",
    ]
)
ENCODINGS = st.sampled_from(["utf-8", "gb18030", "big5", "shift_jis", "utf-16", "latin-1"])


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["article", "markup", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2048))
    if kind == "markup":
        text = "".join(draw(st.lists(fragments(), max_size=5)))
    else:
        paragraphs = "".join(f"<p>{html.escape(draw(words))} {'prose ' * 40}</p>" for _ in range(3))
        text = (
            f"<html><head><title>{html.escape(draw(words))}</title></head><body>"
            f"<article><h1>{html.escape(draw(words))}</h1>{paragraphs}"
            f"{''.join(draw(st.lists(fragments(), max_size=3)))}</article></body></html>"
        )
    return text.encode(draw(ENCODINGS), "replace")


@budget(200)
@given(bodies(), CONTENT_TYPES, st.integers(0, 400))
def test_process_page_fuzz(body: bytes, content_type: str | None, min_chars: int) -> None:
    page = ArticlePage(
        url="https://blog.example.invalid/posts/x/",
        body=body,
        content_type=content_type,
        status=200,
        fetched_at=datetime.now(UTC),
    )
    result = extract_page(page, options=ExtractOptions(min_chars=min_chars))
    if isinstance(result, PageError):
        assert result.stage == "extract" and result.error and result.url == page.url
        return
    assert isinstance(result, Article)
    assert len(result.text) >= min_chars
    assert result.title or weighted_length(result.text) >= UNTITLED_MIN_CHARS
    assert urlsplit(result.url).scheme in ("http", "https")
    assert result.site == urlsplit(result.url).hostname
    assert "\x00" not in result.text
    assert result.lang_prob is None or 0 <= result.lang_prob <= 1


@budget(300)
@given(st.binary(max_size=4096), CONTENT_TYPES)
def test_decode_html_never_raises(body: bytes, content_type: str | None) -> None:
    text, encoding = decode_html(body, content_type)
    assert isinstance(text, str) and encoding


# --- no input can place a file outside DATA_DIR ----------------------------------------------


@budget(300)
@given(st.text(max_size=40))
@example("../../outside")
@example("a/b")
@example("..")
@example("/etc/passwd")
def test_file_names_stay_inside_the_table(prefix: str) -> None:
    root = Path("/nonexistent-root/data")
    try:
        writer = TableWriter(root, "errors", prefix)
    except StorageError:
        return
    target = (writer.dir / writer.pending_name).resolve()
    assert target.parent == (root / "errors").resolve()
    assert not writer.pending_name.startswith(".")


@budget(500)
@given(st.text(max_size=60))
@example("/../../../etc/passwd")
@example("/%2e%2e/%2e%2e/etc/passwd")
@example("/..%2f..%2fsettings.py")
def test_demo_site_never_serves_outside_its_folder(path: str) -> None:
    try:
        target = demo_file(path)
    except (ValueError, OSError):  # a NUL byte or an over-long name: refused by the OS
        return
    assert target is None or DEMO_ROOT.resolve() in target.parents


def test_schema_accepts_what_process_page_makes() -> None:
    # The fuzzed records must also be writable: one record through the real schema.
    from pipelines.store.schema import ARTICLES

    body = ("<html><head><title>T</title></head><body><article><h1>T</h1>"
            + "<p>" + "prose " * 100 + "</p></article></body></html>").encode()  # fmt: skip
    page = ArticlePage("https://b.example.invalid/p/", body, "text/html", 200, datetime.now(UTC))
    result = extract_page(page)
    assert isinstance(result, Article), result
    row = {**result.__dict__, "crawl_id": "c"}
    pa.Table.from_pylist([row], schema=ARTICLES)
