"""Build the bundled demo blog (crawler/demo/site/) from the listing-page text dumps in seeds/.

Each seed dump holds one listing page: a banner line, a blank line, "LATEST UPDATES", then one
card per line. Some cards are preceded by a category line and a date line; a trailing "1 2" line
is pagination. The output is deterministic: the same seeds always give the same bytes.

Usage: python scripts/build_demo_site.py [--seeds DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
DEFAULT_OUT = REPO / "crawler" / "demo" / "site"

SITE = "极客笔记"
EXPECTED_ARTICLES = 34
EXPECTED_PAGES = 5
HEADER = ["INCOMING TRANSMISSION", "", "LATEST UPDATES"]
CODE, MATH, DISPLAY = "[代码]", "[Math]", "[公式]"
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PAGINATION_RE = re.compile(r"^\d+(?: \d+)+$")
SENTENCE_ENDS = "。！？!?；"
PARAGRAPH_TARGET = 150
LONG_PARAGRAPH = 220
AUTHORS = ("林晓舟", "陈默", "王一凡")
FIRST_DAY = date(2025, 12, 1)
TIME_SUFFIX = "T10:00:00+08:00"
MATH_SENTINEL = "\x00"

TAGS: dict[str, str] = {
    "algorithm": "算法",
    "attention": "Attention",
    "concurrency": "并发",
    "debugging": "调试",
    "deep-learning": "深度学习",
    "distributed": "分布式",
    "generative": "生成模型",
    "geometry": "计算几何",
    "java": "Java",
    "leetcode": "LeetCode",
    "memory": "内存管理",
    "nlp": "NLP",
    "oop": "面向对象",
    "python": "Python",
    "pytorch": "PyTorch",
    "recommendation": "推荐系统",
    "search": "搜索",
    "ssm": "SSM",
    "tensorflow": "TensorFlow",
    "training": "模型训练",
    "transformer": "Transformer",
}

# Keyed by the first 12 characters of an article's excerpt: (slug, title, two tags).
ARTICLES: dict[str, tuple[str, str, tuple[str, str]]] = {
    "概述 python采用的": ("python-gc", "Python 垃圾回收机制", ("python", "memory")),
    "Pycharm 的图形化": ("pdb-debug", "用 pdb 调试 Python 程序", ("python", "debugging")),
    "通过继承创建的新类称为“": (
        "python-inheritance",
        "Python 类的继承与多重继承",
        ("python", "oop"),
    ),
    "Python程序中存储的": (
        "python-objects",
        "Python 对象的身份、类型与值",
        ("python", "memory"),
    ),
    "计算几何(Computa": (
        "computational-geometry",
        "计算几何基础：浮点误差与向量",
        ("algorithm", "geometry"),
    ),
    "摘掉Softmax 制约": (
        "linear-attention",
        "线性 Attention 的探索：摘掉 Softmax",
        ("attention", "transformer"),
    ),
    "概述 本文介绍一个比较有": (
        "gau-flash",
        "FLASH：线性时间内的 Transformer",
        ("transformer", "attention"),
    ),
    "概述 SSM的概念由来已": ("hippo-ssm", "重温 SSM：从 HiPPO 说起", ("ssm", "deep-learning")),
    "题目 给定一个无序的数组": ("maximum-gap", "164. 最大间距", ("leetcode", "algorithm")),
    "1. 可以重复选取 给定": (
        "combination-sum",
        "39. 组合总和（可重复与不可重复）",
        ("leetcode", "algorithm"),
    ),
    "概述 众所周知,尽管基于": (
        "sparse-linear-attention",
        "从稀疏到线性：降低 Attention 的复杂度",
        ("attention", "transformer"),
    ),
    "取代RNN——Trans": ("rnn-to-transformer", "从 RNN 到 Transformer", ("transformer", "nlp")),
    "SD模型原理 SD是Co": (
        "stable-diffusion",
        "Stable Diffusion 模型原理",
        ("generative", "deep-learning"),
    ),
    "引言与背景 FlashA": (
        "flash-attention",
        "FlashAttention 原理详解",
        ("attention", "deep-learning"),
    ),
    "原理分析 网络架构: 本": (
        "detr",
        "DETR：用 Transformer 做目标检测",
        ("transformer", "deep-learning"),
    ),
    "通常我们训练神经网络模型": (
        "mixed-precision",
        "混合精度训练入门",
        ("training", "deep-learning"),
    ),
    "问题引入 前几天在训练一": (
        "transformer-init",
        "Transformer 的初始化、参数化与标准化",
        ("transformer", "training"),
    ),
    "梯度检查点(Gradie": (
        "gradient-checkpointing",
        "梯度检查点（Gradient Checkpointing）",
        ("training", "pytorch"),
    ),
    "给定一个包含 n 维数据": (
        "generative-mnist",
        "生成模型入门：为 MNIST 建模",
        ("generative", "deep-learning"),
    ),
    "1. 什么是NGram模": ("ngram", "NGram 模型及其应用", ("nlp", "algorithm")),
    "词向量,英文名叫Word": ("word-embedding", "词向量与 Embedding", ("nlp", "deep-learning")),
    "概念 可变对象与不可变对": (
        "mutable-objects",
        "Python 可变对象与不可变对象",
        ("python", "memory"),
    ),
    "1. 概述 新闻推荐系统": (
        "ann-search",
        "ANN 近似最近邻检索",
        ("search", "recommendation"),
    ),
    "当前,美团搜索整体架构主": (
        "search-model-serving",
        "搜索场景下的模型训练与在线预估",
        ("search", "deep-learning"),
    ),
    "1.倒排索引召回 1)召": (
        "inverted-index-recall",
        "倒排索引召回",
        ("search", "recommendation"),
    ),
    "一句话总结 正排索引:一": ("inverted-index", "正排索引与倒排索引", ("search", "algorithm")),
    "129. 滑动窗口最大值": (
        "sliding-window-maximum",
        "129. 滑动窗口最大值",
        ("leetcode", "algorithm"),
    ),
    "进程 一个在内存中运行的": ("process-thread", "进程与线程", ("java", "concurrency")),
    "Quick Start ": ("pytorch-ddp", "PyTorch DDP 快速上手", ("pytorch", "distributed")),
    "@tf_export为函": ("tf-export", "TensorFlow 中的 @tf_export", ("tensorflow", "python")),
    "PyTorch中,所有神": (
        "pytorch-autograd",
        "PyTorch autograd 自动求导",
        ("pytorch", "deep-learning"),
    ),
    "相同点 nn.Xxx和n": (
        "nn-functional",
        "nn.Xxx 与 nn.functional.xxx 的区别",
        ("pytorch", "python"),
    ),
    "分布式深度学习里的通信严": (
        "allreduce",
        "集群通信中的 Allreduce",
        ("distributed", "deep-learning"),
    ),
    "Preformer Pe": (
        "performer",
        "Performer：用随机特征线性化 Attention",
        ("attention", "transformer"),
    ),
}
FALLBACK_TAGS = ("python", "deep-learning")

# (TeX source, a plain-text rendering of it)
TEX: tuple[tuple[str, str], ...] = (
    ("O(n^2)", "O(n²)"),
    (r"\sqrt{d_k}", "√d_k"),
    (r"QK^{\top}", "QKᵀ"),
    (r"|a-b|<\epsilon", "|a−b|<ε"),
    (r"\mathrm{softmax}(x_i)", "softmax(xᵢ)"),
    ("O(n)", "O(n)"),
    (r"\phi(q)^{\top}\phi(k)", "φ(q)ᵀφ(k)"),
)

SNIPPETS: tuple[str, ...] = (
    "a = 8\nprint(id(a))\nprint(type(a))",
    "import pdb; pdb.set_trace()\nresult = compute(x)\nprint(result)",
    "class A:\n    pass\n\nclass D(B, C):\n    pass",
    "nums = [1, 3, -1, -3]\nnums.append(5)\nprint(nums)",
    "def add(x, y):\n    return x + y\n\nprint(add(1, 2))",
    "import torch\n\nx = torch.ones(2, 2, requires_grad=True)\ny = (x * 3).sum()\ny.backward()",
    "EPS = 1e-8\n\ndef sign(x):\n    return 0 if abs(x) < EPS else (1 if x > 0 else -1)",
    "for i, c in enumerate(candidates):\n    if i > start and c == candidates[i - 1]:\n"
    "        continue\n    path.append(c)",
)

GENERIC: tuple[str, ...] = (
    "回顾{topic}的整个过程，最重要的是先弄清楚问题的背景和约束条件，再去理解每一步设计背后的动机。"
    "只记住结论往往不够，亲手推导一遍、把关键步骤写成代码跑一跑，才能真正体会其中的取舍与细节。",
    "在实际项目中使用{topic}时，建议先在小规模数据上做验证，确认结果符合预期之后再逐步扩大规模。"
    "遇到性能瓶颈时，可以借助分析工具定位热点，而不是凭直觉随意修改代码，这样能少走很多弯路。",
    "很多读者在学习{topic}时会遇到相似的困惑：概念之间的边界不清楚，公式和代码对不上。"
    "比较好的办法是准备一个最小可运行的例子，每次只改变一个变量，观察输出如何随之变化。",
    "本文的示例都尽量保持简洁，省略了异常处理和日志等工程细节。如果要把{topic}用到生产环境中，"
    "还需要补充完善的测试和监控，并关注版本升级带来的接口变化，避免出现难以排查的问题。",
    "总结一下：{topic}并不是孤立的知识点，它和前面介绍过的许多内容都有联系。建议结合相关文章一起阅读，"
    "动手实现一遍，先用 nums = [1, 2, 3] 这样的小输入验证思路，再推广到一般情况。",
    "如果你对{topic}还有其他疑问，欢迎在评论区留言交流。后续还会继续整理这一方向的学习笔记，"
    "包括更多实践案例、常见错误以及对应的排查思路，希望能对大家的学习和工作有所帮助。",
)

MENU = (("/", "首页"), ("/archives/", "归档"), ("/categories/", "分类"), ("/tags/", "标签"))
MENU_ABOUT = ("/about/", "关于")


@dataclass
class Card:
    article: int
    category: str | None
    day: str | None


@dataclass
class Article:
    index: int
    excerpt: str
    slug: str
    title: str
    tags: tuple[str, str]
    category: str | None = None
    day: str | None = None
    listed_on: list[list[int]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/posts/{self.slug}/"

    @property
    def author(self) -> str:
        return AUTHORS[self.index % len(AUTHORS)]

    @property
    def published(self) -> str:
        if self.day:
            return self.day + TIME_SUFFIX
        return (FIRST_DAY + timedelta(days=self.index)).isoformat() + TIME_SUFFIX


# ---------------------------------------------------------------- seeds


def seed_files(seeds: Path) -> list[Path]:
    files = sorted(seeds.glob("*.txt"))
    assert len(files) == EXPECTED_PAGES, f"expected {EXPECTED_PAGES} seed files, got {len(files)}"
    return files


def parse_seed(text: str) -> list[tuple[str, str | None, str | None]]:
    """The cards of one dump as (excerpt, category, date)."""
    lines = text.split("\n")
    assert lines[:3] == HEADER, f"unexpected header: {lines[:3]!r}"
    body = [line.strip() for line in lines[3:] if line.strip()]
    if body and PAGINATION_RE.match(body[-1]):
        body.pop()
    cards: list[tuple[str, str | None, str | None]] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and DATE_RE.match(body[i + 1]):
            cards.append((body[i + 2], body[i], body[i + 1]))
            i += 3
        else:
            cards.append((body[i], None, None))
            i += 1
    return cards


def new_article(index: int, excerpt: str) -> Article:
    slug, title, tags = ARTICLES.get(
        excerpt[:12], (f"post-{index + 1:02d}", f"文章 {index + 1}", FALLBACK_TAGS)
    )
    return Article(index=index, excerpt=excerpt, slug=slug, title=title, tags=tags)


def load(seeds: Path) -> tuple[list[Article], list[list[Card]]]:
    articles: dict[str, Article] = {}
    pages: list[list[Card]] = []
    for page_no, path in enumerate(seed_files(seeds), start=1):
        cards: list[Card] = []
        for position, (excerpt, category, day) in enumerate(
            parse_seed(path.read_text(encoding="utf-8")), start=1
        ):
            art = articles.setdefault(excerpt, new_article(len(articles), excerpt))
            art.category = art.category or category
            art.day = art.day or day
            art.listed_on.append([page_no, position])
            cards.append(Card(art.index, category, day))
        pages.append(cards)
    found = list(articles.values())
    assert len(found) == EXPECTED_ARTICLES, f"expected {EXPECTED_ARTICLES} articles: {len(found)}"
    slugs = [a.slug for a in found]
    assert len(set(slugs)) == len(slugs), "duplicate slugs"
    return found, pages


# ---------------------------------------------------------------- layout


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def page_path(n: int) -> str:
    return "/" if n == 1 else f"/page/{n}/"


def link(href: str, text: str, cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<a{attr} href="{esc(href)}">{esc(text)}</a>'


def header_html() -> str:
    items = "".join(link(href, text) for href, text in (*MENU, MENU_ABOUT))
    return (
        '<div class="banner">INCOMING TRANSMISSION</div>\n'
        f'<header class="site-header"><nav class="menu">{items}</nav></header>'
    )


def sidebar_html(articles: list[Article]) -> str:
    hot = "".join(f"<li>{link(a.path, a.title)}</li>" for a in articles[:5])
    cloud = " ".join(link(f"/tags/{slug}/", name) for slug, name in sorted(TAGS.items()))
    return (
        '<aside class="sidebar">'
        f'<section class="widget hot"><h3>热门文章</h3><ul>{hot}</ul></section>'
        f'<section class="widget tag-cloud"><h3>标签云</h3><div class="tags">{cloud}</div></section>'
        '<section class="widget archive"><h3>归档</h3><ul>'
        f"<li>{link('/archives/2026/01/', '2026 年 1 月')}</li></ul></section></aside>"
    )


def footer_html() -> str:
    return (
        f"<footer><p>© 2026 {SITE}</p><p>"
        f"{link('/about/', '关于本站')} · {link('/atom.xml', '订阅')} · "
        f"{link('https://github.com/', 'GitHub')}</p></footer>"
    )


def document(title: str, head: str, main: str, articles: list[Article]) -> str:
    return "\n".join(
        [
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title>{head}</head>",
            "<body>",
            header_html(),
            main,
            sidebar_html(articles),
            footer_html(),
            "</body></html>",
            "",
        ]
    )


def simple_page(title: str, body: str, articles: list[Article]) -> str:
    main = f'<main><h1 class="page-title">{esc(title)}</h1>\n{body}\n</main>'
    return document(f"{title} - {SITE}", "", main, articles)


def link_list(items: list[tuple[str, str]]) -> str:
    return "<ul>" + "".join(f"<li>{link(href, text)}</li>" for href, text in items) + "</ul>"


# ---------------------------------------------------------------- listings


def card_html(card: Card, art: Article) -> str:
    meta = ""
    if card.category and card.day:
        meta = (
            f'<div class="post-meta"><span class="post-category">{esc(card.category)}</span> '
            f'<time datetime="{card.day}">{card.day}</time></div>'
        )
    return (
        f'<article class="post-card"><a class="post-card-link" href="{art.path}">{meta}'
        f'<p class="post-excerpt">{esc(art.excerpt)}</p></a></article>'
    )


def pagination_html(n: int, total: int) -> str:
    parts: list[str] = []
    if n > 1:
        parts.append(link(page_path(n - 1), "« 上一页", "prev"))
    for k in range(1, total + 1):
        parts.append(f'<span class="current">{k}</span>' if k == n else link(page_path(k), str(k)))
    if n < total:
        parts.append(link(page_path(n + 1), "下一页 »", "next"))
    return '<nav class="pagination">' + " ".join(parts) + "</nav>"


def listing_html(n: int, cards: list[Card], articles: list[Article], total: int) -> str:
    head = f'<link rel="next" href="{page_path(n + 1)}">' if n < total else ""
    body = "\n".join(card_html(c, articles[c.article]) for c in cards)
    main = (
        f'<main><h2 class="section-title">LATEST UPDATES</h2>\n{body}\n'
        f"{pagination_html(n, total)}\n</main>"
    )
    return document(f"{SITE} - 第{n}页", head, main, articles)


# ---------------------------------------------------------------- article content


def breaks_after(chunk: str, i: int, length: int) -> bool:
    """A paragraph may end at chunk[i]: a sentence end, or a space before CJK text if long."""
    ch = chunk[i]
    if ch in SENTENCE_ENDS:
        return length >= PARAGRAPH_TARGET
    following = chunk[i + 1 : i + 2]
    return ch == " " and length >= LONG_PARAGRAPH and following > "\x7f"


def split_text(text: str) -> list[str]:
    """Paragraphs at double spaces, else at a sentence end once a paragraph is long enough."""
    paragraphs: list[str] = []
    for chunk in text.split("  "):
        start = 0
        for i in range(len(chunk)):
            if breaks_after(chunk, i, i + 1 - start):
                paragraphs.append(chunk[start : i + 1])
                start = i + 1
        paragraphs.append(chunk[start:])
    return [p.strip() for p in paragraphs if p.strip()]


def math_html(k: int) -> str:
    tex, shown = TEX[k % len(TEX)]
    style = k % 3
    if style == 0:
        return f'<span class="math inline" data-tex="{esc(tex)}">{esc(shown)}</span>'
    if style == 1:
        return f'<script type="math/tex">{tex}</script>'
    return (
        '<span class="katex"><span class="katex-mathml"><math><semantics>'
        f'<annotation encoding="application/x-tex">{esc(tex)}</annotation>'
        f'</semantics></math></span><span class="katex-html" aria-hidden="true">{esc(shown)}'
        "</span></span>"
    )


def display_html(k: int) -> str:
    tex = TEX[k % len(TEX)][0]
    return (
        f'<p><img class="ee_img" alt="{DISPLAY}" data-tex="{esc(tex)}" src="/img/formula.svg"></p>'
    )


def code_html(k: int) -> str:
    return f'<pre><code class="language-python">{esc(SNIPPETS[k % len(SNIPPETS)])}</code></pre>'


def counter(start: int) -> Iterator[int]:
    k = start
    while True:
        yield k
        k += 1


def body_text(excerpt: str) -> str:
    return (excerpt[:-3] if excerpt.endswith("...") else excerpt).rstrip()


def content_blocks(art: Article) -> list[str]:
    """The excerpt as paragraphs, code blocks and formulas, in order."""
    maths, displays, codes = counter(art.index), counter(art.index + 2), counter(art.index)
    blocks: list[str] = []
    kept: list[str] = []
    for piece in re.split(r"(\[代码\]|\[公式\])", body_text(art.excerpt)):
        if piece in (CODE, DISPLAY):
            blocks.append(code_html(next(codes)) if piece == CODE else display_html(next(displays)))
            kept.append(piece)
            continue
        for para in split_text(piece.replace(MATH, MATH_SENTINEL)):
            rendered = "".join(
                math_html(next(maths)) if part == MATH_SENTINEL else esc(part)
                for part in re.split(f"({MATH_SENTINEL})", para)
            )
            blocks.append(f"<p>{rendered}</p>")
            kept.append(para.replace(MATH_SENTINEL, MATH))
    squeeze = re.compile(r"\s+")
    assert squeeze.sub("", "".join(kept)) == squeeze.sub("", body_text(art.excerpt)), art.slug
    return blocks


def generic_blocks(art: Article) -> list[str]:
    blocks = []
    for k in range(2):
        text = GENERIC[(art.index + k) % len(GENERIC)].format(topic=f"“{art.title}”")
        assert 80 <= len(text) <= 150, (len(text), text)
        blocks.append(f"<p>{esc(text)}</p>")
    return blocks


def related(art: Article, articles: list[Article]) -> list[Article]:
    n = len(articles)
    others = [a for a in articles if a.index != art.index]
    return sorted(
        others,
        key=lambda a: (-len(set(a.tags) & set(art.tags)), (a.index - art.index) % n),
    )[:3]


def article_head(art: Article) -> str:
    tags = "".join(f'<meta property="article:tag" content="{esc(TAGS[t])}">' for t in art.tags)
    return (
        f'<meta property="og:title" content="{esc(art.title)}">'
        f'<meta name="author" content="{esc(art.author)}">'
        f'<meta property="article:published_time" content="{art.published}">'
        f'<link rel="canonical" href="{art.path}">{tags}'
    )


COMMENTS = (
    '<section id="comments" class="comments"><h3>2 条评论</h3>'
    '<div class="comment"><span class="comment-author">读者甲</span><p>写得很清楚，感谢分享！</p></div>'
    '<div class="comment"><span class="comment-author">路人乙</span><p>请问有完整代码吗？</p></div>'
    "</section>"
)


def article_html(art: Article, articles: list[Article]) -> str:
    content = "\n".join(content_blocks(art) + generic_blocks(art))
    tags = " ".join(link(f"/tags/{t}/", TAGS[t]) for t in art.tags)
    rel = "".join(f"<li>{link(a.path, a.title)}</li>" for a in related(art, articles))
    main = "\n".join(
        [
            '<main><article class="post">',
            f'<h1 class="post-title">{esc(art.title)}</h1>',
            f'<div class="post-meta">{esc(art.author)} · {art.published[:10]}</div>',
            f'<div class="post-content">\n{content}\n</div>',
            f'<div class="post-tags">{tags}</div>',
            '<div class="share">分享到：<a href="#">微博</a> <a href="#">微信</a></div>',
            f'<section class="related"><h3>相关文章</h3><ul>{rel}</ul></section>',
            "</article>",
            COMMENTS + "</main>",
        ]
    )
    return document(f"{art.title} - {SITE}", article_head(art), main, articles)


# ---------------------------------------------------------------- other pages


def months(articles: list[Article]) -> dict[str, list[Article]]:
    found: dict[str, list[Article]] = {}
    for art in sorted(articles, key=lambda a: (a.published, a.index)):
        found.setdefault(art.published[:7], []).append(art)
    return dict(sorted(found.items(), reverse=True))


def archive_pages(articles: list[Article]) -> dict[str, str]:
    by_month = months(articles)
    assert "2026-01" in by_month
    index = link_list([(f"/archives/{m.replace('-', '/')}/", m) for m in by_month])
    files = {"archives/index.html": simple_page("归档", index, articles)}
    for month, arts in by_month.items():
        items = [(a.path, f"{a.published[:10]} {a.title}") for a in arts]
        path = f"archives/{month.replace('-', '/')}/index.html"
        files[path] = simple_page(f"归档：{month}", link_list(items), articles)
    return files


def tag_pages(articles: list[Article]) -> dict[str, str]:
    index = link_list([(f"/tags/{slug}/", name) for slug, name in sorted(TAGS.items())])
    files = {"tags/index.html": simple_page("标签", index, articles)}
    for slug, name in sorted(TAGS.items()):
        items = [(a.path, a.title) for a in articles if slug in a.tags]
        files[f"tags/{slug}/index.html"] = simple_page(f"标签：{name}", link_list(items), articles)
    return files


def categories_page(articles: list[Article]) -> str:
    names = sorted({a.category for a in articles if a.category})
    sections = []
    for name in names:
        items = [(a.path, a.title) for a in articles if a.category == name]
        sections.append(f"<h2>{esc(name)}</h2>{link_list(items)}")
    return simple_page("分类", "\n".join(sections), articles)


def about_page(articles: list[Article]) -> str:
    text = (
        f"<p>{SITE}是一个记录编程、算法与深度学习学习心得的技术博客。"
        "这里的文章由几位作者在工作之余整理而成，欢迎交流指正。</p>"
    )
    return simple_page("关于", text, articles)


def not_found_page(articles: list[Article]) -> str:
    body = f"<p>抱歉，您访问的页面不存在。</p><p>{link('/', '返回首页')}</p>"
    return simple_page("页面不存在", body, articles)


def atom_feed(articles: list[Article]) -> str:
    latest = max(a.published for a in articles)
    entries = "".join(
        f'<entry><title>{esc(a.title)}</title><link href="{a.path}"/><id>{a.path}</id>'
        f"<updated>{a.published}</updated><author><name>{esc(a.author)}</name></author>"
        f"<summary>{esc(a.excerpt)}</summary></entry>\n"
        for a in sorted(articles, key=lambda a: (a.published, a.index), reverse=True)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{SITE}</title>'
        '<link href="/atom.xml" rel="self"/><link href="/"/><id>/</id>'
        f"<updated>{latest}</updated>\n{entries}</feed>\n"
    )


FORMULA_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="16" viewBox="0 0 48 16">'
    '<text x="2" y="12" font-family="serif" font-size="12">f(x)</text></svg>\n'
)


def manifest(articles: list[Article], pages: list[list[Card]]) -> str:
    data = {
        "articles": [
            {
                "slug": a.slug,
                "path": a.path,
                "title": a.title,
                "author": a.author,
                "published": a.published,
                "category": a.category,
                "tags": [TAGS[t] for t in a.tags],
                "code_blocks": a.excerpt.count(CODE),
                "formulas": a.excerpt.count(MATH) + a.excerpt.count(DISPLAY),
                "excerpt_seed": a.excerpt,
                "listed_on": a.listed_on,
            }
            for a in articles
        ],
        "listings": [
            {"page": n, "path": page_path(n), "articles": [articles[c.article].path for c in cards]}
            for n, cards in enumerate(pages, start=1)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ---------------------------------------------------------------- build


def build(seeds: Path) -> dict[str, str]:
    articles, pages = load(seeds)
    total = len(pages)
    files: dict[str, str] = {}
    for n, cards in enumerate(pages, start=1):
        name = "index.html" if n == 1 else f"page/{n}/index.html"
        files[name] = listing_html(n, cards, articles, total)
    for art in articles:
        files[f"posts/{art.slug}/index.html"] = article_html(art, articles)
    files.update(archive_pages(articles))
    files.update(tag_pages(articles))
    files["categories/index.html"] = categories_page(articles)
    files["about/index.html"] = about_page(articles)
    files["404.html"] = not_found_page(articles)
    files["robots.txt"] = "User-agent: *\nDisallow: /admin/\n"
    files["atom.xml"] = atom_feed(articles)
    files["img/formula.svg"] = FORMULA_SVG
    files["manifest.json"] = manifest(articles, pages)
    return files


def target(href: str) -> str:
    path = href.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def check_links(files: dict[str, str]) -> None:
    for name, text in files.items():
        if not name.endswith((".html", ".xml")):
            continue
        for href in re.findall(r'(?:href|src)="(/[^"/][^"]*|/)"', text):
            assert target(href) in files, f"{name}: broken link {href}"


def write(files: dict[str, str], out: Path) -> None:
    out = out.resolve()
    assert out != Path(out.anchor) and out not in REPO.parents and out != REPO, out
    if out.exists():
        shutil.rmtree(out)
    for name in sorted(files):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name].encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    files = build(args.seeds)
    check_links(files)
    write(files, args.out)
    posts = sum(1 for name in files if name.startswith("posts/"))
    print(f"wrote {len(files)} files ({posts} articles) to {args.out}")


if __name__ == "__main__":
    main()
