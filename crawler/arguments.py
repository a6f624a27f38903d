"""Checking what a user asked for, before any work: one clear sentence when it is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.utils.misc import load_object

from crawler.state import dataset_of
from pipelines.sites import SiteConfig, SiteConfigError, load_sites
from pipelines.storage import StorageError
from pipelines.urls import BadURL, canonical_url

DEMO_START_URL = "http://demo.listings.invalid/"


class ArgumentError(ValueError):
    """A bad argument or setting; the message is meant for the user as it is."""


@dataclass(frozen=True)
class CrawlPlan:
    start_urls: tuple[str, ...]
    site: SiteConfig | None


def parse_start_urls(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    raw = value if isinstance(value, list) else value.split(",")
    urls = []
    for item in raw:
        item = item.strip()
        if not item:
            continue
        try:
            urls.append(canonical_url(item))
        except BadURL:
            raise ArgumentError(
                f"start_urls: {item!r} is not an http(s) URL (expected e.g. https://blog.example.com/)"
            ) from None
    if not urls:
        raise ArgumentError("start_urls is empty: give one or more http(s) URLs, comma-separated")
    return tuple(dict.fromkeys(urls))


def plan_crawl(spider_args: dict[str, Any], settings: Any, sites_path: Path) -> CrawlPlan:
    """The start URLs and site override of a crawl, or ArgumentError."""
    # scrapyd adds _job (its job id) to every spider it runs.
    unknown = set(spider_args) - {"start_urls", "site", "_job"}
    if unknown:
        raise ArgumentError(
            f"unknown spider argument(s): {', '.join(sorted(unknown))} (known: start_urls, site)"
        )
    try:
        sites = load_sites(sites_path)
    except SiteConfigError as exc:
        raise ArgumentError(f"per-site config is broken: {exc}") from None
    site = None
    if spider_args.get("site"):
        name = spider_args["site"]
        if name not in sites:
            known = ", ".join(sorted(sites)) or "none"
            raise ArgumentError(f"site {name!r} is not in {sites_path} (configured: {known})")
        site = sites[name]
        if not site.start_urls and "start_urls" not in spider_args:
            raise ArgumentError(f"site {name!r} has no start_urls in {sites_path}")
    urls = parse_start_urls(spider_args.get("start_urls"))
    if not urls:
        urls = parse_start_urls(list(site.start_urls)) if site else (DEMO_START_URL,)
    workers = str(settings.get("LISTINGS_EXTRACT_WORKERS", "auto")).strip()
    if workers != "auto" and not (workers.isascii() and workers.isdigit()):
        raise ArgumentError(
            f"setting LISTINGS_EXTRACT_WORKERS must be 'auto' or a whole number, got {workers!r}"
        )
    extractor = settings.get("LISTINGS_EXTRACTOR") or "pipelines.process.process_page"
    try:
        load_object(extractor)
    except (ImportError, ValueError, AttributeError, NameError) as exc:
        raise ArgumentError(
            f"setting LISTINGS_EXTRACTOR={extractor!r} cannot be loaded: {exc}"
        ) from None
    for name in (
        "LISTINGS_MAX_PAGES",
        "LISTINGS_MIN_TEXT_CHARS",
        "PARQUET_ROW_GROUP_ROWS",
        "PARQUET_ROLL_ROWS",
        "LISTINGS_MAX_REQUESTS_PER_HOST",
        "DEPTH_LIMIT",
        "RETRY_TIMES",
        "REDIRECT_MAX_TIMES",
        "DOWNLOAD_MAXSIZE",
        "DOWNLOAD_WARNSIZE",
        "URLLENGTH_LIMIT",
        "CONCURRENT_REQUESTS",
        "CONCURRENT_REQUESTS_PER_DOMAIN",
    ):
        try:
            value = settings.getint(name)
        except (TypeError, ValueError):
            raise ArgumentError(
                f"setting {name} must be a whole number, got {settings.get(name)!r}"
            ) from None
        if value < 0 or (value == 0 and name.startswith(("PARQUET", "CONCURRENT"))):
            raise ArgumentError(f"setting {name} must be positive, got {value}")
    for name in (
        "LISTINGS_EXTRACT_TIMEOUT",
        "LISTINGS_MAX_ERROR_SHARE",
        "LISTINGS_RETRY_BACKOFF",
        "LISTINGS_RETRY_BACKOFF_MAX",
        "LISTINGS_MAX_RETRY_AFTER",
        "DOWNLOAD_TIMEOUT",
        "DOWNLOAD_DELAY",
    ):
        try:
            number = settings.getfloat(name)
        except (TypeError, ValueError):
            raise ArgumentError(
                f"setting {name} must be a number, got {settings.get(name)!r}"
            ) from None
        if number < 0 or number != number:
            raise ArgumentError(f"setting {name} must be 0 or more, got {settings.get(name)!r}")
    for name in ("LISTINGS_STOP_ON_KNOWN_PAGE", "ROBOTSTXT_OBEY", "RETRY_ENABLED"):
        try:
            settings.getbool(name)
        except (TypeError, ValueError):
            raise ArgumentError(
                f"setting {name} must be True or False, got {settings.get(name)!r}"
            ) from None
    # The crawl id names the crawl's files: it must stay one plain file-name part.
    crawl_id = settings.get("LISTINGS_CRAWL_ID")
    if crawl_id and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", str(crawl_id)):
        raise ArgumentError(
            f"setting LISTINGS_CRAWL_ID must be letters, digits, '.', '_' or '-', got {crawl_id!r}"
        )
    if settings.get("LISTINGS_SITES_FILE") and not sites_path.is_file():
        raise ArgumentError(f"LISTINGS_SITES_FILE {str(sites_path)!r} does not exist")
    # Last, so that a wrong argument leaves nothing behind, not even an empty DATA_DIR.
    try:
        dataset_of(settings).check_writable()
    except StorageError as exc:
        raise ArgumentError(str(exc)) from None
    return CrawlPlan(urls, site)
