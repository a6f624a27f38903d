"""A deterministic, real-world-sized test blog on disk, for the benchmark.

``generate(root, n)`` writes ``n`` article pages (``/posts/ID/index.html``, 50-200 KB each,
median about 100 KB) and the listing pages that link them (``/`` and ``/page/N/``, 10-20
cards each, numbered pagination and a "Next"/"下一页" link), then a marker file. Every page
is a pure function of ``(SEED, its number)``, so the site is the same on every machine and
with any number of writer processes. A second call with the marker present does nothing.
"""

from __future__ import annotations

import html
import json
import math
import os
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

SEED = 20260101
VERSION = 1
MARKER = ".complete.json"
SITE_NAME = "码农札记 · Field Notes"

_EN_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "was",
    "on",
    "be",
    "by",
    "this",
    "are",
    "or",
    "from",
    "at",
    "which",
    "an",
    "have",
    "not",
    "they",
    "but",
    "one",
    "all",
    "were",
    "when",
    "we",
    "there",
    "can",
    "more",
    "if",
    "about",
    "out",
    "so",
    "what",
    "up",
    "time",
    "into",
    "data",
    "system",
    "model",
    "cache",
    "thread",
    "process",
    "memory",
    "server",
    "request",
    "response",
    "latency",
    "queue",
    "index",
    "table",
    "query",
    "schema",
    "parser",
    "compiler",
    "runtime",
    "kernel",
    "socket",
    "buffer",
    "stream",
    "batch",
    "vector",
    "matrix",
    "gradient",
    "function",
    "value",
    "type",
    "module",
    "package",
    "release",
    "version",
    "build",
    "test",
    "deploy",
    "cluster",
    "node",
    "network",
    "storage",
    "file",
    "disk",
    "page",
    "row",
    "column",
    "commit",
    "branch",
    "merge",
    "performance",
    "throughput",
    "benchmark",
    "profile",
    "trace",
    "metric",
    "error",
    "retry",
    "timeout",
    "backoff",
    "simple",
    "fast",
    "slow",
    "large",
    "small",
    "first",
    "last",
    "next",
    "previous",
    "because",
    "however",
    "therefore",
    "often",
    "usually",
    "rarely",
    "quickly",
    "carefully",
    "clearly",
    "exactly",
    "nearly",
    "almost",
    "always",
    "never",
    "sometimes",
]
_ZH_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
    "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从"
    "业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又"
    "么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位"
    "入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放"
    "决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受"
    "联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离"
    "华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复"
    "容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值"
    "号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参"
    "红细引听该铁价严龙飞缓存线程内存进程服务请求响应延迟队列索引数据库模型编译运行内核网络"
)
_ZH_PUNCT = "，，，、；：。"
_TAGS = [
    "Python",
    "Rust",
    "Go",
    "数据库",
    "分布式",
    "机器学习",
    "前端",
    "后端",
    "Linux",
    "网络",
    "算法",
    "编译器",
    "性能",
    "测试",
    "安全",
    "云原生",
    "Kubernetes",
    "Docker",
    "PostgreSQL",
    "Redis",
    "Kafka",
    "爬虫",
    "Scrapy",
    "数学",
    "读书",
    "随笔",
    "工具",
    "效率",
    "架构",
    "设计模式",
    "并发",
    "异步",
    "缓存",
    "索引",
    "日志",
    "监控",
    "运维",
    "开源",
    "教程",
    "笔记",
    "面试",
    "职场",
    "生活",
]
_CATEGORIES = ("技术", "随笔", "读书", "Engineering", "Notes", "Math", "工具", "Life")
_AUTHORS = ("张伟", "李娜", "王芳", "Alex Chen", "Maria Garcia", "刘洋", "Sam Taylor", "陈静")
_FORMULAS = (
    r"E = mc^2",
    r"\sum_{i=1}^{n} x_i^2",
    r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}",
    r"O(n \log n)",
    r"\nabla_\theta L(\theta) = \frac{1}{m}\sum_i \nabla_\theta \ell_i",
    r"p(y \mid x) = \frac{p(x \mid y)\,p(y)}{p(x)}",
    r"\lambda_{\max}(A) \le \|A\|_2",
)
_CODE = (
    "def fib(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n"
    "    return a\n",
    "SELECT site, count(*) AS n\nFROM articles\nGROUP BY site\nORDER BY n DESC;\n",
    "fn main() {\n    let v: Vec<u64> = (1..=10).map(|x| x * x).collect();\n"
    '    println!("{:?}", v);\n}\n',
    'for f in *.log; do\n  gzip -9 "$f"\ndone\n',
    'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello")\n}\n',
    "const res = await fetch(url, { headers: { accept: 'application/json' } });\n"
    "const data = await res.json();\n",
)


@dataclass(frozen=True)
class Post:
    id: int
    zh: bool
    title: str
    published: datetime
    excerpt: str
    category: str


# --- text -------------------------------------------------------------------------------


def _en_sentence(rng: random.Random) -> str:
    words = [rng.choice(_EN_WORDS) for _ in range(rng.randint(8, 22))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice("..........?!")


def _zh_sentence(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(2, 4)):
        out.append("".join(rng.choice(_ZH_CHARS) for _ in range(rng.randint(5, 14))))
        out.append(rng.choice(_ZH_PUNCT[:-1]))
    out[-1] = "。"
    return "".join(out)


def _sentence(rng: random.Random, zh: bool) -> str:
    return _zh_sentence(rng) if zh else _en_sentence(rng)


def _paragraph(rng: random.Random, zh: bool, sentences: int) -> str:
    return ("" if zh else " ").join(_sentence(rng, zh) for _ in range(sentences))


def _title(rng: random.Random, zh: bool) -> str:
    if zh:
        return "".join(rng.choice(_ZH_CHARS) for _ in range(rng.randint(8, 18)))
    words = [rng.choice(_EN_WORDS) for _ in range(rng.randint(4, 10))]
    return " ".join(w.capitalize() for w in words)


# --- the post list ------------------------------------------------------------------------


def post(i: int) -> Post:
    """Post number ``i`` (1 is the oldest): its card fields, a pure function of ``i``."""
    rng = random.Random(f"{SEED}:post:{i}")
    zh = rng.random() < 0.5
    published = datetime(2016, 1, 1, tzinfo=UTC) + timedelta(minutes=97 * i + rng.randint(0, 90))
    excerpt = _paragraph(rng, zh, 2)[: rng.randint(60, 160)]
    return Post(i, zh, _title(rng, zh), published, excerpt, rng.choice(_CATEGORIES))


def listing_pages(n: int) -> list[list[int]]:
    """The post numbers on each listing page, newest first, 10-20 cards a page."""
    rng = random.Random(f"{SEED}:listing:{n}")
    pages: list[list[int]] = []
    ids = list(range(n, 0, -1))
    while ids:
        k = rng.randint(10, 20)
        pages.append(ids[:k])
        ids = ids[k:]
    return pages


def listing_path(page: int) -> str:
    return "/" if page == 1 else f"/page/{page}/"


# --- boilerplate, built once per process from a fixed seed ------------------------------------


@cache
def _blobs() -> dict[str, str]:
    rng = random.Random(f"{SEED}:blobs")
    props = [
        "margin",
        "padding",
        "color",
        "background",
        "font-size",
        "line-height",
        "display",
        "border",
        "width",
        "height",
        "max-width",
        "flex-direction",
        "justify-content",
        "align-items",
        "grid-template-columns",
        "transition",
        "box-shadow",
        "border-radius",
        "text-decoration",
        "opacity",
        "z-index",
        "position",
        "top",
        "left",
    ]
    vals = [
        "0",
        "1px",
        "4px",
        "8px",
        "1rem",
        "2em",
        "100%",
        "auto",
        "none",
        "#333",
        "#fafafa",
        "rgba(0,0,0,.08)",
        "flex",
        "grid",
    ]
    css = []
    while sum(map(len, css)) < 400_000:
        sel = ".{}-{}{} {}".format(
            rng.choice(("wp", "site", "nav", "widget", "btn", "card", "post", "cm", "ft")),
            rng.choice(_EN_WORDS),
            rng.randint(0, 999),
            rng.choice(("", "a", "li", "span", ":hover", "> div", "img")),
        )
        decls = ";".join(
            f"{rng.choice(props)}:{rng.choice(vals)}" for _ in range(rng.randint(2, 7))
        )
        css.append(f"{sel}{{{decls}}}")
    js = []
    while sum(map(len, js)) < 400_000:
        name = rng.choice(_EN_WORDS) + str(rng.randint(0, 99))
        js.append(
            f"function {name}(e,t){{var n=e&&e.{rng.choice(_EN_WORDS)}||{rng.randint(0, 9999)};"
            f"if(t.{rng.choice(_EN_WORDS)}){{n+=t.length*{rng.randint(1, 9)}}}"
            f"return window.__cfg&&window.__cfg['{rng.choice(_EN_WORDS)}']?n:"
            f'"{rng.choice(_EN_WORDS)}-"+n}}'
        )
    comments = []
    for _ in range(3000):
        zh = rng.random() < 0.5
        comments.append(html.escape(_paragraph(rng, zh, rng.randint(1, 4))))
    names = [
        rng.choice(("小", "老", "阿", "")) + "".join(rng.choice(_ZH_CHARS) for _ in range(2))
        if rng.random() < 0.5
        else rng.choice(_EN_WORDS).capitalize() + str(rng.randint(1, 999))
        for _ in range(400)
    ]
    return {
        "css": "".join(css),
        "js": "".join(js),
        "comments": "\x00".join(comments),
        "names": "\x00".join(names),
        "nav": _nav(rng),
        "sidebar": _sidebar(rng),
        "footer": _footer(rng),
    }


def _nav(rng: random.Random) -> str:
    items = []
    for i in range(12):
        subs = "".join(
            f'<li class="menu-item menu-item-{i}-{j}"><a href="/topics/{i}-{j}/">'
            f"{html.escape(_title(rng, rng.random() < 0.5)[:24])}</a></li>"
            for j in range(rng.randint(3, 8))
        )
        items.append(
            f'<li class="menu-item menu-item-has-children"><a href="/topics/{i}/">'
            f'{rng.choice(_TAGS)}</a><ul class="sub-menu">{subs}</ul></li>'
        )
    return (
        '<header id="masthead" class="site-header"><div class="site-branding">'
        f'<a class="site-title" href="/" rel="home">{SITE_NAME}</a>'
        '<p class="site-description">Notes on software, data and reading</p></div>'
        '<nav id="site-navigation" class="main-navigation" aria-label="Primary">'
        '<button class="menu-toggle" aria-expanded="false">菜单</button>'
        f'<ul id="primary-menu" class="menu">{"".join(items)}</ul></nav>'
        '<form role="search" class="search-form" action="/search/"><input type="search" '
        'name="s" placeholder="搜索…"><button type="submit">Search</button></form></header>'
    )


def _sidebar(rng: random.Random) -> str:
    recent = "".join(
        f'<li><a href="/topics/r{k}/">{html.escape(_title(rng, rng.random() < 0.5))}</a>'
        f'<span class="post-date">2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</span></li>'
        for k in range(12)
    )
    archives = "".join(
        f'<li><a href="/archives/{y}/{m:02d}/">{y}年{m}月</a>&nbsp;({rng.randint(3, 40)})</li>'
        for y in range(2016, 2026)
        for m in range(1, 13)
    )
    cats = "".join(
        f'<li class="cat-item"><a href="/categories/{c}/">{c}</a> ({rng.randint(5, 300)})</li>'
        for c in _CATEGORIES
    )
    cloud = " ".join(
        f'<a href="/tags/{t}/" class="tag-cloud-link" style="font-size:{rng.uniform(8, 22):.1f}pt">'
        f"{t}</a>"
        for t in _TAGS * 2
    )
    blogroll = "".join(
        f'<li><a href="https://friend{k}.example/" rel="friend">{rng.choice(_EN_WORDS)} blog</a></li>'
        for k in range(30)
    )
    ads = "".join(
        f'<div class="ad-slot" data-slot="{k}"><ins class="adsbygoogle" data-ad-client="ca-pub-0"'
        f' data-ad-slot="{rng.randint(10**9, 10**10)}"></ins></div>'
        for k in range(3)
    )
    return (
        '<aside id="secondary" class="widget-area sidebar">'
        '<section class="widget widget_search"><h2 class="widget-title">搜索</h2>'
        '<form class="search-form"><input type="search" name="s"></form></section>'
        f'<section class="widget widget_recent_entries"><h2 class="widget-title">近期文章</h2><ul>{recent}</ul></section>'
        f'<section class="widget widget_archive"><h2 class="widget-title">归档</h2><ul>{archives}</ul></section>'
        f'<section class="widget widget_categories"><h2 class="widget-title">分类</h2><ul>{cats}</ul></section>'
        f'<section class="widget widget_tag_cloud"><h2 class="widget-title">标签</h2><div class="tagcloud">{cloud}</div></section>'
        f'<section class="widget widget_links"><h2 class="widget-title">友情链接</h2><ul>{blogroll}</ul></section>'
        f'<section class="widget widget_ads">{ads}</section></aside>'
    )


def _footer(rng: random.Random) -> str:
    cols = "".join(
        f'<div class="footer-col"><h3>{rng.choice(_TAGS)}</h3><ul>'
        + "".join(f'<li><a href="/p/{k}-{j}/">{rng.choice(_EN_WORDS)}</a></li>' for j in range(8))
        + "</ul></div>"
        for k in range(4)
    )
    return (
        f'<footer id="colophon" class="site-footer"><div class="footer-widgets">{cols}</div>'
        '<div class="site-info">© 2016-2026 Field Notes · 京ICP备00000000号 · '
        '<a href="/privacy/">隐私政策</a> · <a href="/feed/">RSS</a> · Powered by WordPress'
        "</div></footer>"
    )


def _head(rng: random.Random, title: str, path: str, p: Post | None, css: str, js: str) -> str:
    metas = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)} - {SITE_NAME}</title>",
        '<meta name="robots" content="index, follow, max-image-preview:large">',
        '<meta name="generator" content="WordPress 6.5.2">',
        f'<link rel="canonical" href="{path}">',
        '<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">',
        '<link rel="icon" href="/favicon-32.png" sizes="32x32">',
        '<link rel="apple-touch-icon" href="/apple-touch-icon.png">',
        '<link rel="preconnect" href="https://fonts.example.invalid" crossorigin>',
        '<link rel="dns-prefetch" href="//stats.example.invalid">',
    ]
    if p is not None:
        desc = html.escape(p.excerpt)
        metas += [
            f'<meta name="description" content="{desc}">',
            f'<meta property="og:title" content="{html.escape(p.title)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:url" content="{path}">',
            f'<meta property="og:description" content="{desc}">',
            f'<meta property="og:image" content="/uploads/{p.id}/cover.jpg">',
            f'<meta property="article:published_time" content="{p.published.isoformat()}">',
            f'<meta property="article:section" content="{p.category}">',
            '<meta name="twitter:card" content="summary_large_image">',
            f'<meta name="twitter:title" content="{html.escape(p.title)}">',
        ]
        metas += [f'<meta property="article:tag" content="{t}">' for t in rng.sample(_TAGS, 4)]
    for k in range(rng.randint(8, 14)):
        metas.append(
            f'<link rel="stylesheet" id="style-{k}-css" href="/wp-content/themes/fn/css/'
            f'{rng.choice(_EN_WORDS)}-{k}.css?ver={rng.randint(100, 999)}" media="all">'
        )
    for k in range(rng.randint(8, 14)):
        metas.append(
            f'<script src="/wp-includes/js/{rng.choice(_EN_WORDS)}-{k}.min.js?ver='
            f'{rng.randint(100, 999)}" id="js-{k}" defer></script>'
        )
    if p is not None:
        ld = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": p.title,
            "datePublished": p.published.isoformat(),
            "articleSection": p.category,
            "author": {"@type": "Person", "name": rng.choice(_AUTHORS)},
        }
        metas.append(
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        )
    metas.append(f'<style id="theme-inline-css">{css}</style>')
    metas.append(f"<script>window.__cfg={{}};{js}</script>")
    return "<head>" + "\n".join(metas) + "</head>"


def _slice(rng: random.Random, blob: str, size: int) -> str:
    start = rng.randint(0, len(blob) - size - 1)
    return blob[start : start + size]


# --- pages ---------------------------------------------------------------------------------


def _body_html(rng: random.Random, p: Post) -> str:
    target = int(1024 * rng.uniform(1.0, 8.0))
    parts: list[str] = []
    size = 0
    while size < target:
        r = rng.random()
        if r < 0.08 and size > 400:
            chunk = f"<h2>{html.escape(_title(rng, p.zh))}</h2>"
        elif r < 0.16:
            code = html.escape(rng.choice(_CODE))
            chunk = f'<pre><code class="language-x">{code}</code></pre>'
        elif r < 0.24:
            tex = rng.choice(_FORMULAS)
            para = html.escape(_paragraph(rng, p.zh, 1))
            chunk = (
                f'<p>{para} <span class="math" data-tex="{html.escape(tex)}">'
                f"{html.escape(tex)}</span> {html.escape(_sentence(rng, p.zh))}</p>"
            )
        else:
            chunk = f"<p>{html.escape(_paragraph(rng, p.zh, rng.randint(2, 6)))}</p>"
        parts.append(chunk)
        size += len(chunk.encode())
    return "\n".join(parts)


def _comments(rng: random.Random, budget: int) -> str:
    blobs = _blobs()
    texts = blobs["comments"].split("\x00")
    names = blobs["names"].split("\x00")
    items = []
    size = 0
    n = 0
    while size < budget or n < 3:
        n += 1
        d = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        item = (
            f'<li id="comment-{n}" class="comment depth-1"><article class="comment-body">'
            f'<footer class="comment-meta"><div class="comment-author vcard">'
            f'<img alt="" src="/avatar/{rng.randint(1, 10**6)}?s=64" class="avatar" '
            f'height="64" width="64" loading="lazy"><b class="fn">{rng.choice(names)}</b> '
            f'<span class="says">说道：</span></div><div class="comment-metadata">'
            f'<a href="#comment-{n}"><time datetime="{d}T12:00:00+08:00">{d}</time></a>'
            f'</div></footer><div class="comment-content"><p>{rng.choice(texts)}</p></div>'
            f'<div class="reply"><a rel="nofollow" class="comment-reply-link" '
            f'href="#respond">回复</a></div></article></li>'
        )
        items.append(item)
        size += len(item.encode())
    return (
        f'<section id="comments" class="comments-area"><h2 class="comments-title">{n} 条评论'
        f'</h2><ol class="comment-list">{"".join(items)}</ol>'
        '<div id="respond" class="comment-respond"><h3>发表回复</h3><form id="commentform" '
        'class="comment-form" method="post" action="/wp-comments-post.php">'
        '<textarea name="comment" rows="8"></textarea><input name="author"><input name="email">'
        '<input type="submit" value="发表评论"></form></div></section>'
    )


def _page(head: str, main: str, rng: random.Random, js: str) -> str:
    b = _blobs()
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">{head}<body class="wp-site">'
        f'{b["nav"]}<div id="content" class="site-content"><main id="main" class="site-main">'
        f"{main}</main>{b['sidebar']}</div>{b['footer']}"
        f"<script>(function(){{{js}}})();</script></body></html>\n"
    )


def article_html(i: int) -> str:
    p = post(i)
    rng = random.Random(f"{SEED}:article:{i}")
    total = int(min(200_000, max(50_000, 100_000 * math.exp(rng.gauss(0, 0.33)))))
    blobs = _blobs()
    css = _slice(rng, blobs["css"], rng.randint(14_000, 26_000))
    js = _slice(rng, blobs["js"], rng.randint(8_000, 16_000))
    js_tail = _slice(rng, blobs["js"], rng.randint(2_000, 5_000))
    path = f"/posts/{i}/"
    head = _head(rng, p.title, path, p, css, js)
    d = p.published
    tags = " ".join(
        f'<a href="/tags/{t}/" rel="tag">{t}</a>' for t in rng.sample(_TAGS, rng.randint(2, 5))
    )
    prev_next = (
        '<nav class="navigation post-navigation"><div class="nav-links">'
        f'<div class="nav-previous"><a href="/posts/{max(1, i - 1)}/" rel="prev">上一篇</a></div>'
        f'<div class="nav-next"><a href="/posts/{i + 1}/" rel="next">下一篇</a></div></div></nav>'
    )
    art = (
        f'<article id="post-{i}" class="post-{i} post type-post status-publish hentry">'
        f'<header class="entry-header"><h1 class="entry-title">{html.escape(p.title)}</h1>'
        f'<div class="entry-meta"><time class="entry-date published" datetime="'
        f'{d.isoformat()}">{d:%Y-%m-%d}</time> · <span class="author vcard">'
        f'{rng.choice(_AUTHORS)}</span> · <a href="/categories/{p.category}/" rel="category tag">'
        f"{p.category}</a></div></header>"
        f'<div class="entry-content">{_body_html(rng, p)}</div>'
        f'<footer class="entry-footer"><span class="tags-links">标签：{tags}</span>'
        '<div class="share"><a href="#" class="share-weibo">微博</a><a href="#" '
        'class="share-wechat">微信</a><a href="#" class="share-x">X</a></div></footer>'
        f"</article>{prev_next}"
    )
    skeleton = _page(head, art, rng, js_tail)
    budget = total - len(skeleton.encode())
    main = art + _comments(rng, budget)
    return _page(head, main, rng, js_tail)


def listing_html(page: int, ids: list[int], pages: int) -> str:
    rng = random.Random(f"{SEED}:listing-page:{page}")
    blobs = _blobs()
    css = _slice(rng, blobs["css"], rng.randint(14_000, 26_000))
    js = _slice(rng, blobs["js"], rng.randint(8_000, 16_000))
    cards = []
    for i in ids:
        p = post(i)
        cards.append(
            '<article class="post-card">'
            f'<h2><a href="/posts/{i}/">{html.escape(p.title)}</a></h2>'
            f'<time datetime="{p.published.isoformat()}">{p.published:%Y-%m-%d}</time>'
            f'<p class="excerpt">{html.escape(p.excerpt)}</p></article>'
        )
    nums = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links = []
    last = 0
    for n in nums:
        if n > last + 1:
            links.append('<span class="page-numbers dots">…</span>')
        if n == page:
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
        else:
            links.append(f'<a class="page-numbers" href="{listing_path(n)}">{n}</a>')
        last = n
    if page > 1:
        label = "上一页" if page % 2 else "Previous"
        links.insert(0, f'<a class="prev page-numbers" href="{listing_path(page - 1)}">{label}</a>')
    if page < pages:
        label = "下一页" if page % 2 else "Next"
        links.append(f'<a class="next page-numbers" href="{listing_path(page + 1)}">{label}</a>')
    main = (
        f'<h1 class="page-title">最新文章 · 第 {page} 页</h1><div class="post-list">'
        f'{"".join(cards)}</div><nav class="navigation pagination" aria-label="文章分页">'
        f'<div class="nav-links">{"".join(links)}</div></nav>'
    )
    head = _head(rng, f"最新文章 第{page}页", listing_path(page), None, css, js)
    return _page(head, main, rng, _slice(rng, blobs["js"], 3000))


# --- writing -----------------------------------------------------------------------------------


def _write(path: Path, text: str) -> int:
    data = text.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def _write_articles(args: tuple[str, int, int]) -> int:
    root, lo, hi = args
    base = Path(root)
    return sum(
        _write(base / "posts" / str(i) / "index.html", article_html(i)) for i in range(lo, hi)
    )


def _write_listings(args: tuple[str, int, int, int]) -> int:
    root, n, lo, hi = args
    pages = listing_pages(n)
    base = Path(root)
    total = 0
    for k in range(lo, hi):
        rel = listing_path(k + 1).lstrip("/")
        total += _write(base / rel / "index.html", listing_html(k + 1, pages[k], len(pages)))
    return total


def _chunks(lo: int, hi: int, step: int) -> Iterator[tuple[int, int]]:
    for a in range(lo, hi, step):
        yield a, min(hi, a + step)


def is_complete(root: Path, n: int) -> bool:
    try:
        info = json.loads((root / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return info.get("articles") == n and info.get("seed") == SEED and info.get("version") == VERSION


def generate(root: Path, n: int, workers: int | None = None) -> dict[str, object]:
    """Write the site of ``n`` articles under ``root`` unless its marker says it is there."""
    if is_complete(root, n):
        return json.loads((root / MARKER).read_text())
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).unlink(missing_ok=True)
    workers = workers or os.cpu_count() or 1
    pages = listing_pages(n)
    started = datetime.now(UTC)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        article_bytes = sum(
            pool.map(_write_articles, [(str(root), a, b) for a, b in _chunks(1, n + 1, 500)])
        )
        listing_bytes = sum(
            pool.map(
                _write_listings, [(str(root), n, a, b) for a, b in _chunks(0, len(pages), 200)]
            )
        )
    _write(root / "404.html", "<html><body><h1>404 Not Found</h1></body></html>")
    _write(root / "robots.txt", "User-agent: *\nAllow: /\n")
    (root / "article-paths.txt").write_text(
        "".join(f"/posts/{i}/\n" for i in range(n, 0, -1)), encoding="utf-8"
    )
    info: dict[str, object] = {
        "articles": n,
        "listing_pages": len(pages),
        "article_bytes": article_bytes,
        "listing_bytes": listing_bytes,
        "seed": SEED,
        "version": VERSION,
        "generated_seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
    }
    (root / MARKER).write_text(json.dumps(info, indent=1))
    return info


if __name__ == "__main__":
    import sys

    print(json.dumps(generate(Path(sys.argv[1]), int(sys.argv[2])), indent=1))
