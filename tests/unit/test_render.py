"""Rendering's decisions without a browser: the mode, what is missing, what the browser may fetch."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.arguments import ArgumentError
from crawler.render import (
    RenderMode,
    looks_like_feed,
    missing_renderer,
    refuse_in_browser,
    render_mode,
)
from pipelines.pages.sites import SiteConfigError, build_site


def test_render_mode() -> None:
    assert render_mode(Settings({"LISTINGS_RENDER": "Always"})) is RenderMode.ALWAYS
    with pytest.raises(ArgumentError, match="auto, always or never"):
        render_mode(Settings({"LISTINGS_RENDER": "yes"}))


def test_missing_chromium_says_what_to_install(tmp_path: Path) -> None:
    reason = missing_renderer(Settings({"LISTINGS_CHROMIUM": str(tmp_path / "none")}))
    assert reason and "apt-get install chromium" in reason


@pytest.mark.parametrize(
    ("url", "feed"),
    [
        ("https://a.example/sitemap.xml.gz", True),
        ("https://a.example/feed/", True),
        ("https://a.example/blog/", False),
        ("https://a.example/?page=2", False),
    ],
)
def test_feeds_are_never_rendered(url: str, feed: bool) -> None:
    assert looks_like_feed(url) is feed


@dataclass
class BrowserRequest:
    url: str
    resource_type: str = "fetch"


@pytest.mark.parametrize(
    ("url", "kind", "refused"),
    [
        ("http://10.0.0.7/api", "fetch", True),
        ("http://localhost:8080/", "xhr", True),
        ("file:///etc/passwd", "document", True),
        ("https://93.184.215.14/app.js", "script", False),
        ("https://93.184.215.14/logo.png", "image", True),
        ("data:text/plain,hi", "fetch", False),
    ],
)
def test_the_browser_reaches_no_further_than_the_crawl(url: str, kind: str, refused: bool) -> None:
    assert asyncio.run(refuse_in_browser(BrowserRequest(url, kind))) is refused


def test_sites_render_key() -> None:
    assert build_site("app", {"render": True}).render is True
    assert build_site("blog", {}).render is False
    with pytest.raises(SiteConfigError, match="true or false"):
        build_site("app", {"render": "yes"})
