"""Checking what a user asked for, before any work: one clear sentence when it is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.sites import SiteConfig, SiteConfigError, load_sites
from pipelines.storage import StorageError, check_writable
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
    data_dir = Path(settings.get("DATA_DIR", "data"))
    try:
        check_writable(data_dir)
    except StorageError as exc:
        raise ArgumentError(str(exc)) from None
    for name in (
        "LISTINGS_EXTRACT_WORKERS",
        "LISTINGS_MAX_PAGES",
        "LISTINGS_MIN_TEXT_CHARS",
        "PARQUET_ROW_GROUP_ROWS",
        "PARQUET_ROLL_ROWS",
    ):
        try:
            value = settings.getint(name)
        except (TypeError, ValueError):
            raise ArgumentError(
                f"setting {name} must be a whole number, got {settings.get(name)!r}"
            ) from None
        if value < 0 or (value == 0 and name.startswith("PARQUET")):
            raise ArgumentError(f"setting {name} must be positive, got {value}")
    for name in ("LISTINGS_EXTRACT_TIMEOUT", "LISTINGS_MAX_ERROR_SHARE"):
        try:
            settings.getfloat(name)
        except (TypeError, ValueError):
            raise ArgumentError(
                f"setting {name} must be a number, got {settings.get(name)!r}"
            ) from None
    return CrawlPlan(urls, site)
