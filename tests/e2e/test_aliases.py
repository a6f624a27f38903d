"""Aliases: a site whose cards link articles at other addresses than their canonical ones.

Every card links its article in one of the common non-canonical ways: without the trailing
slash (the server answers 301), with tracking parameters, at an old path that 301s,
through ``index.html``, with an upper-case host. Each article page says its canonical URL.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.helpers.crawl import crawl, table
from tests.helpers.sitegen import Post, build_site, posts

STYLES = ("no_slash", "tracking", "old_path", "index_html", "upper_host")


def style_of(post: Post) -> str:
    return STYLES[int(post.slug.rsplit("-", 1)[1]) % len(STYLES)]


def card_href(post: Post, port: int) -> str:
    path = post.path
    return {
        "no_slash": path.rstrip("/"),
        "tracking": f"{path}?utm_source=feed&utm_medium=rss&fbclid=abc",
        "old_path": f"/old/{post.slug}.html",
        "index_html": f"{path}index.html",
        "upper_host": f"http://LOCALHOST:{port}{path}",
    }[style_of(post)]


def expected_alias(post: Post, base: str) -> str | None:
    """The alias the crawl must remember for the post, when its link is not canonical."""
    path = {
        "no_slash": post.path.rstrip("/"),
        "old_path": f"/old/{post.slug}.html",
        "index_html": f"{post.path}index.html",
    }.get(style_of(post))
    return base.rstrip("/") + path if path else None


def build(site: Path, items: list[Post], port: int) -> dict[str, str]:
    """The generated blog, its cards rewritten to the non-canonical links; returns the
    redirects of the old paths."""
    build_site(site, items, per_page=5)
    for page in [site / "index.html", *site.glob("page/*/index.html")]:
        doc = page.read_text("utf-8")
        for p in items:
            doc = doc.replace(
                f'<h2 class="post-title"><a href="{p.path}">',
                f'<h2 class="post-title"><a href="{card_href(p, port)}">',
            )
        page.write_text(doc, "utf-8")
    for p in items:
        article = site / p.path.lstrip("/") / "index.html"
        doc = article.read_text("utf-8")
        doc = doc.replace("</head>", f'<link rel="canonical" href="{p.path}"></head>', 1)
        article.write_text(doc, "utf-8")
    return {f"/old/{p.slug}.html": p.path for p in items if style_of(p) == "old_path"}


def article_downloads(log: list[str]) -> list[str]:
    """Slugs of the article pages served (200), one entry per download; redirects aside."""
    slugs = []
    for path in log:
        m = re.fullmatch(r"/posts/(post-\d{4})/(?:index\.html)?(?:\?.*)?", path)
        if m:
            slugs.append(m.group(1))
    return slugs


def test_every_article_once_under_every_alias(serve: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    # Filled once the port is known; the server keeps this very dict (so not empty).
    redirects: dict[str, str] = {"/old/": "/"}
    site.mkdir()
    served, log = serve(site, redirects)
    port = int(served.rstrip("/").rsplit(":", 1)[1])
    base = f"http://localhost:{port}/"
    redirects.update(build(site, posts(12), port))

    first = crawl("-a", f"start_urls={base}", data_dir=data)
    assert first.returncode == 0, first.stderr[-3000:]
    run1 = article_downloads(log)
    # Each article page once, whatever link led to it.
    assert sorted(run1) == sorted(f"post-{i:04d}" for i in range(1, 13)), log
    requests1 = len(log)
    log.clear()

    # A day later: three new posts on top of page 1.
    redirects.update(build(site, posts(15), port))
    second = crawl("-a", f"start_urls={base}", data_dir=data)
    assert second.returncode == 0, second.stderr[-3000:]
    run2 = article_downloads(log)
    assert sorted(run2) == ["post-0013", "post-0014", "post-0015"], log
    # No request at all for a stored article under any of its addresses.
    assert not [p for p in log if re.search(r"post-00(0\d|1[0-2])", p)], log
    # Page 2 holds only stored articles: paging stops there, as for canonical links.
    assert "/page/2/" in log and "/page/3/" not in log
    print(
        f"requests: run 1 {requests1} ({len(run1)} article pages), "
        f"run 2 {len(log)} ({len(run2)} article pages): {log}"
    )

    articles = table(data, "articles").to_pylist()
    urls = {a["url"] for a in articles}
    assert len(articles) == 15 == len(urls)
    assert urls == {f"{base}posts/post-{i:04d}/" for i in range(1, 16)}
    # Every hit joins articles; the card's link is kept beside it.
    hits = table(data, "listing_hits").to_pylist()
    assert len(hits) == 12 + 10
    assert all(h["url"] in urls for h in hits), [h["url"] for h in hits if h["url"] not in urls]
    by_slug = {h["url"].rsplit("/", 2)[-2]: h for h in hits}
    assert by_slug["post-0012"]["card_url"] == f"{base}old/post-0012.html"
    assert by_slug["post-0013"]["card_url"] == f"{base}posts/post-0013/index.html"
    assert by_slug["post-0015"]["card_url"] == f"{base}posts/post-0015"
    # aliases/ holds every alias, each pointing at a stored article.
    aliases = {(a["alias"], a["url"]) for a in table(data, "aliases").to_pylist()}
    expected = {
        (alias, f"{base}posts/{p.slug}/")
        for p in posts(15)
        if (alias := expected_alias(p, base)) is not None
    }
    assert expected <= aliases, expected - aliases
    assert {url for _, url in aliases} <= urls


def test_duplicates_leave_short_log_lines(serve: Any, tmp_path: Path) -> None:
    """Many pages of one article (each says the same canonical URL): one row, and the
    dropped duplicates are counted, never printed with their page."""
    site, data = tmp_path / "site", tmp_path / "data"
    items = posts(20)
    build_site(site, items, per_page=10)
    filler = "<p>" + "这一段只是为了让页面变大。" * 4000 + "</p>"
    for p in items:
        article = site / p.path.lstrip("/") / "index.html"
        doc = article.read_text("utf-8")
        doc = doc.replace("</head>", '<link rel="canonical" href="/posts/the-one/"></head>', 1)
        # One text for all: same article, whatever URL it was reached by.
        doc = re.sub(
            r"<main>.*</main>", f"<main><article><h1>同一篇</h1>{filler}</article></main>", doc
        )
        article.write_text(doc, "utf-8")
    base, _ = serve(site)
    result = crawl("-a", f"start_urls={base}", "-L", "DEBUG", data_dir=data)
    assert result.returncode == 0, result.stderr[-3000:]
    assert table(data, "articles").num_rows == 1
    crawls = table(data, "crawls").to_pylist()
    assert crawls[0]["duplicates"] == 19
    lines = result.stderr.splitlines()
    long = [line[:200] for line in lines if len(line) > 1000]
    assert not long, long
    assert "这一段只是为了让页面变大" not in result.stderr
    warnings = [line for line in lines if " WARNING: " in line]
    assert not [w for w in warnings if "Dropped" in w], warnings
