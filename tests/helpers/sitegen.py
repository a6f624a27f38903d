"""Small generated blogs for end-to-end tests: N articles, paginated in a chosen style.

A site is written to a folder and served by the ``serve`` fixture; regenerating the
same folder with more articles simulates the site a day later.
"""

from __future__ import annotations

import html
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

STYLES = ("path", "query", "relnext", "numbers", "older")

_PROSE = (
    "数据管道的每一步都应该只做一件事，并且能单独运行和测试。这样出了问题时，我们可以很快定位到是哪一步的输出不对。",
    "增量抓取的关键在于知道哪些文章已经保存过。把这份知识从数据集本身推导出来，就不会出现两者不一致的情况。",
    "The crawler writes every file under a temporary name and renames it only once it is complete, so readers never see half a file.",
    "在真实的网站上，分页的形式多种多样：有的用路径里的页码，有的用查询参数，还有的只在页面头部放一个 rel=next 链接。",
)


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    date: str

    @property
    def path(self) -> str:
        return f"/posts/{self.slug}/"


def posts(n: int, first: int = 1) -> list[Post]:
    """Posts numbered ``first`` .. ``first + n - 1``, newest (highest) first."""
    return [
        Post(f"post-{i:04d}", f"测试文章 {i} 号：关于抓取的笔记", f"2026-01-{1 + i % 28:02d}")
        for i in range(first + n - 1, first - 1, -1)
    ]


def page_path(style: str, page: int) -> str:
    if page == 1:
        return "/"
    return f"/page/{page}/" if style != "query" else f"/?page={page}"


def _file_for(root: Path, style: str, page: int) -> Path:
    if style == "query" and page > 1:
        # http.server ignores the query string: each page is its own file, linked with ?page=
        # through a small redirect-free trick: the query page lives at /q/<n>.html.
        return root / "q" / f"{page}.html"
    return root / (page_path(style, page).lstrip("/") + "index.html")


def _link(style: str, page: int) -> str:
    return (
        f"/q/{page}.html?page={page}" if style == "query" and page > 1 else page_path(style, page)
    )


def _pager(style: str, page: int, pages: int) -> tuple[str, str]:
    head = ""
    nxt = page + 1 if page < pages else None
    if style == "relnext":
        head = f'<link rel="next" href="{_link(style, nxt)}">' if nxt else ""
        return head, ""
    parts = []
    if style in ("path", "query", "numbers"):
        for k in range(1, pages + 1):
            parts.append(
                f'<span class="current">{k}</span>'
                if k == page
                else f'<a href="{_link(style, k)}">{k}</a>'
            )
    if nxt and style == "path":
        parts.append(f'<a class="next" href="{_link(style, nxt)}">下一页 »</a>')
    if nxt and style == "query":
        parts.append(f'<a href="{_link(style, nxt)}">Next →</a>')
    if nxt and style == "older":
        parts.append(f'<a href="{_link(style, nxt)}">Older posts</a>')
    return head, f'<nav class="pagination">{" ".join(parts)}</nav>'


def _card(p: Post) -> str:
    return (
        f'<article class="post"><h2 class="post-title"><a href="{p.path}">{html.escape(p.title)}</a></h2>'
        f'<div class="post-meta"><time datetime="{p.date}">{p.date}</time></div>'
        f'<p class="post-excerpt">{html.escape(_PROSE[0][:40])}...</p></article>'
    )


_PAIRS = "数据管道抓取页面文章索引缓存队列并发延迟压缩编码解析分页标题摘要日期分类标签作者模型训练推理向量矩阵梯度网络协议服务集群节点副本日志监控告警部署测试调试性能内存"
_WORDS = [_PAIRS[i : i + 2] for i in range(0, len(_PAIRS), 2)]


def _unique_prose(seed: str, sentences: int = 12) -> str:
    """Sentences of their own for each post, so that no two posts are near-duplicates."""
    rng = random.Random(seed)
    return (
        "。".join(
            "".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 14))) for _ in range(sentences)
        )
        + "。"
    )


def _article(p: Post) -> str:
    body = "".join(
        f"<p>{html.escape(x)}</p>"
        for x in (*_PROSE[:2], _unique_prose(p.slug), _unique_prose(p.slug + "b"))
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(p.title)} - 测试站</title>"
        f'<meta property="article:published_time" content="{p.date}T08:00:00+00:00"></head>'
        f'<body><nav class="menu"><a href="/">首页</a><a href="/about/">关于</a></nav>'
        f"<main><article><h1>{html.escape(p.title)}</h1><p>{html.escape(p.slug)} 正文开始。</p>{body}"
        f"<pre><code>print('{p.slug}')</code></pre></article></main>"
        f"<footer>© 2026 测试站</footer></body></html>"
    )


def build_site(root: Path, items: list[Post], per_page: int = 5, style: str = "path") -> list[str]:
    """Write the site (replacing what was there); returns the listing page paths in order."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    pages = max(1, -(-len(items) // per_page))
    side = "".join(f'<li><a href="{p.path}">{html.escape(p.title)}</a></li>' for p in items[:3])
    paths = []
    for page in range(1, pages + 1):
        chunk = items[(page - 1) * per_page : page * per_page]
        head, pager = _pager(style, page, pages)
        doc = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>测试站 - 第{page}页</title>{head}</head>"
            f'<body><header><nav class="menu"><a href="/">首页</a><a href="/about/">关于</a>'
            f'<a href="/tags/python/">Python</a></nav></header>'
            f"<main>{''.join(_card(p) for p in chunk)}{pager}</main>"
            f'<aside class="sidebar"><h3>热门文章</h3><ul>{side}</ul></aside>'
            f"<footer>© 2026 测试站</footer></body></html>"
        )
        target = _file_for(root, style, page)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc, encoding="utf-8")
        paths.append(_link(style, page))
    for p in items:
        target = root / p.path.lstrip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_article(p), encoding="utf-8")
    (root / "about").mkdir(exist_ok=True)
    (root / "about" / "index.html").write_text(
        "<html><body><h1>关于</h1><p>一个测试站。</p></body></html>"
    )
    return paths


def write_feeds(root: Path, items: list[Post], per_feed_page: int = 10) -> None:
    """The same posts as an Atom feed (paged with rel=next), an RSS feed, and a sitemap
    index naming two sitemaps (the second gzipped), all with root-relative links."""
    import gzip

    pages = [items[i : i + per_feed_page] for i in range(0, len(items), per_feed_page)]
    for n, chunk in enumerate(pages, start=1):
        name = "atom.xml" if n == 1 else f"atom-{n}.xml"
        nxt = f'<link rel="next" href="/atom-{n + 1}.xml"/>' if n < len(pages) else ""
        entries = "".join(
            f"<entry><title>{html.escape(p.title)}</title><link href='{p.path}'/>"
            f"<id>{p.path}</id><published>{p.date}T08:00:00+00:00</published>"
            f"<summary>{html.escape(_PROSE[0][:40])}</summary></entry>"
            for p in chunk
        )
        (root / name).write_text(
            f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>测试站</title>{nxt}{entries}</feed>",
            encoding="utf-8",
        )
    items_rss = "".join(
        f"<item><title>{html.escape(p.title)}</title><link>{p.path}</link>"
        f"<pubDate>{p.date}</pubDate></item>"
        for p in items
    )
    (root / "rss.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>测试站</title>'
        f"{items_rss}</channel></rss>",
        encoding="utf-8",
    )
    half = len(items) // 2
    for n, chunk in ((1, items[:half]), (2, items[half:])):
        urls = "".join(f"<url><loc>{p.path}</loc><lastmod>{p.date}</lastmod></url>" for p in chunk)
        xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        if n == 1:
            (root / "sitemap-1.xml").write_text(xml, encoding="utf-8")
        else:
            (root / "sitemap-2.xml.gz").write_bytes(gzip.compress(xml.encode()))
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>/sitemap-1.xml</loc></sitemap><sitemap><loc>/sitemap-2.xml.gz</loc></sitemap>"
        "</sitemapindex>",
        encoding="utf-8",
    )


def write_script_listing(root: Path, feed: str = "/atom.xml") -> None:
    """A listing built in the browser: an app root, a script, no cards, a declared feed."""
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "app" / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>测试站</title>"
        f"<link rel='alternate' type='application/atom+xml' href='{feed}'></head>"
        "<body><div id='app'></div><script src='/app.js'></script></body></html>",
        encoding="utf-8",
    )
