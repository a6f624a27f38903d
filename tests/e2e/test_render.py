"""A listing built in the browser: a single-page app whose script reads its posts from a JSON
endpoint and wires its own "next" link. ``LISTINGS_RENDER=never`` fails the run naming the
cause; ``auto`` finds every post through Chromium."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.browser import needs_chromium
from tests.helpers.crawl import crawl, table
from tests.helpers.sitegen import Post, build_site, posts

N = 25
PER_PAGE = 10

APP_JS = """
(async function () {
  const page = Number(new URLSearchParams(location.search).get("page") || "1");
  const data = await (await fetch("/api/page-" + page + ".json")).json();
  const root = document.getElementById("root");
  const list = document.createElement("main");
  for (const post of data.posts) {
    const card = document.createElement("article");
    card.className = "post";
    card.innerHTML = '<h2 class="post-title"><a></a></h2>' +
      '<div class="post-meta"><time></time></div><p class="post-excerpt"></p>';
    card.querySelector("a").href = post.url;
    card.querySelector("a").textContent = post.title;
    card.querySelector("time").setAttribute("datetime", post.date);
    card.querySelector("time").textContent = post.date;
    card.querySelector("p").textContent = post.excerpt;
    list.appendChild(card);
  }
  root.appendChild(list);
  if (data.next) {
    const next = document.createElement("a");
    next.className = "next";
    next.rel = "next";
    next.textContent = "Older posts";
    next.href = "?page=" + data.next;
    root.appendChild(next);
  }
})();
"""


def write_app(root: Path, items: list[Post]) -> None:
    """/spa/ : an app root, a script, no cards in the HTML, no feed; /api/page-N.json."""
    (root / "spa").mkdir(parents=True, exist_ok=True)
    (root / "api").mkdir(parents=True, exist_ok=True)
    (root / "spa" / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>应用博客</title></head>"
        "<body><div id='root'></div><noscript>This site needs JavaScript.</noscript>"
        "<script src='/spa/app.js'></script></body></html>",
        encoding="utf-8",
    )
    (root / "spa" / "app.js").write_text(APP_JS, encoding="utf-8")
    pages = [items[i : i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]
    for n, chunk in enumerate(pages, start=1):
        data = {
            "posts": [
                {
                    "url": p.path,
                    "title": p.title,
                    "date": p.date,
                    "excerpt": html.escape(f"{p.title}的摘要，关于抓取与数据管道。"),
                }
                for p in chunk
            ],
            "next": n + 1 if n < len(pages) else None,
        }
        (root / "api" / f"page-{n}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("render") / "site"
    items = posts(N)
    build_site(root, items, per_page=PER_PAGE)
    write_app(root, items)
    return root


def test_never_fails_naming_the_cause(serve: Any, site: Path, tmp_path: Path) -> None:
    base, log = serve(site)
    result = crawl(
        "-a", f"start_urls={base}spa/", "-s", "LISTINGS_RENDER=never", data_dir=tmp_path / "d"
    )
    assert result.returncode == 1, result.stderr[-2000:]
    verdict = result.stderr.strip().splitlines()[-1]
    assert verdict.startswith("This run failed:"), verdict
    assert "JavaScript app" in verdict and "/spa/" in verdict
    assert not [p for p in log if p.startswith("/api/")]


def test_without_chromium_one_sentence_says_what_to_install(
    serve: Any, site: Path, tmp_path: Path
) -> None:
    base, _ = serve(site)
    result = crawl(
        "-a",
        f"start_urls={base}spa/",
        "-s",
        f"LISTINGS_CHROMIUM={tmp_path}/no-chromium",
        data_dir=tmp_path / "d",
    )
    assert result.returncode == 1, result.stderr[-2000:]
    verdict = result.stderr.strip().splitlines()[-1]
    assert verdict.startswith("This run failed:"), verdict
    assert "apt-get install chromium" in verdict
    assert "Traceback" not in result.stderr


@needs_chromium
def test_auto_renders_the_app_and_finds_every_post(serve: Any, site: Path, tmp_path: Path) -> None:
    base, log = serve(site)
    result = crawl("-a", f"start_urls={base}spa/", data_dir=tmp_path / "d", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "looks like a JavaScript app: rendering it in Chromium" in result.stderr
    urls = {r["url"] for r in table(tmp_path / "d", "articles").to_pylist()}
    assert urls == {f"{base.rstrip('/')}/posts/post-{i:04d}/" for i in range(1, N + 1)}
    hits = table(tmp_path / "d", "listing_hits").to_pylist()
    assert {h["page"] for h in hits} == {1, 2, 3}
    assert all(h["published"] is not None for h in hits)
    # The browser fetched the JSON pages; images and fonts were never asked for.
    assert {p for p in log if p.startswith("/api/")} == {f"/api/page-{n}.json" for n in (1, 2, 3)}
    timing = re.search(r"Rendered (\d+) pages in Chromium, ([\d.]+) s a page", result.stderr)
    assert timing and int(timing.group(1)) == 3, result.stderr[-3000:]
    print(f"rendered {timing.group(1)} pages, {timing.group(2)} s a page")


@needs_chromium
def test_a_site_marked_render_is_rendered_from_its_first_page(
    serve: Any, site: Path, tmp_path: Path
) -> None:
    base, _ = serve(site)
    sites = tmp_path / "sites.toml"
    sites.write_text('[sites.app]\nhosts = ["127.0.0.1"]\nrender = true\n', encoding="utf-8")
    result = crawl(
        "-a",
        f"start_urls={base}spa/",
        "-s",
        f"LISTINGS_SITES_FILE={sites}",
        data_dir=tmp_path / "d",
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "looks like a JavaScript app" not in result.stderr
    assert table(tmp_path / "d", "articles").num_rows == N
