"""``scrapy report``: one offline HTML file, opened in a real headless Chromium, every plot
drawn (each figure screenshotted alone and checked for ink), no console error."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_verdicts import js_site
from tests.helpers.crawl import crawl
from tests.helpers.paths import ROOT
from tests.helpers.sitegen import build_site, posts

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PLOTS = 8


def report(data: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scrapy", "report", "-s", f"DATA_DIR={data}", "-o", str(out)]
    return subprocess.run([*cmd, *args], cwd=ROOT, capture_output=True, text=True, timeout=180)


def chromium(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--enable-logging=stderr", "--v=0", *args, url,
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def ink(png: Path) -> float:
    """Share of the screenshot's pixels that are not (nearly) white."""
    from PIL import Image

    counts = Image.open(png).convert("L").histogram()
    return sum(counts[:235]) / sum(counts)


@pytest.fixture(scope="module")
def multi_site(tmp_path_factory: Any) -> Path:
    """Two crawls of two sites, one failing (a JavaScript listing), with some 404 articles."""
    import functools
    import http.server
    import threading

    tmp = tmp_path_factory.mktemp("report")
    good, js, data = tmp / "good", tmp / "js", tmp / "data"
    build_site(good, posts(14), per_page=5)
    for slug in ("post-0003", "post-0007"):
        shutil.rmtree(good / "posts" / slug)  # two cards lead to a 404: errors/ rows
    js_site(js)
    servers = []
    bases = []
    for folder in (good, js):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        bases.append(f"http://127.0.0.1:{server.server_address[1]}/")
    js_base = bases[1].replace("127.0.0.1", "localhost")
    try:
        first = crawl("-a", f"start_urls={bases[0]}", data_dir=data)
        assert first.returncode == 0, first.stderr[-2000:]
        build_site(good, posts(20), per_page=5)
        second = crawl("-a", f"start_urls={bases[0]},{js_base}", data_dir=data)
        assert second.returncode == 1, second.stderr[-2000:]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    return data


def test_report_is_self_contained(multi_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = report(multi_site, out)
    assert result.returncode == 0, result.stderr
    assert "written to" in result.stderr
    page = out.read_text("utf-8")
    assert page.count("<svg") == PLOTS and page.count('class="plot"') == PLOTS
    # Nothing fetched at view time: no script, no external resource.
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "site localhost" in page and "JavaScript app" in page  # the failure, in words
    assert "127.0.0.1" in page and "localhost" in page


def test_report_of_one_crawl_and_errors(multi_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "last.html"
    assert report(multi_site, out, "--crawl", "last").returncode == 0
    assert "crawl 20" in out.read_text("utf-8")
    missing = report(multi_site, tmp_path / "x.html", "--crawl", "nope")
    assert missing.returncode == 2 and "no crawl 'nope'" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_every_plot_is_drawn_in_chromium(multi_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert report(multi_site, out).returncode == 0
    page = out.read_text("utf-8")
    # The browser parses the page into one svg element per plot, and logs no console error.
    dom = chromium(out.as_uri(), "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == PLOTS
    assert "CONSOLE" not in dom.stderr and "Uncaught" not in dom.stderr
    full = tmp_path / "report.png"
    shot = chromium(out.as_uri(), f"--screenshot={full}", "--window-size=1200,4200")
    assert shot.returncode == 0 and full.exists(), shot.stderr[-2000:]
    assert ink(full) > 0.03
    # Each figure alone, with the report's own styles: every one has ink on it.
    head = page[: page.index("<body>")]
    for figure in re.findall(r'<figure class="plot".*?</figure>', page, re.S):
        name = re.search(r'id="plot-([^"]+)"', figure).group(1)  # type: ignore[union-attr]
        one = tmp_path / f"{name}.html"
        one.write_text(f"{head}<body>{figure}</body></html>", "utf-8")
        png = tmp_path / f"{name}.png"
        shot = chromium(one.as_uri(), f"--screenshot={png}", "--window-size=1000,700")
        assert shot.returncode == 0 and png.exists(), shot.stderr[-2000:]
        assert ink(png) > 0.01, f"plot {name} looks blank"
