"""Render the corpus posts with Docusaurus and VuePress (hope, reco) into tests/corpus/themes/.

    python scripts/themes/build_node.py                                  # all three sites
    python scripts/themes/build_node.py --themes vuepress-reco           # one of them
    python scripts/themes/build_node.py --work /tmp/themes-build-node --reinstall

Needs Node.js and npm. Each site is a throw-away project under --work (outside the
repository) whose node_modules is reused while installed.json matches the pins. Every
package comes from the npm registry at an exact version (resolved with `npm view`, written
to package.json, recorded in truth.json). Both generators render each page on the server
before the browser hydrates it: that server-rendered HTML, and the feed/sitemap XML, is
what goes into site.tar.gz (no CSS, JS, images or fonts).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_hexo import resolve, sh
from build_python import (
    BASE_URL,
    OUT,
    PER_PAGE,
    SITE_AUTHOR,
    TZ,
    Site,
    record_site,
    require_sane,
)
from posts import AUTHOR_EN, AUTHOR_ZH, MORE, POSTS, Para, Post, front_matter

TITLE = "Corpus Notes"
DESCRIPTION = "Essays on code, maths and life"


@dataclass
class NodeSite:
    # paths, listings and notes for build_python's checks; its `render` is unused here
    site: Site
    # npm name -> "latest", a semver range, or an exact version (see `pin`)
    packages: dict[str, str]
    write: Callable[[Path], None]
    command: list[str]
    output: str  # the generated site, relative to the project
    language: str
    # transitive packages worth recording next to the top-level pins
    record: list[str] = field(default_factory=list)
    # (package, its pinned version): pin every name in `peers` to that release's peer range
    peers_of: tuple[str, str] | None = None
    peers: list[str] = field(default_factory=list)
    # name -> the pinned package whose version it shares (released together)
    same_as: dict[str, str] = field(default_factory=dict)
    # name -> (range, peer): the newest release of `name` in `range` (which must name the
    # prerelease line, e.g. ">=2.0.0-0") whose peerDependencies ask for exactly the version
    # pinned for `peer`; for plugins the theme does not bring itself
    fits: dict[str, tuple[str, str]] = field(default_factory=dict)
    # `"type": "module"` in package.json (Docusaurus' server bundle breaks with it)
    esm: bool = False


def npm_json(*args: str) -> Any:
    out = subprocess.run(
        ["npm", "view", *args, "--json"], capture_output=True, text=True, timeout=120
    )
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(f"npm view {' '.join(args)}: {out.stderr.strip()[-300:]}")
    return json.loads(out.stdout)


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def pin(name: str, spec: str) -> str:
    """An exact version for `name`: the latest, the highest in a range, or `spec` itself."""
    if spec == "latest":
        return resolve(name)
    if re.fullmatch(r"\d+\.\d+\.\d+(-[\w.]+)?", spec):
        return spec
    found = npm_json(f"{name}@{spec}", "version")
    versions = found if isinstance(found, list) else [found]
    return max(versions, key=_key)


def pins(node: NodeSite) -> dict[str, str]:
    deps = {name: pin(name, spec) for name, spec in node.packages.items()}
    if node.peers_of:
        owner, version = node.peers_of
        peer_ranges = npm_json(f"{owner}@{version}", "peerDependencies")
        for name in node.peers:
            deps[name] = pin(name, peer_ranges[name])
    for name, twin in node.same_as.items():
        deps[name] = deps[twin]
    for name, (spec, peer) in node.fits.items():
        deps[name] = newest_for_peer(name, spec, peer, deps[peer])
    return dict(sorted(deps.items()))


def newest_for_peer(name: str, spec: str, peer: str, version: str) -> str:
    """The newest release of `name` in `spec` whose peer dependency `peer` is `version`."""
    found = npm_json(f"{name}@{spec}", "version", f"peerDependencies.{peer}")
    rows = found if isinstance(found, list) else [found]
    fitting = [r["version"] for r in rows if r.get(f"peerDependencies.{peer}") == version]
    if not fitting:
        raise RuntimeError(f"no release of {name} has the peer {peer}@{version}")
    return max(fitting, key=_key)


def install(node: NodeSite, project: Path, reinstall: bool) -> dict[str, str]:
    """npm install the pins into `project`; returns every recorded package's version."""
    marker = project / "installed.json"
    if reinstall and project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True, exist_ok=True)
    if marker.is_file() and (project / "node_modules").is_dir():
        return json.loads(marker.read_text())
    deps = pins(node)
    pkg = {
        "name": f"corpus-{node.site.name}",
        "version": "0.0.0",
        "private": True,
        **({"type": "module"} if node.esm else {}),
        "dependencies": deps,
    }
    (project / "package.json").write_text(json.dumps(pkg, indent=2) + "\n")
    out = sh(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], project, 1800)
    if out.returncode != 0:
        raise RuntimeError(f"npm install failed: {out.stderr.strip()[-1500:]}")
    installed = {}
    for name in [*deps, *node.record]:
        meta = project / "node_modules" / name / "package.json"
        if meta.is_file():
            installed[name] = json.loads(meta.read_text())["version"]
    marker.write_text(json.dumps(installed, indent=2) + "\n")
    return installed


def meta(post: Post, keys: dict[str, str], extra: dict[str, Any] | None = None) -> str:
    """Front matter whose date is an unquoted YAML timestamp.

    Both generators read a quoted ISO date wrongly (hope drops it, Docusaurus appends "Z"
    and gets an invalid date); the YAML timestamp keeps the instant and its offset.
    """
    text = front_matter(post, keys={**keys, "date": ""}, extra=extra)
    return text.replace("\n", f"\ndate: {post.published}\n", 1)


def body(post: Post, marker: str, escape_dollars: bool = False) -> str:
    """The Markdown body with the generator's summary marker.

    `escape_dollars` writes a literal `$` in prose as `\\$`: remark-math has no rule
    against a `$` before a digit, so "costs $5 ... costs $10" would render as one formula,
    and a Docusaurus author escapes such dollars.
    """
    if not escape_dollars:
        return post.body_markdown().replace(MORE, marker, 1)
    chunks = [
        "".join(p.replace("$", "\\$") if isinstance(p, str) else f"${p.tex}$" for p in b.parts)
        if isinstance(b, Para)
        else b.markdown
        for b in post.body
    ]
    chunks.insert(1, marker)
    return "\n\n".join(chunks) + "\n"


# ---------------------------------------------------------------- Docusaurus

AUTHOR_KEYS = {AUTHOR_EN: "alice", AUTHOR_ZH: "lilei"}

DOCUSAURUS_CONFIG = """\
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';

export default {{
  title: {title},
  tagline: {tagline},
  url: {url},
  baseUrl: '/',
  trailingSlash: true,
  onBrokenLinks: 'throw',
  i18n: {{defaultLocale: 'en', locales: ['en']}},
  // .md files are CommonMark (the `<!-- truncate -->` marker is an HTML comment)
  markdown: {{format: 'detect'}},
  presets: [
    [
      'classic',
      {{
        docs: false,
        blog: {{
          routeBasePath: '/',
          path: 'blog',
          blogTitle: {title},
          blogDescription: {tagline},
          postsPerPage: {per_page},
          showReadingTime: true,
          authorsMapPath: 'authors.yml',
          onInlineTags: 'ignore',
          remarkPlugins: [remarkMath],
          rehypePlugins: [rehypeKatex],
          feedOptions: {{type: ['rss', 'atom'], copyright: {copyright}}},
        }},
      }},
    ],
  ],
  stylesheets: [
    {{
      href: 'https://cdn.jsdelivr.net/npm/katex@{katex}/dist/katex.min.css',
      type: 'text/css',
      crossorigin: 'anonymous',
    }},
  ],
  themeConfig: {{
    navbar: {{
      title: {title},
      items: [
        {{to: '/archive/', label: 'Archive', position: 'left'}},
        {{to: '/tags/', label: 'Tags', position: 'left'}},
      ],
    }},
    footer: {{style: 'dark', copyright: {copyright}}},
  }},
}};
"""


def write_docusaurus(project: Path) -> None:
    installed = json.loads((project / "installed.json").read_text())
    js = json.dumps
    (project / "docusaurus.config.mjs").write_text(
        DOCUSAURUS_CONFIG.format(
            title=js(TITLE),
            tagline=js(DESCRIPTION),
            url=js(BASE_URL),
            per_page=PER_PAGE,
            katex=installed.get("katex", "0.16"),
            copyright=js(f"Copyright © 2024 {SITE_AUTHOR}. Built with Docusaurus."),
        )
    )
    blog = project / "blog"
    if blog.exists():
        shutil.rmtree(blog)
    blog.mkdir()
    (blog / "authors.yml").write_text(
        "".join(f"{key}:\n  name: {json.dumps(name)}\n" for name, key in AUTHOR_KEYS.items()),
        encoding="utf-8",
    )
    for post in POSTS:
        head = meta(
            post,
            keys={"author": "", "category": ""},
            extra={"authors": [AUTHOR_KEYS[post.author]]},
        )
        name = f"{post.published[:10]}-{post.slug}.md"
        (blog / name).write_text(
            head + "\n" + body(post, "<!-- truncate -->", escape_dollars=True), encoding="utf-8"
        )


# ---------------------------------------------------------------- VuePress + hope

HOPE_CONFIG = """\
import {{ defineUserConfig }} from "vuepress";
import {{ viteBundler }} from "@vuepress/bundler-vite";
import {{ hopeTheme }} from "vuepress-theme-hope";

export default defineUserConfig({{
  base: "/",
  lang: "zh-CN",
  title: {title},
  description: {description},
  bundler: viteBundler(),
  theme: hopeTheme({{
    hostname: {url},
    author: {{ name: {author} }},
    navbar: ["/", "/article/", "/category/", "/tag/", "/timeline/"],
    sidebar: false,
    lastUpdated: false,
    contributors: false,
    editLink: false,
    footer: {footer},
    copyright: {copyright},
    displayFooter: true,
    blog: {{ description: {description}, articlePerPage: {per_page} }},
    markdown: {{ math: {{ type: "katex" }} }},
    plugins: {{
      blog: true,
      git: false,
      feed: {{ atom: true, rss: true }},
      sitemap: true,
    }},
  }}),
}});
"""

HOPE_HOME = """\
---
home: true
layout: Blog
title: 首页
heroText: {title}
tagline: {description}
---
"""


def write_vuepress(
    project: Path, config: str, home: str, posts_dir: str, keys: dict[str, str]
) -> None:
    """A VuePress source tree: ``config``, the ``home`` page, and the posts under
    ``posts_dir`` with the front-matter ``keys`` the theme reads."""
    src = project / "src"
    if src.exists():
        shutil.rmtree(src)
    (src / ".vuepress").mkdir(parents=True)
    (src / ".vuepress" / "config.js").write_text(config, encoding="utf-8")
    (src / "README.md").write_text(home, encoding="utf-8")
    posts = src / posts_dir
    posts.mkdir()
    for post in POSTS:
        (posts / f"{post.slug}.md").write_text(
            meta(post, keys=keys) + "\n" + body(post, "<!-- more -->"), encoding="utf-8"
        )


def write_hope(project: Path) -> None:
    js = json.dumps
    config = HOPE_CONFIG.format(
        title=js(TITLE),
        description=js(DESCRIPTION),
        url=js(BASE_URL),
        author=js(SITE_AUTHOR),
        footer=js(f"© 2024 {SITE_AUTHOR}"),
        # the default notice carries the build year
        copyright=js(f"Copyright © 2024 {SITE_AUTHOR}"),
        per_page=PER_PAGE,
    )
    home = HOPE_HOME.format(title=TITLE, description=DESCRIPTION)
    write_vuepress(project, config, home, "posts", {"category": "category", "tags": "tag"})


# ---------------------------------------------------------------- VuePress + reco

RECO_CONFIG = """\
import {{ defineUserConfig }} from "vuepress";
import {{ viteBundler }} from "@vuepress/bundler-vite";
import {{ feedPlugin }} from "@vuepress/plugin-feed";
import {{ sitemapPlugin }} from "@vuepress/plugin-sitemap";
import {{ recoTheme }} from "vuepress-theme-reco";

export default defineUserConfig({{
  base: "/",
  lang: "zh-CN",
  title: {title},
  description: {description},
  bundler: viteBundler(),
  theme: recoTheme({{
    author: {author},
    autoSetBlogCategories: true,
    autoAddCategoryToNavbar: true,
    categoriesText: "Categories",
    tagsText: "Tags",
    navbar: [
      {{ text: "Home", link: "/" }},
      {{ text: "Posts", link: "/posts.html" }},
      {{ text: "Timeline", link: "/timeline.html" }},
    ],
    lastUpdated: false,
    editLink: false,
  }}),
  plugins: [
    feedPlugin({{ hostname: {url}, atom: true, rss: true }}),
    sitemapPlugin({{ hostname: {url} }}),
  ],
}});
"""

RECO_HOME = """\
---
home: true
title: 首页
modules: [BannerBrand, Blog, Footer]
bannerBrand:
  title: {title}
  description: {description}
footer:
  startYear: 2024
---
"""


def write_reco(project: Path) -> None:
    js = json.dumps
    config = RECO_CONFIG.format(
        title=js(TITLE), description=js(DESCRIPTION), url=js(BASE_URL), author=js(SITE_AUTHOR)
    )
    home = RECO_HOME.format(title=TITLE, description=DESCRIPTION)
    # reco's blog is every Markdown page under a `blogs/` directory
    write_vuepress(project, config, home, "blogs", {})


# ---------------------------------------------------------------- sites

# vuepress-theme-hope: its two newest releases (2.0.0-rc.109, rc.107) depend on exact
# @vuepress/plugin-* releases (plugin-blog rc.134, plugin-feed rc.130, ...) that the npm
# registry used here does not have; rc.106 is the newest whose whole tree installs.
HOPE_VERSION = "2.0.0-rc.106"

# vuepress-theme-reco: the 2.x line (VuePress 2, as hope) rather than the npm `latest` tag
# 1.6.17, which is for VuePress 1 (webpack 4, which current Node.js only runs with the
# legacy OpenSSL provider). 2.0.0-rc.26 is the newest 2.x release; the registry has every
# package it depends on and the site builds (see the peer note in its truth).
RECO_VERSION = "2.0.0-rc.26"

VUEPRESS_BUILD = ["node_modules/.bin/vuepress", "build", "src", "--dest", "dist", "--clean-cache"]

SITES: dict[str, NodeSite] = {
    "docusaurus": NodeSite(
        site=Site(
            generator="docusaurus",
            theme="classic",
            env="npm",
            render=lambda *_: Path(),
            start_path="/",
            listings=["/", "/page/2/", "/page/3/"],
            path_of=lambda p: f"/{p.published[:10].replace('-', '/')}/{p.slug}/",
            generator_package="@docusaurus/core",
            theme_package="@docusaurus/preset-classic",
            notes=[
                "Docusaurus blog-only mode (docs off, blog at /), postsPerPage 5, "
                "trailingSlash true; authors from authors.yml",
                "math: remark-math + rehype-katex, KaTeX HTML rendered at build time "
                "(annotation holds the TeX)",
                "no categories: Docusaurus' blog has tags only",
                "a literal $ in prose is written \\$ (remark-math would read '$5 ... $10' "
                "as a formula)",
                "sidebar 'Recent posts' (5 newest) on every page",
                "the HTML is server-rendered React that hydrates in the browser",
            ],
        ),
        packages={
            "@docusaurus/core": "latest",
            "@docusaurus/preset-classic": "latest",
            "@mdx-js/react": "latest",
            "clsx": "latest",
            "prism-react-renderer": "latest",
            "react": "latest",
            "react-dom": "latest",
            "remark-math": "latest",
            "rehype-katex": "latest",
        },
        write=write_docusaurus,
        command=["node_modules/.bin/docusaurus", "build", "--out-dir", "build"],
        output="build",
        language="en",
        record=["@docusaurus/plugin-content-blog", "@docusaurus/theme-classic", "katex"],
    ),
    "vuepress-hope": NodeSite(
        site=Site(
            generator="vuepress",
            theme="hope",
            env="npm",
            render=lambda *_: Path(),
            start_path="/",
            listings=["/"],
            path_of=lambda p: f"/posts/{p.slug}.html",
            generator_package="vuepress",
            theme_package="vuepress-theme-hope",
            notes=[
                "VuePress 2 (vite bundler) + vuepress-theme-hope, blog on, "
                "blog.articlePerPage 5; home page layout Blog",
                "listing pagination is client-side only: the server renders page 1 of the "
                "article list, the pager's page numbers and 下一页 are <div>s without links and "
                "pages 2-3 exist only as /?page=N after hydration, so '/' (5 newest posts) is "
                "the one paginated listing a crawler can read; all 12 posts are in the feeds "
                "the pages declare (atom.xml, rss.xml) and on /timeline/ (titles and dates only)",
                "@vuepress/plugin-feed escapes twice: the feeds' title of bayes-rule reads "
                "'Bayes&amp;apos; Rule' (the page itself says Bayes' Rule)",
                "math: markdown.math type katex (@vuepress/plugin-markdown-math), KaTeX HTML "
                "rendered at build time",
                f"vuepress-theme-hope pinned to {HOPE_VERSION}: the newer releases need "
                "@vuepress/plugin-* versions missing from the registry used",
                "the HTML is server-rendered Vue that hydrates in the browser",
            ],
        ),
        packages={
            "vuepress-theme-hope": HOPE_VERSION,
            "katex": "^0.16.38",  # @vuepress/plugin-markdown-math's peer range
            "sass-embedded": "latest",
            "vue": "latest",
        },
        peers_of=("vuepress-theme-hope", HOPE_VERSION),
        peers=["vuepress", "@vuepress/plugin-feed"],
        same_as={"@vuepress/bundler-vite": "vuepress"},
        esm=True,
        write=write_hope,
        command=VUEPRESS_BUILD,
        output="dist",
        language="zh-CN",
        record=[
            "@vuepress/bundler-vite",
            "@vuepress/plugin-blog",
            "@vuepress/plugin-markdown-math",
            "@vuepress/plugin-sitemap",
        ],
    ),
    "vuepress-reco": NodeSite(
        site=Site(
            generator="vuepress",
            theme="reco",
            env="npm",
            render=lambda *_: Path(),
            start_path="/",
            listings=["/", "/posts.html"],
            path_of=lambda p: f"/blogs/{p.slug}.html",
            generator_package="vuepress",
            theme_package="vuepress-theme-reco",
            # reco's blog list shows 10 posts per page, a constant in its components
            per_page=10,
            notes=[
                "VuePress 2 (vite bundler) + vuepress-theme-reco 2, posts are the pages "
                "under blogs/, autoSetBlogCategories and autoAddCategoryToNavbar on; home "
                "page modules BannerBrand, Blog, Footer",
                "listing pagination is client-side only and 10 per page (a constant in "
                "reco's Blog and Posts components, not configurable): '/' and '/posts.html' "
                "render the 10 newest posts, the pager's page numbers are <span>s without "
                "links (/?page=N and /posts/N.html after hydration); the static "
                "/posts/1.html and /posts/2.html exist but both render page 1. The two "
                "oldest posts are linked from /timeline.html, the category and tag pages "
                "(/categories/<name>/1.html, names of Chinese values in pinyin), the feeds "
                "the pages declare (atom.xml, rss.xml) and sitemap.xml",
                "dates: the front matter holds the instant with its offset; reco prints the "
                "serialized UTC instant without its zone ('2024-01-08 01:30:00' for "
                "09:30+08:00), the feeds carry the right instant",
                "no math support in reco: formulas stay as $...$ / $$...$$ TeX text in the "
                "HTML (as in the Nikola sites); the prices of coffee-budget are plain text",
                "code blocks: @vuepress/plugin-prismjs with line numbers (reco's default)",
                "feed and sitemap: @vuepress/plugin-feed and @vuepress/plugin-sitemap added "
                "to the site config (reco brings neither), newest releases whose peer is "
                "the pinned vuepress",
                "the home footer prints the build year ('Corpus Editors 2024 - <year>')",
                f"vuepress-theme-reco {RECO_VERSION} declares the peer vuepress 2.0.0-rc.19 "
                "but depends on @vuepress/bundler-* rc.18 and @vuepress/plugin-* releases "
                "whose peer is rc.18 or older; npm overrides those peers and nests "
                "@vuepress/core rc.18 under the theme, the build runs vuepress rc.19",
                "the HTML is server-rendered Vue that hydrates in the browser",
            ],
        ),
        packages={"vuepress-theme-reco": RECO_VERSION, "vue": "latest"},
        peers_of=("vuepress-theme-reco", RECO_VERSION),
        peers=["vuepress"],
        same_as={"@vuepress/bundler-vite": "vuepress"},
        fits={
            "@vuepress/plugin-feed": (">=2.0.0-0", "vuepress"),
            "@vuepress/plugin-sitemap": (">=2.0.0-0", "vuepress"),
        },
        esm=True,
        write=write_reco,
        command=VUEPRESS_BUILD,
        output="dist",
        language="zh-CN",
        record=[
            "@vuepress-reco/shared",
            "@vuepress-reco/vuepress-plugin-page",
            "@vuepress/plugin-prismjs",
        ],
    ),
}


def build(node: NodeSite, work: Path, out_root: Path, reinstall: bool) -> dict[str, Any]:
    t0 = time.monotonic()
    site = node.site
    project = work / site.name
    packages = install(node, project, reinstall)
    node.write(project)
    public = project / node.output
    if public.exists():
        shutil.rmtree(public)
    gen = sh(["env", f"TZ={TZ}", *node.command], project, 1800)
    if gen.returncode != 0 or not public.is_dir():
        raise RuntimeError(f"build failed: {(gen.stderr or gen.stdout).strip()[-2000:]}")
    require_sane(site, public)
    return record_site(
        site,
        public,
        out_root,
        t0,
        versions=(packages[site.generator_package], packages[site.theme_package]),
        packages=dict(sorted(packages.items())),
        per_page=site.per_page,
        language=node.language,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--themes", default=",".join(SITES), help="comma-separated: " + ",".join(SITES))
    ap.add_argument("--work", type=Path, default=Path("/tmp/themes-build-node"))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--reinstall", action="store_true", help="wipe node_modules first")
    args = ap.parse_args()
    failures = 0
    for name in args.themes.split(","):
        node = SITES[name.strip()]
        try:
            result = build(node, args.work, args.out, args.reinstall)
            print(json.dumps(result, ensure_ascii=False), flush=True)
        except (RuntimeError, subprocess.TimeoutExpired, OSError, KeyError) as exc:
            failures += 1
            print(json.dumps({"site": node.site.name, "error": str(exc)[-2500:]}), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
