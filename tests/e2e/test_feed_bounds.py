"""Hostile feeds in a real crawl: a sitemap naming other hosts adds none of their URLs, and a
50 MB feed is cut off at DOWNLOAD_MAXSIZE as an errors/ row; neither is read whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.crawl import crawl, table


def _urlset(locs: list[str]) -> str:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


def test_a_sitemap_of_other_hosts_adds_none_of_them(serve: Any, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    others = [f"http://other{i}.example/post-{i}/" for i in range(50)]
    (site / "sitemap.xml").write_text(_urlset(others), encoding="utf-8")
    base, log = serve(site)
    result = crawl("-a", f"start_urls={base}sitemap.xml", data_dir=tmp_path / "d")
    # No card came from the sitemap: the run fails naming it, and nothing else was asked for.
    assert result.returncode == 1, result.stderr[-2000:]
    assert "This run failed" in result.stderr and "sitemap.xml" in result.stderr
    assert [p for p in log if p != "/robots.txt"] == ["/sitemap.xml"]
    hits = tmp_path / "d" / "listing_hits"
    assert not hits.exists() or table(tmp_path / "d", "listing_hits").num_rows == 0


def test_a_50_mb_feed_is_cut_off_at_download_maxsize(serve: Any, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    item = (
        "<item><title>t</title><link>/p/</link><description>" + "x" * 1000 + "</description></item>"
    )
    with (site / "rss.xml").open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>')
        for _ in range(50 * 1024):
            out.write(item)
        out.write("</channel></rss>")
    assert (site / "rss.xml").stat().st_size > 50 * 1024 * 1024
    base, _ = serve(site)
    result = crawl("-a", f"start_urls={base}rss.xml", data_dir=tmp_path / "d")
    assert result.returncode == 1, result.stderr[-2000:]
    errors = table(tmp_path / "d", "errors").to_pylist()
    assert [e["url"] for e in errors] == [f"{base}rss.xml"], errors
    assert errors[0]["stage"] == "download"
