"""Edited articles: the pure parts of a recheck (headers, what is due, versions kept)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from lxml import html as lxml_html

from crawler.recheck import conditional_headers
from pipelines.pages import metadata
from pipelines.store.compact import _superseded
from pipelines.store.index import Check, due
from pipelines.store.sqlite_index import SQLiteIndex

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def check(url: str, days: int = 0, **kw: object) -> Check:
    return Check(url, 1, "h", None, None, T0 + timedelta(days=days), **kw)  # type: ignore[arg-type]


def test_conditional_headers_from_what_was_stored() -> None:
    c = Check("https://a.org/p", 1, "h", '"abc"', "Thu, 01 Jan 2026 00:00:00 GMT", T0)
    assert conditional_headers(c) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT",
    }
    assert conditional_headers(check("https://a.org/q")) == {}


def test_due_keeps_order_hosts_and_limit() -> None:
    checks = [check("https://a.org/1"), check("https://b.org/2"), check("https://a.org/3")]
    assert [c.url for c in due(checks, {"a.org"}, 5)] == ["https://a.org/1", "https://a.org/3"]
    assert len(due(checks, None, 2)) == 2


def test_sqlite_checks_oldest_first_gone_and_pending_left_out(tmp_path: Path) -> None:
    index = SQLiteIndex(tmp_path)
    index.record_check(check("https://a.org/new", days=5))
    index.record_check(check("https://a.org/old", days=1))
    index.record_check(check("https://a.org/gone", days=0, gone=True))
    index.record_check(check("https://a.org/writing", days=0), pending_file="part-x-00000.parquet")
    due_now = index.due_for_recheck(T0 + timedelta(days=10), 10)
    assert [c.url for c in due_now] == ["https://a.org/old", "https://a.org/new"]
    assert index.due_for_recheck(T0 + timedelta(days=3), 10)[0].url == "https://a.org/old"
    stored = index.check_of("https://a.org/gone")
    assert stored is not None and stored.gone
    # A killed run's new version is forgotten: no file holds it.
    index.close()
    index = SQLiteIndex(tmp_path)
    index.reconcile()
    assert index.check_of("https://a.org/writing") is None
    index.close()


def test_compaction_drops_superseded_versions(tmp_path: Path) -> None:
    schema = pa.schema(
        [("url", pa.string()), ("version", pa.int32()), ("first_seen", pa.timestamp("us", "UTC"))]
    )
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    pq.write_table(
        pa.Table.from_pylist(
            [{"url": "u1", "version": 1, "first_seen": T0}, {"url": "u2", "version": 1}], schema
        ),
        a,
    )
    pq.write_table(pa.Table.from_pylist([{"url": "u1", "version": 2, "first_seen": T0}], schema), b)
    assert _superseded([a, b]) == {"a.parquet": {0}}


def test_modified_as_the_page_declares_it() -> None:
    tree = lxml_html.fromstring(
        '<html><head><meta property="article:modified_time" content="2026-02-03T04:05:06+00:00">'
        "</head><body><p>x</p></body></html>"
    )
    assert metadata.modified(tree, [], UTC) == datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    ld = [{"@type": "BlogPosting", "dateModified": "2026-03-01T00:00:00Z"}]
    assert metadata.modified(tree, ld, UTC) == datetime(2026, 3, 1, tzinfo=UTC)
    assert metadata.modified(lxml_html.fromstring("<html><body>x</body></html>"), [], UTC) is None
