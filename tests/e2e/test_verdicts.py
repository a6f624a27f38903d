"""What a run says about itself: a failed site fails the run with one sentence naming it,
progress lines while it runs, and a per-site summary printed last, even with -L WARNING."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.crawl import crawl, table
from tests.helpers.sitegen import build_site, posts

JS_APP = (
    """<!doctype html><html><head><title>Blog</title>
<script>window.__STATE__ = {"posts": []};</script>
<script src="/static/app.3f9a.js" defer></script></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root"></div>
<script>"""
    + ("(function(){var a=1;})();" * 400)
    + """</script></body></html>"""
)


def js_site(root: Path) -> None:
    root.mkdir(parents=True)
    (root / "index.html").write_text(JS_APP)


def test_a_javascript_listing_fails_the_run_naming_its_site(serve: Any, tmp_path: Path) -> None:
    good, js, data = tmp_path / "good", tmp_path / "js", tmp_path / "data"
    build_site(good, posts(6), per_page=3)
    js_site(js)
    good_base, _ = serve(good)
    js_base, _ = serve(js)
    # Two hosts for one loopback server each: the sentence must say which one failed.
    js_base = js_base.replace("127.0.0.1", "localhost")
    result = crawl("-a", f"start_urls={good_base},{js_base}", "-L", "WARNING", data_dir=data)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    failed = [line for line in result.stderr.splitlines() if line.startswith("This run failed")]
    assert len(failed) == 1, result.stderr
    assert "site localhost" in failed[0] and "JavaScript app" in failed[0]
    assert "127.0.0.1" not in failed[0]
    assert result.stderr.rstrip().endswith(failed[0])
    # The per-site summary is there at -L WARNING, one line per site.
    assert "listing pages" in result.stderr and "new articles" in result.stderr
    rows = [line.split() for line in result.stderr.splitlines()]
    assert ["127.0.0.1", "2", "6"] in [r[:3] for r in rows]
    assert ["localhost", "1", "0"] in [r[:3] for r in rows]
    (crawl_row,) = table(data, "crawls").to_pylist()
    assert crawl_row["status"] == "failed" and crawl_row["finish_reason"] == "finished"
    assert crawl_row["failure"] == failed[0].removeprefix("This run failed: ")
    assert table(data, "articles").num_rows == 6
    assert {r["site"] for r in table(data, "listing_hits").to_pylist()} == {"127.0.0.1"}


def test_an_unreachable_first_page_fails_the_run(serve: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(3), per_page=3)
    base, _ = serve(site)
    result = crawl("-a", f"start_urls={base}missing/", data_dir=data)
    assert result.returncode == 1
    last = result.stderr.rstrip().splitlines()[-1]
    assert last.startswith("This run failed: site 127.0.0.1: its first listing page"), last
    assert "HTTP 404" in last
    errors = table(data, "errors").to_pylist()
    assert [(e["site"], e["status"]) for e in errors] == [("127.0.0.1", 404)]


def test_progress_lines_and_a_clean_summary(serve: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(8), per_page=4)
    base, _ = serve(site)
    result = crawl(
        "-a", f"start_urls={base}", "-s", "LISTINGS_PROGRESS_SECONDS=0.2",
        "-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_ENABLED=False", data_dir=data,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Progress: " in result.stderr and "pages/s" in result.stderr
    # Scrapy's startup dumps and stats are at DEBUG: the run's output is ours.
    assert "Overridden settings" not in result.stderr
    assert "Dumping Scrapy stats" not in result.stderr
    assert "Enabled downloader middlewares" not in result.stderr
    (row,) = table(data, "crawls").to_pylist()
    assert row["status"] == "ok" and row["failure"] is None
    lines = result.stderr.rstrip().splitlines()
    assert lines[-2].startswith("site ") and lines[-1].startswith("127.0.0.1 ")
