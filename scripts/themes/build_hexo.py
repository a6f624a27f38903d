"""Render the corpus posts with Hexo and npm themes into tests/corpus/themes/hexo-<theme>/.

    python scripts/themes/build_hexo.py                      # every theme in THEMES
    python scripts/themes/build_hexo.py --themes next,yun    # a subset
    python scripts/themes/build_hexo.py --work /tmp/themes-build --reinstall

Needs Node.js and npm. The sites and their node_modules live under --work (outside the
repository) and are reused while installed.json is there; --reinstall starts afresh.

Every package comes from the npm registry at an exact version (resolved once, written to
package.json and recorded in truth.json). For each theme a throw-away Hexo site is created
under --work, `npm install`ed, fed the posts from posts.py and generated; only the HTML
pages and feed/sitemap XML are packed into site.tar.gz, next to truth.json.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from posts import POSTS, Post, truth, write_posts

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "corpus" / "themes"
BASE_URL = "http://corpus.invalid"
PER_PAGE = 5
SITE_AUTHOR = "Corpus Editors"

# Plugins every site gets; hexo loads only plugins named in the site's own package.json.
BASE_PACKAGES = [
    "hexo",
    "hexo-cli",
    "hexo-generator-index",
    "hexo-generator-archive",
    "hexo-generator-category",
    "hexo-generator-tag",
    "hexo-generator-feed",
    "hexo-generator-sitemap",
    "hexo-renderer-marked",
    "hexo-renderer-ejs",
    "hexo-renderer-stylus",
    "hexo-filter-mathjax",
]


@dataclass
class Theme:
    name: str  # the theme name hexo uses (`theme:` in _config.yml)
    package: str
    packages: list[str] = field(default_factory=list)  # extra npm packages
    drop: list[str] = field(default_factory=list)  # base packages this theme cannot use
    language: str = "zh-CN"
    theme_config: dict[str, Any] = field(default_factory=dict)  # _config.<name>.yml
    # a config file shipped inside the theme package to start _config.<name>.yml from
    base_config: str = ""
    dirs: list[str] = field(default_factory=list)  # folders the theme expects to exist
    files: dict[str, str] = field(default_factory=dict)  # data files the theme expects
    site_config: dict[str, Any] = field(default_factory=dict)


THEMES: dict[str, Theme] = {
    t.name: t
    for t in [
        Theme(
            "next",
            "hexo-theme-next",
            language="en",
            theme_config={
                "post_meta": {
                    "item_text": True,
                    "created_at": True,
                    "updated_at": {"enable": False},
                    "categories": True,
                },
                "tag_icon": True,
                "math": {"mathjax": {"enable": False}, "katex": {"enable": False}},
            },
        ),
        Theme(
            "butterfly",
            "hexo-theme-butterfly",
            packages=["hexo-renderer-pug"],
            theme_config={
                "post_meta": {
                    "page": {
                        "date_type": "created",
                        "date_format": "date",
                        "categories": True,
                        "tags": True,
                        "label": True,
                    },
                    "post": {
                        "date_type": "created",
                        "date_format": "date",
                        "categories": True,
                        "tags": True,
                        "label": True,
                    },
                },
                "post_copyright": {"enable": True},
            },
        ),
        Theme(
            "volantis",
            "hexo-theme-volantis",
            packages=["hexo-generator-json-content"],
            base_config="_config.yml",
            theme_config={"debug": False},
        ),
        Theme("yun", "hexo-theme-yun", packages=["hexo-renderer-pug"], language="en"),
        Theme("anzhiyu", "hexo-theme-anzhiyu", packages=["hexo-renderer-pug"]),
        Theme(
            "solitude",
            "hexo-theme-solitude",
            packages=["hexo-renderer-pug"],
            theme_config={"post": {"meta": {"date": True}}},
        ),
        Theme("kratos-rebirth", "hexo-theme-kratos-rebirth", language="en"),
        Theme(
            "nexmoe",
            "hexo-theme-nexmoe",
            packages=[
                "hexo-renderer-inferno",
                "hexo-component-inferno",
                "hexo-generator-json-content",
            ],
            base_config="demo/_config.nexmoe.yml",
        ),
        Theme(
            "shokax",
            "hexo-theme-shokax",
            # the theme refuses to generate without its own renderer and ui kit declared
            packages=["hexo-renderer-pug", "hexo-renderer-aether", "shokax-uikit", "nyx-player"],
            drop=["hexo-renderer-marked", "hexo-filter-mathjax"],
            site_config={"syntax_highlighter": ""},
            dirs=["source/_data/assets"],
            # cover images the theme picks from (never fetched: the corpus keeps no images)
            files={"source/_data/images.yml": "".join(f"- /covers/{i}.jpg\n" for i in range(8))},
        ),
    ]
}


# Listed themes that are not built, and why.
SKIPPED = {
    "aurora": "hexo-theme-aurora is a Vue single-page app: its only layout is an empty <div id=app>"
    " shell and every page, articles included, is rendered in the browser from JSON made by a"
    " companion plugin that is not published on npm, so hexo writes no article HTML.",
}


def sh(cmd: list[str], cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    # some themes shell out to `hexo -v` while loading, so the site's own bin must be on PATH
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(cwd / "node_modules" / ".bin"), env.get("PATH", "")])
    # browsers for puppeteer-based plugins are not npm packages: never fetch them
    env["PUPPETEER_SKIP_DOWNLOAD"] = "1"
    env["PUPPETEER_SKIP_CHROMIUM_DOWNLOAD"] = "1"
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


_VERSIONS: dict[str, str] = {}


def resolve(package: str) -> str:
    """The current version of `package` on npm (pinned from then on)."""
    if package not in _VERSIONS:
        out = sh(["npm", "view", package, "version"], Path("/tmp"), 120)
        if out.returncode != 0 or not out.stdout.strip():
            raise RuntimeError(f"npm view {package}: {out.stderr.strip()[-300:]}")
        _VERSIONS[package] = out.stdout.strip().splitlines()[-1].strip()
    return _VERSIONS[package]


def site_config(theme: Theme) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "title": "Corpus Notes",
        "subtitle": "Essays on code, maths and life",
        "description": "A small bilingual blog",
        "author": SITE_AUTHOR,
        "language": theme.language,
        "timezone": "Asia/Shanghai",
        "url": BASE_URL,
        "root": "/",
        "permalink": ":year/:month/:day/:title/",
        "new_post_name": ":title.md",
        "source_dir": "source",
        "public_dir": "public",
        "per_page": PER_PAGE,
        "pagination_dir": "page",
        "index_generator": {"path": "", "per_page": PER_PAGE, "order_by": "-date"},
        "archive_generator": {"per_page": PER_PAGE, "yearly": True, "monthly": False},
        "category_generator": {"per_page": PER_PAGE},
        "tag_generator": {"per_page": PER_PAGE},
        "date_format": "YYYY-MM-DD",
        "time_format": "HH:mm:ss",
        "syntax_highlighter": "highlight.js",
        "highlight": {"line_number": False, "auto_detect": False, "wrap": True},
        "feed": {"type": "atom", "path": "atom.xml", "limit": 20},
        "sitemap": {"path": "sitemap.xml"},
        "mathjax": {"single_dollars": True, "every_page": False},
        "theme": theme.name,
    }
    cfg.update(theme.site_config)
    return cfg


def hexo_date(post: Post) -> str:
    return post.published_dt.strftime("%Y-%m-%d %H:%M:%S")


def post_extra(post: Post) -> dict[str, Any]:
    # `updated` would otherwise be the file's mtime, which changes on every build
    extra: dict[str, Any] = {"updated": hexo_date(post)}
    if post.has_math:
        extra["mathjax"] = True
    return extra


def write_package_json(site: Path, deps: dict[str, str]) -> None:
    # hexo-cli only treats a folder as a site when package.json names the hexo version.
    pkg = {
        "name": f"corpus-{site.name}",
        "version": "0.0.0",
        "private": True,
        "hexo": {"version": deps["hexo"]},
        "dependencies": deps,
    }
    (site / "package.json").write_text(json.dumps(pkg, indent=2) + "\n")


def install(theme: Theme, site: Path) -> dict[str, str]:
    names = [p for p in BASE_PACKAGES if p not in theme.drop] + theme.packages + [theme.package]
    deps = {name: resolve(name) for name in names}
    write_package_json(site, deps)
    out = sh(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--legacy-peer-deps"],
        site,
        1200,
    )
    if out.returncode != 0:
        raise RuntimeError(f"npm install failed: {out.stderr.strip()[-1500:]}")
    installed = {}
    for name in deps:
        meta = json.loads((site / "node_modules" / name / "package.json").read_text())
        installed[name] = meta["version"]
    return installed


def write_site(theme: Theme, site: Path) -> None:
    (site / "_config.yml").write_text(
        yaml.safe_dump(site_config(theme), allow_unicode=True, sort_keys=False)
    )
    config: dict[str, Any] = {}
    if theme.base_config:
        shipped = site / "node_modules" / theme.package / theme.base_config
        config = yaml.safe_load(shipped.read_text(encoding="utf-8")) or {}
    config = merge(config, theme.theme_config)
    if config:
        (site / f"_config.{theme.name}.yml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        )
    for folder in theme.dirs:
        (site / folder).mkdir(parents=True, exist_ok=True)
    for name, text in theme.files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    posts_dir = site / "source" / "_posts"
    if posts_dir.exists():
        shutil.rmtree(posts_dir)
    write_posts(
        posts_dir,
        date_format=hexo_date,
        extra={"__per_post__": post_extra},
    )


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def visible_text(page: Path) -> str:
    doc = lxml_html.document_fromstring(page.read_text(encoding="utf-8", errors="replace"))
    for bad in doc.xpath("//script|//style|//noscript|//template"):
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
        f"{d.year} 年 {d.month} 月 {d.day} 日",
        d.strftime("%b %d, %Y"),
        f"{d.strftime('%b')} {d.day}, {d.year}",
        f"{d.strftime('%B')} {d.day}, {d.year}",
        d.strftime("%d %b %Y"),
        d.strftime("%m-%d"),
    ]


_PATHS: dict[str, str] = {}


def article_path(post: Post) -> str:
    """The URL path hexo gave the post (its permalink date follows hexo's own clock)."""
    if post.slug in _PATHS:
        return _PATHS[post.slug]
    d = post.published_dt
    return f"/{d:%Y}/{d:%m}/{d:%d}/{post.slug}/"


def find_paths(public: Path) -> None:
    _PATHS.clear()
    for post in POSTS:
        hits = sorted(public.glob(f"**/{post.slug}/index.html"))
        if len(hits) == 1:
            _PATHS[post.slug] = "/" + str(hits[0].parent.relative_to(public)) + "/"


def shows(public: Path) -> tuple[dict[str, bool], list[str]]:
    """Which metadata every rendered article page visibly shows."""
    seen = {"author": True, "category": True, "tags": True, "date": True}
    notes = []
    for post in POSTS:
        text = visible_text(public / article_path(post).strip("/") / "index.html")
        checks = {
            "author": post.author in text,
            "category": post.category in text,
            "tags": all(t in text for t in post.tags),
            "date": any(v in text for v in date_variants(post)),
        }
        for key, ok in checks.items():
            if not ok and seen[key]:
                notes.append(f"{key} not visible on {post.slug}")
            seen[key] = seen[key] and ok
    return seen, notes


def sanity(public: Path) -> list[str]:
    problems = []
    for listing in ["index.html", "page/2/index.html", "page/3/index.html"]:
        if not (public / listing).is_file():
            problems.append(f"missing listing {listing}")
    for post in POSTS:
        page = public / article_path(post).strip("/") / "index.html"
        if not page.is_file():
            problems.append(f"missing article {page.relative_to(public)}")
            continue
        if post.title not in html.unescape(page.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"title absent from {page.relative_to(public)}")
    return problems


MAX_TAR = 400 * 1024
_INLINE = re.compile(
    rb"(<style\b[^>]*>)(.*?)(</style>)|(<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json)[^>]*>)(.*?)(</script>)",
    re.S | re.I,
)


def strip_inline(data: bytes) -> bytes:
    """Empty large inline <style>/<script> bodies (the corpus keeps no CSS or JS files either)."""

    def repl(m: re.Match[bytes]) -> bytes:
        open_tag, body, close = (m.group(1, 2, 3)) if m.group(1) else m.group(4, 5, 6)
        return open_tag + (b"" if len(body) > 2048 else body) + close

    return _INLINE.sub(repl, data)


def pack(public: Path, dest: Path, strip: bool = False) -> int:
    """Tar the HTML pages and feed/sitemap XML (deterministic order and mtimes)."""
    files = sorted(
        p
        for p in public.rglob("*")
        if p.is_file() and (p.suffix == ".html" or (p.suffix == ".xml" and p.name != "search.xml"))
    )
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=9) as tar:
        for p in files:
            data = p.read_bytes()
            if strip and p.suffix == ".html":
                data = strip_inline(data)
            info = tarfile.TarInfo(str(p.relative_to(public)))
            info.size = len(data)
            info.mtime = 1717200000
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    dest.write_bytes(buf.getvalue())
    return len(files)


def build(theme: Theme, work: Path, out_root: Path, reinstall: bool) -> dict[str, Any]:
    site = work / f"hexo-{theme.name}"
    if reinstall and site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    if (site / "node_modules" / theme.package).is_dir() and (site / "installed.json").is_file():
        packages = json.loads((site / "installed.json").read_text())
        write_package_json(site, packages)
    else:
        packages = install(theme, site)
        (site / "installed.json").write_text(json.dumps(packages, indent=2))
    write_site(theme, site)
    public = site / "public"
    if public.exists():
        shutil.rmtree(public)
    gen = sh(["node_modules/.bin/hexo", "generate", "--silent"], site, 900)
    if gen.returncode != 0 or not public.is_dir():
        tail = (gen.stderr or gen.stdout).strip()[-2000:]
        raise RuntimeError(f"hexo generate failed: {tail}")
    find_paths(public)
    problems = sanity(public)
    if problems:
        raise RuntimeError("sanity: " + "; ".join(problems[:8]))
    shown, notes = shows(public)
    out_dir = out_root / f"hexo-{theme.name}"
    out_dir.mkdir(parents=True, exist_ok=True)
    n_files = pack(public, out_dir / "site.tar.gz")
    stripped = (out_dir / "site.tar.gz").stat().st_size > MAX_TAR
    if stripped:
        n_files = pack(public, out_dir / "site.tar.gz", strip=True)
    record = {
        "generator": "hexo",
        "generator_version": packages["hexo"],
        "theme": theme.name,
        "theme_package": theme.package,
        "theme_version": packages[theme.package],
        "packages": dict(sorted(packages.items())),
        "base_url": BASE_URL,
        "start_path": "/",
        "per_page": PER_PAGE,
        "language": theme.language,
        "inline_css_js_stripped": stripped,
        "shows": shown,
        "posts": [{"path": article_path(p), **truth(p)} for p in POSTS],
    }
    (out_dir / "truth.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    size = (out_dir / "site.tar.gz").stat().st_size
    return {
        "theme": theme.name,
        "files": n_files,
        "tar_kb": round(size / 1024),
        "shows": shown,
        "notes": notes[:6],
        "seconds": round(time.monotonic() - t0),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--themes", default=",".join(THEMES), help="comma-separated theme names")
    ap.add_argument("--work", type=Path, default=Path("/tmp/themes-build"))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--reinstall", action="store_true", help="wipe node_modules first")
    args = ap.parse_args()
    failures = 0
    for name in args.themes.split(","):
        theme = THEMES[name.strip()]
        try:
            result = build(theme, args.work, args.out, args.reinstall)
            print(json.dumps(result, ensure_ascii=False), flush=True)
        except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
            failures += 1
            print(json.dumps({"theme": theme.name, "error": str(exc)[-2500:]}), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
