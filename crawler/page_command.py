"""The base of ``scrapy cards`` and ``scrapy article``: reading SOURCE, choosing overrides.

It lives outside ``crawler.commands`` because Scrapy registers every command class there.
"""

from __future__ import annotations

import argparse
from functools import partial
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from crawler.page_source import SourceError, fail, fetch_http, page_address, read_source
from crawler.runtime import sites_file
from pipelines.pages.html import parse_page
from pipelines.pages.sites import SiteConfigError, load_sites, site_for_host
from pipelines.text.clean import DEFAULT_BOILERPLATE
from pipelines.text.urls import site_of


class PageCommand(ScrapyCommand):
    """Shared by ``cards`` and ``article``: reads SOURCE, picks the site's overrides."""

    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "SOURCE [--url URL]"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the page's original address (for saved files)")

    def load(self, args: list[str], opts: argparse.Namespace) -> tuple[Any, str, Any, Any] | None:
        if len(args) != 1:
            fail("give exactly one SOURCE: an http(s) URL, a file:// URL or a saved HTML file")
            self.exitcode = 2
            return None
        assert self.settings is not None
        try:
            limit = self.settings.getint("DOWNLOAD_MAXSIZE")
            fetch = partial(fetch_http, user_agent=self.settings.get("USER_AGENT"), max_bytes=limit)
            page = read_source(args[0], opts.url, fetch, max_bytes=limit)
            sites = load_sites(sites_file(self.settings))
        except (SourceError, SiteConfigError) as exc:
            fail(str(exc))
            self.exitcode = 1
            return None
        tree = parse_page(page)
        address = page_address(page, tree)
        site = site_for_host(sites, site_of(address))
        return page, address, tree, site

    def boilerplate(self) -> tuple[str, ...]:
        assert self.settings is not None
        return DEFAULT_BOILERPLATE + tuple(self.settings.getlist("LISTINGS_BOILERPLATE"))
