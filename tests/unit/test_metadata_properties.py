"""Property tests: structured metadata of any shape never makes extraction raise."""

from __future__ import annotations

import html as html_lib
import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.model import Article, ArticlePage, PageError
from pipelines.pages import metadata, structured
from pipelines.pages.extract import extract_page
from pipelines.pages.html import parse_html

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    _TEXT,
    st.sampled_from(["Alice Chen", "https://example.com/u/1", "2024-01-08T09:30:00+08:00",
                     "2024-01-08", "a, b，c、d", "undefined", "分类", "x" * 5000]),
)  # fmt: skip
_JSON = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["@type", "name", "@id", "@value", "url", "@graph", "author"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)
_ARTICLE = st.fixed_dictionaries(
    {"@type": st.sampled_from(["NewsArticle", "BlogPosting", ["Article"], "WebPage", 3])},
    optional={
        "author": _JSON,
        "headline": _JSON,
        "datePublished": _JSON,
        "articleSection": _JSON,
        "keywords": _JSON,
        "publisher": _JSON,
        "@graph": _JSON,
    },
)


@st.composite
def _ld_script(draw: st.DrawFn) -> str:
    doc = draw(st.one_of(_ARTICLE, st.lists(_ARTICLE, max_size=3), st.builds(
        lambda a: {"@context": "https://schema.org", "@graph": a}, st.lists(_ARTICLE, max_size=3)
    )))  # fmt: skip
    text = json.dumps(doc, allow_nan=True)
    cut = draw(st.integers(min_value=0, max_value=len(text)))
    if draw(st.booleans()):
        text = text[:cut]  # broken JSON
    safe = text.replace("</", "<\\/")
    return f'<script type="application/ld+json">{safe}</script>'


@st.composite
def _microdata(draw: st.DrawFn) -> str:
    name = html_lib.escape(draw(_TEXT))
    date = html_lib.escape(draw(st.sampled_from(["2024-01-08", "2024-01-08T09:30+08:00", "", "x"])))
    shape = draw(st.integers(min_value=0, max_value=3))
    if shape == 0:
        return f'<span itemprop="author" itemscope><span itemprop="name">{name}</span></span>'
    if shape == 1:
        return f'<meta itemprop="author" content="{name}"><meta itemprop="datePublished" content="{date}">'
    if shape == 2:
        return f'<time itemprop="datePublished" datetime="{date}">{name}</time>'
    return f'<div itemprop="author" hidden><a href="{name}">{name}</a></div>'


_META = st.builds(
    lambda k, v: f'<meta property="{k}" name="{k}" content="{html_lib.escape(v)}">',
    st.sampled_from(["article:author", "author", "keywords", "DC.creator", "DC.date", "date",
                     "article:published_time", "article:section", "article:tag", "og:title"]),
    _TEXT,
)  # fmt: skip


@st.composite
def _page(draw: st.DrawFn) -> str:
    head = "".join(draw(st.lists(st.one_of(_ld_script(), _META), max_size=4)))
    body = "".join(draw(st.lists(_microdata(), max_size=3)))
    prose = "<p>" + "Generators hand back one value at a time. " * 8 + "</p>"
    return (
        f"<html><head><title>A title - Site</title>{head}</head><body><article>"
        f"<h1>A title</h1>{body}{prose}</article></body></html>"
    )


def _check(tree_html: str) -> None:
    tree = parse_html(tree_html)
    title = metadata.title(tree)
    author = metadata.author(tree)
    published = metadata.published(tree, None, UTC)
    category = metadata.category(tree)
    tags = metadata.tags(tree, None, category)
    assert title is None or isinstance(title, str)
    assert author is None or (isinstance(author, str) and author and "http" not in author)
    assert published is None or (isinstance(published, datetime) and published.tzinfo)
    assert category is None or isinstance(category, str)
    assert isinstance(tags, list) and all(isinstance(t, str) and t for t in tags)
    assert "undefined" not in tags


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_page())
def test_metadata_of_any_shape_is_typed_and_never_raises(page: str) -> None:
    with structured.watch_oddities() as odd:
        _check(page)
    assert all(isinstance(o, str) for o in odd)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_JSON, min_size=1, max_size=3))
def test_structured_reader_takes_any_json(values: list[object]) -> None:
    for value in values:
        names = structured.author_names(value)
        assert all(isinstance(n, str) and not structured.is_url(n) for n in names)
        assert all(isinstance(s, str) for s in structured.strings(value))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_page())
def test_extract_page_of_any_shape_is_a_record_or_an_error_row(page: str) -> None:
    fetched = ArticlePage(
        url="https://blog.example/2024/01/08/post/",
        body=page.encode("utf-8", "surrogatepass"),
        content_type="text/html; charset=utf-8",
        status=200,
        fetched_at=datetime(2024, 2, 1, tzinfo=UTC),
    )
    result = extract_page(fetched)
    assert isinstance(result, (Article, PageError))
    if isinstance(result, Article):
        assert result.author is None or isinstance(result.author, str)
        assert isinstance(result.tags, list)
        assert all(isinstance(o, str) for o in result.oddities)


_NAMEISH = st.lists(
    st.sampled_from([*"Ab. ,;()（）、&-'", "and ", " og ", "Von ", "记者", "기자"]), max_size=20
).map("".join)


@settings(max_examples=150, deadline=None)
@given(_NAMEISH)
def test_name_readers_are_total_and_keep_brackets_paired(raw: str) -> None:
    for part in metadata.split_names(raw):
        assert isinstance(part, str)
    assert isinstance(metadata.first_last(raw, catalogue=True), str)
    name = metadata.clean_author(raw)
    if name is not None:
        assert name == name.strip()
        # A bracket at either end always has its partner inside.
        if name.endswith(")"):
            assert "(" in name
        if name.startswith("("):
            assert ")" in name
