"""Article pages built by a script: their HTML has no main text, so ``LISTINGS_RENDER=auto``
asks for each once more through Chromium, and the rendered page decides; ``never`` leaves
them as extraction errors."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.browser import needs_chromium
from tests.helpers.crawl import crawl, table
from tests.helpers.sitegen import build_site, posts

N = 4

ARTICLE_JS = """
(async function () {
  const slug = location.pathname.split("/").filter(Boolean).pop();
  const data = await (await fetch("/api/" + slug + ".json")).json();
  const main = document.createElement("main");
  const article = document.createElement("article");
  const title = document.createElement("h1");
  title.textContent = data.title;
  article.appendChild(title);
  for (const text of data.paragraphs) {
    const p = document.createElement("p");
    p.textContent = text;
    article.appendChild(p);
  }
  main.appendChild(article);
  document.getElementById("root").appendChild(main);
})();
"""

PARAGRAPH = (
    "A page that builds its article in the browser shows nothing to a crawler that does not "
    "run its scripts: the text arrives from a JSON endpoint once the page has loaded. "
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A server-rendered listing whose article pages are app shells filled by a script."""
    root = tmp_path_factory.mktemp("render-articles") / "site"
    items = posts(N)
    build_site(root, items, per_page=10)
    (root / "api").mkdir()
    (root / "article.js").write_text(ARTICLE_JS, encoding="utf-8")
    for p in items:
        (root / p.path.lstrip("/") / "index.html").write_text(
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(p.title)}</title></head>"
            "<body><div id='root'></div><script src='/article.js'></script></body></html>",
            encoding="utf-8",
        )
        data = {"title": p.title, "paragraphs": [f"{p.slug}: {PARAGRAPH}" * 2] * 3}
        (root / "api" / f"{p.slug}.json").write_text(json.dumps(data), encoding="utf-8")
    return root


def test_never_leaves_script_built_articles_as_errors(
    serve: Any, site: Path, tmp_path: Path
) -> None:
    base, log = serve(site)
    crawl("-a", f"start_urls={base}", "-s", "LISTINGS_RENDER=never", data_dir=tmp_path / "d")
    errors = table(tmp_path / "d", "errors").to_pylist()
    assert len(errors) == N
    assert all("main text too short" in e["error"] for e in errors)
    assert not [p for p in log if p.startswith("/api/")]


@needs_chromium
def test_auto_renders_articles_with_no_main_text(serve: Any, site: Path, tmp_path: Path) -> None:
    base, log = serve(site)
    result = crawl("-a", f"start_urls={base}", data_dir=tmp_path / "d", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "No main text in" in result.stderr
    rows = table(tmp_path / "d", "articles").to_pylist()
    assert {r["url"] for r in rows} == {f"{base.rstrip('/')}{p.path}" for p in posts(N)}
    assert all(r["text"].startswith(r["url"].rsplit("/", 2)[-2]) for r in rows)
    # Each article page once as HTML, once in the browser; each endpoint once.
    for p in posts(N):
        assert log.count(p.path) == 2
        assert log.count(f"/api/{p.slug}.json") == 1
