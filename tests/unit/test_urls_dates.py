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
