"""Render the 12 corpus posts with Python generators and Jekyll into tests/corpus/themes/.

    python scripts/themes/build_python.py                          # every site in SITES
    python scripts/themes/build_python.py --sites nikola-bootblog4,jekyll-minima
    python scripts/themes/build_python.py --work /tmp/themes-build-py --keep

Generators and themes come only from package registries at exact versions: one virtualenv
per generator (under --work, reused while its pins are unchanged) for Nikola, MkDocs
(Material's blog plugin; mkdocs-blogging-plugin) and Sphinx ABlog, and Debian's packages
for Jekyll and minima (installed with apt-get when missing; needs root). Each site is a
throw-away source tree under --work fed the posts from posts.py; only the HTML pages and
feed/sitemap XML of its output go into site.tar.gz, next to truth.json. Every package
installed in the generator's environment is recorded with its version in truth.json.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from posts import POSTS, Post, truth

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "corpus" / "themes"
BASE_URL = "http://corpus.invalid"
PER_PAGE = 5
SITE_TITLE = "Corpus Blog"
# Not a post author: a post's author counts as shown only when the theme prints its own.
SITE_AUTHOR = "Corpus Editors"
TZ = "Asia/Shanghai"  # the posts' +08:00, so rendered dates match the truth

# Top-level pins per generator environment; pip resolves the rest, truth.json records all.
VENVS: dict[str, list[str]] = {
    "nikola": ["Nikola==8.3.3", "Markdown==3.11.3", "ruamel.yaml==0.19.1", "Jinja2==3.1.6"],
    "mkdocs-material": [
        "mkdocs==1.6.1",
        "mkdocs-material==9.8.2",
        "pymdown-extensions==13.1.2",
    ],
    "mkdocs-blogging": [
        "mkdocs==1.6.1",
        "mkdocs-blogging-plugin==2.2.11",
        "pymdown-extensions==13.1.2",
    ],
    "ablog": [
        "Sphinx==9.0.4",
        "ablog==0.11.13",
        "myst-parser==5.2.0",
        "furo==2025.12.19",
        "pydata-sphinx-theme==0.24.0",
    ],
}

# Debian bookworm packages for Jekyll; the first version that apt offers is used if a pin
# has been superseded, and the installed versions are what truth.json records.
DEBIAN: dict[str, str] = {
    "jekyll": "4.3.1+dfsg-3+deb12u1",
    "jekyll-theme-minima": "2.5.1-2",
    "ruby-jekyll-feed": "0.17.0-1",
    "ruby-jekyll-paginate": "1.1.0-3",
    "ruby-jekyll-seo-tag": "2.8.0-1",
    "ruby-jekyll-sitemap": "1.4.0-2",
}
DEBIAN_RECORDED = [*DEBIAN, "ruby", "ruby-kramdown", "ruby-liquid", "ruby-rouge"]


class Raw(str):
    """A YAML value written as is (e.g. an unquoted timestamp that YAML must parse)."""


@dataclass
class Site:
    generator: str
    theme: str
    env: str  # key of VENVS, or "debian"
    render: Callable[[Site, Path, Path], Path]  # (site, source dir, venv bin) -> output dir
    start_path: str
    listings: list[str]  # URL paths of the listing pages, first one = start_path
    path_of: Callable[[Post], str]
    generator_package: str
    theme_package: str
    per_page: int | None = PER_PAGE
    notes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.generator}-{self.theme}"


# ---------------------------------------------------------------- helpers


def sh(
    cmd: list[str], cwd: Path, timeout: int = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "TZ": TZ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    proc = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env
    )
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-2000:]
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({proc.returncode}): {tail}")
    return proc


def yaml_value(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    # JSON scalars and flow lists are valid YAML and need no escaping rules of their own.
    return json.dumps(value, ensure_ascii=False)


def markdown_file(meta: dict[str, Any], body: str) -> str:
    """Front matter from `meta` (None values left out) followed by `body`."""
    lines = ["---"]
    lines += [f"{k}: {yaml_value(v)}" for k, v in meta.items() if v is not None]
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body


def local_dt(post: Post, fmt: str) -> str:
    return post.published_dt.strftime(fmt)


def ensure_venv(name: str, work: Path) -> Path:
    """A virtualenv with VENVS[name] installed; reused while the pins are the same."""
    venv = work / "venvs" / name
    marker = venv / "corpus-pins.txt"
    pins = "\n".join(VENVS[name]) + "\n"
    if marker.is_file() and marker.read_text() == pins:
        return venv / "bin"
    if venv.exists():
        shutil.rmtree(venv)
    sh([sys.executable, "-m", "venv", str(venv)], cwd=work)
    sh([str(venv / "bin" / "pip"), "install", "-q", *VENVS[name]], cwd=work, timeout=1800)
    marker.write_text(pins)
    return venv / "bin"


def pip_packages(bin_dir: Path) -> dict[str, str]:
    out = sh([str(bin_dir / "pip"), "list", "--format=json"], cwd=bin_dir).stdout
    return {
        p["name"]: p["version"]
        for p in json.loads(out)
        if p["name"].lower() not in {"pip", "setuptools", "wheel"}
    }


def debian_versions(names: list[str]) -> dict[str, str]:
    found = {}
    for name in names:
        proc = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}|${Version}", name], capture_output=True, text=True
        )
        status, _, version = proc.stdout.partition("|")
        if proc.returncode == 0 and status.endswith(" installed"):
            found[name] = version
    return found


def ensure_debian() -> dict[str, str]:
    """Install the Jekyll packages from Debian if any is missing."""
    have = debian_versions(list(DEBIAN))
    if len(have) == len(DEBIAN):
        return have
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env, capture_output=True)
    pinned = [f"{n}={v}" for n, v in DEBIAN.items()]
    proc = subprocess.run(
        ["apt-get", "install", "-y", *pinned], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        # A point release replaced a pinned version: take what the archive has now.
        subprocess.run(
            ["apt-get", "install", "-y", *DEBIAN], check=True, env=env, capture_output=True
        )
    return debian_versions(list(DEBIAN))


def url_file(root: Path, path: str) -> Path:
    rel = path.lstrip("/")
    return root / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def visible_text(page: Path) -> str:
    doc = lxml_html.fromstring(page.read_bytes())
    for bad in doc.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    return re.sub(r"\s+", " ", doc.text_content())


def date_variants(post: Post) -> list[str]:
    d = post.published_dt
    return [
        d.strftime("%Y-%m-%d"),
        d.strftime("%Y/%m/%d"),
        f"{d.year}-{d.month}-{d.day}",
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        d.strftime("%b %d, %Y"),
        f"{d.strftime('%b')} {d.day}, {d.year}",
        f"{d.strftime('%B')} {d.day}, {d.year}",
        d.strftime("%d %B %Y"),
        d.strftime("%d %b %Y"),
    ]


def shows(site: Site, public: Path) -> tuple[dict[str, bool], list[str]]:
    """Which metadata every rendered article page visibly shows.

    A value counts only if it is on the post's own page and some other post's different
    value is absent from that page, so a site-wide category or tag list does not count.
    """
    texts = {p.slug: visible_text(url_file(public, site.path_of(p))) for p in POSTS}

    def values(post: Post, key: str) -> list[str]:
        if key == "author":
            return [post.author]
        if key == "category":
            return [post.category]
        if key == "tags":
            return list(post.tags)
        return date_variants(post)

    seen: dict[str, bool] = {}
    notes = []
    for key in ["author", "category", "tags", "date"]:
        ok = True
        for post in POSTS:
            text = texts[post.slug]
            own = values(post, key)
            if key == "date":
                hit = any(v in text for v in own)
            else:
                # More often on its own page than on a page without it: a site-wide list
                # of every category or tag in a sidebar does not count as showing it.
                hit = all(
                    text.count(v)
                    > min(texts[q.slug].count(v) for q in POSTS if v not in values(q, key))
                    for v in own
                )
            if not hit:
                ok = False
                notes.append(f"{key} not visible on {post.slug}")
                break
        seen[key] = ok
    return seen, notes


def sanity(site: Site, public: Path) -> list[str]:
    problems = []
    for listing in site.listings:
        if not url_file(public, listing).is_file():
            problems.append(f"missing listing {listing}")
    for post in POSTS:
        page = url_file(public, site.path_of(post))
        if not page.is_file():
            problems.append(f"missing article {site.path_of(post)}")
            continue
        doc = lxml_html.fromstring(page.read_bytes())
        if post.title not in doc.text_content():
            problems.append(f"title absent from {site.path_of(post)}")
        first = post.paragraphs[0][:40]
        if first not in re.sub(r"\s+", " ", doc.text_content()):
            problems.append(f"first paragraph absent from {site.path_of(post)}")
    start = url_file(public, site.start_path)
    if start.is_file():
        text = start.read_text(encoding="utf-8", errors="replace")
        newest = max(POSTS, key=lambda p: p.published_dt)
        if newest.title not in lxml_html.fromstring(text).text_content():
            problems.append("newest post's title absent from the first listing page")
    return problems


def require_sane(site: Site, public: Path) -> None:
    """Stop the build of a site whose output lacks what the corpus needs."""
    problems = sanity(site, public)
    if problems:
        raise RuntimeError("sanity: " + "; ".join(problems[:8]))


def pack(public: Path, dest: Path) -> int:
    """Tar the HTML pages and feed/sitemap XML (deterministic order and mtimes)."""
    files = sorted(
        p
        for p in public.rglob("*")
        if p.is_file()
        and not p.is_symlink()
        and (p.suffix == ".html" or (p.suffix == ".xml" and p.name != "search.xml"))
    )
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for p in files:
            data = p.read_bytes()
            info = tarfile.TarInfo(str(p.relative_to(public)))
            info.size = len(data)
            info.mtime = 1717200000
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    # gzip's header mtime is fixed too, so rebuilding identical pages gives equal bytes.
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(raw.getvalue())
    dest.write_bytes(buf.getvalue())
    return len(files)


# ---------------------------------------------------------------- Nikola

NIKOLA_CONF = """
# --- corpus site settings (override the defaults above) ---
BLOG_TITLE = {title!r}
SITE_URL = {url!r}
BASE_URL = {url!r}
BLOG_AUTHOR = {author!r}
BLOG_DESCRIPTION = "Notes on programming, mathematics and everyday life"
DEFAULT_LANG = "en"
TIMEZONE = {tz!r}
THEME = {theme!r}
METADATA_FORMAT = "YAML"
INDEX_DISPLAY_POST_COUNT = {per_page}
INDEX_TEASERS = True
SHOW_SOURCELINK = False
COPY_SOURCES = False
COMMENT_SYSTEM = ""
CONTENT_FOOTER = "Contents &copy; 2024 {author} - Powered by Nikola"
CONTENT_FOOTER_FORMATS = {{"en": ((), {{}})}}
RSS_COPYRIGHT = "Contents © 2024 {author}"
RSS_COPYRIGHT_PLAIN = "Contents (c) 2024 {author}"
RSS_COPYRIGHT_FORMATS = CONTENT_FOOTER_FORMATS
BLOG_EMAIL = "editors@corpus.invalid"
COMMENT_SYSTEM_ID = ""
ENABLE_AUTHOR_PAGES = True
USE_KATEX = True
KATEX_AUTO_RENDER = '''
delimiters: [
    {{left: "$$", right: "$$", display: true}},
    {{left: "$", right: "$", display: false}}
]
'''
"""


def render_nikola(site: Site, src: Path, bin_dir: Path) -> Path:
    sh([str(bin_dir / "nikola"), "init", "-q", str(src)], cwd=src.parent)
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text()
        + NIKOLA_CONF.format(
            title=SITE_TITLE,
            url=BASE_URL + "/",
            author=SITE_AUTHOR,
            tz=TZ,
            theme=site.theme,
            per_page=PER_PAGE,
        )
    )
    for post in POSTS:
        meta = {
            "title": post.title,
            "slug": post.slug,
            "date": post.published,
            "author": post.author,
            "category": post.category,
            "tags": ", ".join(post.tags) or None,
            "has_math": True if post.has_math else None,
        }
        (src / "posts" / f"{post.slug}.md").write_text(
            markdown_file(meta, post.body_markdown()), encoding="utf-8"
        )
    sh([str(bin_dir / "nikola"), "build"], cwd=src)
    return src / "output"


def nikola_site(theme: str) -> Site:
    return Site(
        generator="nikola",
        theme=theme,
        env="nikola",
        render=render_nikola,
        start_path="/",
        listings=["/", "/index-2.html", "/index-1.html"],
        path_of=lambda p: f"/posts/{p.slug}/",
        generator_package="Nikola",
        theme_package="Nikola",
        notes=[
            f"theme {theme!r} is bundled with Nikola; its version is Nikola's",
            "static indexes: / holds the newest posts, then index-2.html, index-1.html (oldest)",
            "math: KaTeX auto-render with $ and $$ delimiters (formulas stay as TeX in HTML)",
        ],
    )


# ---------------------------------------------------------------- MkDocs

MATERIAL_YML = """\
site_name: {title}
site_url: {url}/
site_author: {author}
theme:
  name: material
  language: en
plugins:
  - search
  - blog:
      blog_dir: blog
      blog_toc: true
      post_date_format: long
      post_url_format: "{{date}}/{{slug}}"
      post_excerpt_separator: "<!--more-->"
      pagination_per_page: {per_page}
      authors_file: "{{blog}}/.authors.yml"
      categories: true
  - tags
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.highlight
  - pymdownx.superfences
extra_javascript:
  - javascripts/mathjax.js
  - https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js
nav:
  - Home: index.md
  - Blog:
    - blog/index.md
"""

AUTHOR_IDS = {"Alice Chen": "alice-chen", "李雷": "li-lei"}


def render_material(site: Site, src: Path, bin_dir: Path) -> Path:
    docs = src / "docs"
    (docs / "blog" / "posts").mkdir(parents=True)
    (docs / "javascripts").mkdir()
    (src / "mkdocs.yml").write_text(
        MATERIAL_YML.format(title=SITE_TITLE, url=BASE_URL, author=SITE_AUTHOR, per_page=PER_PAGE),
        encoding="utf-8",
    )
    (docs / "index.md").write_text(f"# {SITE_TITLE}\n\nWelcome. The posts are in the blog.\n")
    (docs / "blog" / "index.md").write_text("# Blog\n")
    (docs / "javascripts" / "mathjax.js").write_text(
        "window.MathJax = {tex: {inlineMath: [['\\\\(', '\\\\)']], "
        "displayMath: [['\\\\[', '\\\\]']]}, options: {processHtmlClass: 'arithmatex'}};\n"
    )
    (docs / "blog" / ".authors.yml").write_text(
        "authors:\n"
        "  alice-chen:\n    name: Alice Chen\n    description: Writer\n"
        f"    avatar: {BASE_URL}/avatars/alice.png\n"
        "  li-lei:\n    name: 李雷\n    description: 作者\n"
        f"    avatar: {BASE_URL}/avatars/lilei.png\n",
        encoding="utf-8",
    )
    for post in POSTS:
        meta = {
            "title": post.title,
            "date": Raw(post.published),
            "slug": post.slug,
            "authors": [AUTHOR_IDS[post.author]],
            "categories": [post.category],
            "tags": list(post.tags) or None,
        }
        (docs / "blog" / "posts" / f"{post.slug}.md").write_text(
            markdown_file(meta, post.body_markdown()), encoding="utf-8"
        )
    sh([str(bin_dir / "mkdocs"), "build", "--strict"], cwd=src)
    return src / "site"


BLOGGING_YML = """\
site_name: {title}
site_url: {url}/
site_author: {author}
theme:
  name: {theme}
plugins:
  - search
  - blogging:
      dirs: [blog]
      size: {per_page}
      paging: true
      sort:
        from: new
        by: creation
      time_format: "%Y-%m-%d %H:%M"
      features:
        tags:
          index_page: tags.md
          insert: top
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.highlight
  - pymdownx.superfences
extra_javascript:
  - https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js
nav:
  - Home: index.md
  - Tags: tags.md
"""


def render_blogging(site: Site, src: Path, bin_dir: Path) -> Path:
    docs = src / "docs"
    (docs / "blog").mkdir(parents=True)
    (src / "mkdocs.yml").write_text(
        BLOGGING_YML.format(
            title=SITE_TITLE, url=BASE_URL, author=SITE_AUTHOR, theme=site.theme, per_page=PER_PAGE
        ),
        encoding="utf-8",
    )
    (docs / "index.md").write_text(
        f"---\ntitle: {SITE_TITLE}\n---\n\n# Latest posts\n\n{{{{ blog_content }}}}\n"
    )
    (docs / "tags.md").write_text("# Tags\n\n{{ tag_content }}\n")
    for post in POSTS:
        meta = {
            "title": post.title,
            "date": Raw(post.published),
            "author": post.author,
            "category": post.category,
            "tags": list(post.tags) or None,
        }
        # MkDocs' own themes show no title from front matter: blog posts start with one.
        body = f"# {post.title}\n\n" + post.body_markdown()
        (docs / "blog" / f"{post.slug}.md").write_text(markdown_file(meta, body), encoding="utf-8")
    sh([str(bin_dir / "mkdocs"), "build"], cwd=src)
    return src / "site"


# ---------------------------------------------------------------- Sphinx ABlog

ABLOG_CONF = """\
project = {title!r}
author = {author!r}
copyright = "2024, " + author
language = "en"
extensions = ["myst_parser", "ablog", "sphinx.ext.mathjax"]
myst_enable_extensions = ["dollarmath"]
myst_dmath_allow_digits = False  # "$5 ... $10" is money, not a formula
myst_title_to_header = True
smartquotes = False  # titles and text stay exactly as written
html_theme = {theme!r}
html_title = {title!r}
html_baseurl = {url!r}
blog_baseurl = {url!r}
blog_title = {title!r}
blog_path = "blog"
blog_post_pattern = "posts/*"
blog_authors = {{"Alice Chen": ("Alice Chen", None), "李雷": ("李雷", None)}}
blog_feed_fulltext = True
post_date_format = "%Y-%m-%d %H:%M"
post_date_format_short = "%Y-%m-%d"
post_auto_excerpt = 1
exclude_patterns = ["_build"]
"""

ABLOG_FURO = """\
# Furo refuses ABlog's page.html: use ABlog's widgets only, from a copy of its templates.
skip_injecting_base_ablog_templates = True
templates_path = ["_templates"]
html_sidebars = {"**": ["sidebar/brand.html", "sidebar/search.html",
    "sidebar/scroll-start.html", "sidebar/navigation.html", "ablog/postcard.html",
    "ablog/recentposts.html", "sidebar/scroll-end.html"]}
"""

ABLOG_PYDATA = """\
html_sidebars = {"**": ["ablog/postcard.html", "ablog/recentposts.html"]}
html_theme_options = {"secondary_sidebar_items": []}
"""


def render_ablog(site: Site, src: Path, bin_dir: Path) -> Path:
    (src / "posts").mkdir(parents=True)
    conf = ABLOG_CONF.format(
        title=SITE_TITLE, author=SITE_AUTHOR, theme=site.options["html_theme"], url=BASE_URL + "/"
    )
    if site.theme == "furo":
        conf += ABLOG_FURO
        pkg = sh(
            [str(bin_dir / "python"), "-c", "import ablog; print(ablog.get_html_templates_path())"],
            cwd=src,
        ).stdout.strip()
        shutil.copytree(pkg, src / "_templates", ignore=shutil.ignore_patterns("page.html"))
    else:
        conf += ABLOG_PYDATA
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "index.md").write_text(
        f"# {SITE_TITLE}\n\nNotes on programming, mathematics and everyday life.\n\n"
        "```{toctree}\n:maxdepth: 1\n:glob:\n:reversed:\n\nposts/*\n```\n",
        encoding="utf-8",
    )
    for post in POSTS:
        meta = {
            "title": post.title,
            "blogpost": True,
            "date": local_dt(post, "%Y-%m-%d %H:%M"),
            "author": post.author,
            "category": post.category,
            # ABlog splits a plain string on commas; a YAML list reaches it as escaped text.
            "tags": ", ".join(post.tags) or None,
        }
        (src / "posts" / f"{post.slug}.md").write_text(
            markdown_file(meta, post.body_markdown()), encoding="utf-8"
        )
    out = src / "_build" / "html"
    sh([str(bin_dir / "sphinx-build"), "-q", "-b", "html", ".", str(out)], cwd=src)
    return out


def ablog_site(theme: str, package: str, html_theme: str) -> Site:
    return Site(
        generator="ablog",
        theme=theme,
        env="ablog",
        render=render_ablog,
        start_path="/blog.html",
        listings=["/blog.html"],
        path_of=lambda p: f"/posts/{p.slug}.html",
        generator_package="ablog",
        theme_package=package,
        per_page=None,
        options={"html_theme": html_theme},
        notes=[
            "ABlog has no pagination: /blog.html lists every post (with excerpts)",
            "post metadata (date, author, category, tags) is in ABlog's postcard sidebar",
            "math: MyST dollarmath, rendered by Sphinx as MathJax \\(...\\) and \\[...\\]",
        ],
    )


# ---------------------------------------------------------------- Jekyll

JEKYLL_CONFIG = """\
title: {title}
description: Notes on programming, mathematics and everyday life
author: {author}
url: {url}
baseurl: ""
theme: minima
timezone: {tz}
permalink: /:year/:month/:day/:title.html
excerpt_separator: "<!--more-->"
paginate: {per_page}
paginate_path: "/page:num/"
markdown: kramdown
kramdown:
  math_engine: mathjax
  smart_quotes: ["apos", "apos", "quot", "quot"]  # text stays exactly as written
plugins:
  - jekyll-feed
  - jekyll-paginate
  - jekyll-seo-tag
  - jekyll-sitemap
"""

# minima 2.5's home layout lists site.posts without pagination; jekyll-paginate needs an
# index.html that walks paginator.posts, so the site has one in minima's own markup.
JEKYLL_INDEX = """\
---
layout: default
---
<div class="home">
  <h2 class="post-list-heading">Posts</h2>
  <ul class="post-list">
    {%- for post in paginator.posts -%}
    <li>
      <span class="post-meta">{{ post.date | date: "%b %-d, %Y" }}</span>
      <h3><a class="post-link" href="{{ post.url | relative_url }}">{{ post.title | escape }}</a></h3>
      {{ post.excerpt }}
    </li>
    {%- endfor -%}
  </ul>
  <div class="pagination">
    {%- if paginator.previous_page %}
    <a class="previous" href="{{ paginator.previous_page_path | relative_url }}">Newer posts</a>
    {%- endif %}
    <span class="page_number">Page {{ paginator.page }} of {{ paginator.total_pages }}</span>
    {%- if paginator.next_page %}
    <a class="next" href="{{ paginator.next_page_path | relative_url }}">Older posts</a>
    {%- endif %}
  </div>
  <p class="rss-subscribe">subscribe <a href="{{ "/feed.xml" | relative_url }}">via RSS</a></p>
</div>
"""


def render_jekyll(site: Site, src: Path, bin_dir: Path) -> Path:
    (src / "_posts").mkdir(parents=True)
    (src / "_config.yml").write_text(
        JEKYLL_CONFIG.format(
            title=SITE_TITLE, author=SITE_AUTHOR, url=BASE_URL, tz=TZ, per_page=PER_PAGE
        ),
        encoding="utf-8",
    )
    (src / "index.html").write_text(JEKYLL_INDEX, encoding="utf-8")
    (src / "about.md").write_text(
        "---\nlayout: page\ntitle: About\npermalink: /about/\n---\n\n"
        "A blog about programming, mathematics and everyday life.\n"
    )
    for post in POSTS:
        meta = {
            "layout": "post",
            "title": post.title,
            "date": local_dt(post, "%Y-%m-%d %H:%M:%S %z"),
            "author": post.author,
            "categories": [post.category],
            "tags": list(post.tags) or None,
        }
        name = f"{local_dt(post, '%Y-%m-%d')}-{post.slug}.md"
        (src / "_posts" / name).write_text(
            markdown_file(meta, post.body_markdown()), encoding="utf-8"
        )
    sh(["jekyll", "build", "--quiet"], cwd=src, env={"JEKYLL_ENV": "production"})
    return src / "_site"


# ---------------------------------------------------------------- sites

SITES: dict[str, Site] = {
    s.name: s
    for s in [
        nikola_site("bootblog4"),
        nikola_site("bootstrap4"),
        nikola_site("base"),
        Site(
            generator="mkdocs",
            theme="material",
            env="mkdocs-material",
            render=render_material,
            start_path="/blog/",
            listings=["/blog/", "/blog/page/2/", "/blog/page/3/"],
            path_of=lambda p: f"/blog/{p.published[:10].replace('-', '/')}/{p.slug}/",
            generator_package="mkdocs",
            theme_package="mkdocs-material",
            notes=[
                "Material for MkDocs' built-in blog plugin; authors from .authors.yml",
                "math: pymdownx.arithmatex (generic) with MathJax 3",
                "no feed: the rss plugin is a separate package",
            ],
        ),
        *[
            Site(
                generator="mkdocs-blogging",
                theme=theme,
                env="mkdocs-blogging",
                render=render_blogging,
                start_path="/",
                listings=["/"],
                path_of=lambda p: f"/blog/{p.slug}/",
                generator_package="mkdocs-blogging-plugin",
                theme_package="mkdocs",
                notes=[
                    f"theme {theme!r} is bundled with mkdocs; its version is mkdocs'",
                    "pagination is client-side: / holds every post, 5 per hidden <div "
                    "class=page>, and the page links are #blog-pN fragments",
                    "each post's Markdown starts with '# title' (MkDocs themes show no "
                    "front-matter title); the listing shows titles, tags and dates only",
                    "math: pymdownx.arithmatex (generic) with MathJax 3",
                ],
            )
            for theme in ["mkdocs", "readthedocs"]
        ],
        ablog_site("furo", "furo", "furo"),
        ablog_site("pydata", "pydata-sphinx-theme", "pydata_sphinx_theme"),
        Site(
            generator="jekyll",
            theme="minima",
            env="debian",
            render=render_jekyll,
            start_path="/",
            listings=["/", "/page2/", "/page3/"],
            path_of=lambda p: f"/{p.published[:10].replace('-', '/')}/{p.slug}.html",
            generator_package="jekyll",
            theme_package="jekyll-theme-minima",
            notes=[
                "Jekyll, minima and plugins are Debian packages (versions are Debian's)",
                "minima 2.5 has no paginated home layout: the site's index.html walks "
                "jekyll-paginate's paginator in minima's post-list markup",
                "math: kramdown (mathjax engine) only knows $$...$$; inline $...$ stays "
                "as literal text in the HTML, as on real kramdown sites",
            ],
        ),
    ]
}


def build(site: Site, work: Path, out_root: Path) -> dict[str, Any]:
    t0 = time.monotonic()
    if site.env == "debian":
        debian = ensure_debian()
        bin_dir = Path("/usr/bin")
        packages = {**debian_versions(DEBIAN_RECORDED), **debian}
        gen_version = packages[site.generator_package].split("+")[0]
        theme_version = packages[site.theme_package].split("-")[0]
    else:
        bin_dir = ensure_venv(site.env, work)
        packages = pip_packages(bin_dir)
        gen_version = packages[site.generator_package]
        theme_version = packages[site.theme_package]
    src = work / "sites" / site.name
    if src.exists():
        shutil.rmtree(src)
    src.parent.mkdir(parents=True, exist_ok=True)
    if site.env != "nikola":
        src.mkdir()
    public = site.render(site, src, bin_dir)
    require_sane(site, public)
    return record_site(
        site,
        public,
        out_root,
        t0,
        versions=(gen_version, theme_version),
        packages=dict(sorted(packages.items(), key=lambda kv: kv[0].lower())),
        per_page=site.per_page,
        language="en",
    )


def record_site(
    site: Site,
    public: Path,
    out_root: Path,
    t0: float,
    *,
    versions: tuple[str, str],
    packages: dict[str, str],
    per_page: int | None,
    language: str,
) -> dict[str, Any]:
    """Pack a rendered site and write its truth.json; the build's one-line summary."""
    shown, notes = shows(site, public)
    out_dir = out_root / site.name
    out_dir.mkdir(parents=True, exist_ok=True)
    n_files = pack(public, out_dir / "site.tar.gz")
    record = {
        "generator": site.generator,
        "generator_version": versions[0],
        "theme": site.theme,
        "theme_package": site.theme_package,
        "theme_version": versions[1],
        "packages": packages,
        "base_url": BASE_URL,
        "start_path": site.start_path,
        "listing_paths": site.listings,
        "per_page": per_page,
        "language": language,
        "shows": shown,
        "notes": site.notes,
        "posts": [{"path": site.path_of(p), **truth(p)} for p in POSTS],
    }
    (out_dir / "truth.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return {
        "site": site.name,
        "files": n_files,
        "tar_kb": round((out_dir / "site.tar.gz").stat().st_size / 1024),
        "shows": shown,
        "notes": notes[:6],
        "seconds": round(time.monotonic() - t0),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", default=",".join(SITES), help="comma-separated site names")
    ap.add_argument("--work", type=Path, default=Path("/tmp/themes-build-py"))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--keep", action="store_true", help="keep the rendered sources under --work")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name in args.sites.split(","):
        site = SITES[name.strip()]
        try:
            print(json.dumps(build(site, args.work, args.out), ensure_ascii=False), flush=True)
        except Exception as exc:  # one broken generator must not stop the others
            failures += 1
            print(json.dumps({"site": site.name, "error": str(exc)[-1500:]}), flush=True)
    if not args.keep:
        shutil.rmtree(args.work / "sites", ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
