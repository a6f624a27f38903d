from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.text.dates import parse_date
from pipelines.text.urls import BadURL, canonical_url


@pytest.mark.parametrize(
    ("raw", "canon"),
    [
        (
            "HTTPS://Blog.Example.COM:443/a/?utm_source=x&b=1#frag",
            "https://blog.example.com/a/?b=1",
        ),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/x?fbclid=1", "http://example.com:8080/x"),
        ("https://例子.中国/文章", "https://xn--fsqu00a.xn--fiqs8s/%E6%96%87%E7%AB%A0"),
    ],
)
def test_canonical_url(raw: str, canon: str) -> None:
    assert canonical_url(raw) == canon


def test_relative_url() -> None:
    assert canonical_url("../b/?utm_medium=m", base="https://x.org/a/c/") == "https://x.org/a/b/"


@pytest.mark.parametrize(
    "bad", ["ftp://x.org/", "javascript:alert(1)", "not a url", "", "file:///etc/passwd"]
)
def test_bad_urls(bad: str) -> None:
    with pytest.raises(BadURL):
        canonical_url(bad)


hosts = st.from_regex(r"[a-z]{1,8}(\.[a-z]{2,5}){1,2}", fullmatch=True)
paths = st.lists(st.text(alphabet="abc-_/.%中文 1", max_size=8), max_size=4).map("/".join)
params = st.lists(
    st.tuples(
        st.sampled_from(["utm_source", "id", "page", "fbclid", "q"]), st.text("xyz1 ", max_size=4)
    ),
    max_size=4,
)


@given(hosts, paths, params, st.text("abc", max_size=4))
def test_canonical_url_is_idempotent(host: str, path: str, query: list, frag: str) -> None:
    qs = "&".join(f"{k}={v}" for k, v in query)
    url = f"https://{host}/{path}?{qs}#{frag}"
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "#" not in once and "utm_" not in once and "fbclid" not in once


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-01-11", "2026-01-11T00:00:00+00:00"),
        ("2026年1月11日", "2026-01-11T00:00:00+00:00"),
        ("2026-01-11 10:32", "2026-01-11T10:32:00+00:00"),
        ("Jan 11, 2026", "2026-01-11T00:00:00+00:00"),
        ("11 January 2026", "2026-01-11T00:00:00+00:00"),
        ("posted @ 2026-01-11 10:32 张三 阅读(12)", "2026-01-11T10:32:00+00:00"),
        ("2026-01-11T10:32:00+08:00", "2026-01-11T02:32:00+00:00"),
        ("2026/1/9", "2026-01-09T00:00:00+00:00"),
        ("发布于 2026年01月11日 10:32", "2026-01-11T10:32:00+00:00"),
        ("January 11th, 2026 at 3:04 pm", "2026-01-11T15:04:00+00:00"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    dt = parse_date(text)
    assert dt is not None and dt.isoformat() == iso


def test_site_timezone() -> None:
    dt = parse_date("2026-01-11 10:32", timezone(timedelta(hours=8)))
    assert dt == datetime(2026, 1, 11, 2, 32, tzinfo=UTC)


@given(st.text(max_size=60))
def test_parse_date_never_raises(text: str) -> None:
    dt = parse_date(text)
    assert dt is None or dt.tzinfo is not None


def test_a_time_shown_without_an_offset_is_marked_as_such() -> None:
    import pickle

    from pipelines.text.dates import UNSTATED, offset_stated

    bare = parse_date("2024-01-08 09:30")
    assert bare == datetime(2024, 1, 8, 9, 30, tzinfo=UTC) and not offset_stated(bare)
    assert not offset_stated(pickle.loads(pickle.dumps(bare)))  # through the worker pool
    assert offset_stated(parse_date("2024-01-08T09:30:00+08:00"))
    assert offset_stated(parse_date("Mon, 08 Jan 2024 09:30:00 GMT"))
    # A zone the site's configuration gives is as good as a stated one.
    assert offset_stated(parse_date("2024-01-08 09:30", timezone(timedelta(hours=8))))
    assert parse_date("2024-01-08 09:30", UNSTATED) == bare


def test_the_same_moment_with_its_offset_wins_over_one_without() -> None:
    from pipelines.pages.extract import merge_published

    bare = parse_date("2024-01-08 09:30")  # a listing's "2024-01-08 09:30"
    exact = parse_date("2024-01-08T09:30:00+08:00")  # a feed entry or an <meta>
    assert merge_published(bare, exact) == exact
    assert merge_published(exact, bare) == exact
    # Not the same wall-clock time in two zones: the card's stays.
    other = parse_date("2024-01-11T09:30:00+08:00")
    assert merge_published(bare, other) == bare
    odd = parse_date("2024-01-08T09:37:00+08:00")
    assert merge_published(bare, odd) == bare
