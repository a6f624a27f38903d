"""One row per article within a crawl, whatever way the listing links to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.crawl import crawl, table
from tests.helpers.sitegen import build_site, posts


def test_every_kind_of_alias_lands_once(serve: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    items = posts(10)
    build_site(site, items, per_page=4)
    sticky = items[-1].path  # the oldest post, pinned on top of every page
    for page in sorted(site.rglob("index.html")):
        html = page.read_text("utf-8")
        if "测试站 - 第" not in html:
            continue  # only listing pages get the extra cards
        extra = (
            f'<article class="post"><h2 class="post-title"><a href="{sticky}?utm_source=pin#top">置顶</a>'
            f'</h2><p class="post-excerpt">置顶文章的摘要。这篇文章出现在每一页的最上面。</p></article>'
            # the same article again, through a redirecting short link and an alias page
            f'<article class="post"><h2 class="post-title"><a href="/go/3">短链接</a></h2>'
            f'<p class="post-excerpt">通过短链接跳转到一篇已有的文章，不应该多出一行。</p></article>'
            f'<article class="post"><h2 class="post-title"><a href="/alias/post-0004/">别名</a></h2>'
            f'<p class="post-excerpt">别名页面声明了规范链接，它也只是同一篇文章。</p></article>'
        )
        page.write_text(html.replace("<main>", "<main>" + extra, 1), encoding="utf-8")
    alias = site / "alias" / "post-0004" / "index.html"
    alias.parent.mkdir(parents=True)
    alias.write_text(
        (site / "posts" / "post-0004" / "index.html")
        .read_text("utf-8")
        .replace("<title>", '<link rel="canonical" href="/posts/post-0004/"><title>', 1),
        encoding="utf-8",
    )
    # A repost of post 6 under another URL (same text, another page around it): kept,
    # and marked as a duplicate.
    copy = site / "posts" / "copy-of-6" / "index.html"
    copy.parent.mkdir(parents=True)
    original = (site / "posts" / "post-0006" / "index.html").read_text("utf-8")
    copy.write_text(original.replace("© 2026 测试站", "转载自测试站，版权归原作者所有"), "utf-8")
    first = site / "index.html"
    first.write_text(
        first.read_text("utf-8").replace(
            "</main>",
            '<article class="post"><h2 class="post-title"><a href="/posts/copy-of-6/">转载</a></h2>'
            '<p class="post-excerpt">一篇几乎完全相同的转载文章，不同的地址。</p></article></main>',
            1,
        ),
        encoding="utf-8",
    )
    base, log = serve(site, redirects={"/go/3": "/posts/post-0003/"})
    result = crawl("-a", f"start_urls={base}", data_dir=data)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = table(data, "articles").to_pylist()
    urls = sorted(r["url"].removeprefix(base.rstrip("/")) for r in rows)
    assert urls == sorted([p.path for p in items] + ["/posts/copy-of-6/"])
    # Whichever of the two was extracted second points at the first.
    marked = [(r["url"], r["duplicate_of"]) for r in rows if r["duplicate_of"]]
    assert len(marked) == 1
    pair = {marked[0][0].rsplit("/", 2)[-2], marked[0][1].rsplit("/", 2)[-2]}
    assert pair == {"copy-of-6", "post-0006"}
    assert [p for p in log if p.startswith("/posts/")].count(sticky) == 1
