"""Checking what a user asked for, before any work: one clear sentence when it is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from crawler.runtime import dataset_of
from pipelines.pages.sites import SiteConfig, SiteConfigError, load_sites
from pipelines.store import LocalDataset
from pipelines.store.base import StorageError
from pipelines.text.urls import BadURL, canonical_url

DEMO_START_URL = "http://demo.listings.invalid/"


class ArgumentError(ValueError):
    """A bad argument or setting; the message is meant for the user as it is."""


@dataclass(frozen=True)
class CrawlPlan:
    """The start URLs of a crawl and the site override that applies, if any."""

    start_urls: tuple[str, ...]
    site: SiteConfig | None


def parse_start_urls(value: str | list[str] | None) -> tuple[str, ...]:
    """The canonical start URLs of ``value`` (a list or comma-separated), or ArgumentError."""
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


def plan_crawl(spider_args: dict[str, Any], settings: BaseSettings, sites_path: Path) -> CrawlPlan:
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
    workers = str(settings.get("LISTINGS_EXTRACT_WORKERS")).strip()
    if workers != "auto" and not (workers.isascii() and workers.isdigit()):
        raise ArgumentError(
            f"setting LISTINGS_EXTRACT_WORKERS must be 'auto' or a whole number, got {workers!r}"
        )
    extractor = settings.get("LISTINGS_EXTRACTOR")
    try:
        load_object(extractor)
    except (ImportError, ValueError, AttributeError, NameError) as exc:
        raise ArgumentError(
            f"setting LISTINGS_EXTRACTOR={extractor!r} cannot be loaded: {exc}"
        ) from None
    check_typed_settings(settings)
    archive = switch(settings, "LISTINGS_WARC")
    switch(settings, "LISTINGS_DISCOVER")
    from crawler.render import render_mode  # crawler.render reads ArgumentError from here

    render_mode(settings)
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
        dataset = dataset_of(settings)
        if archive and not isinstance(dataset, LocalDataset):
            raise ArgumentError(f"LISTINGS_WARC=on needs a local DATA_DIR, not {dataset}")
        dataset.check_writable()
    except StorageError as exc:
        raise ArgumentError(str(exc)) from None
    return CrawlPlan(urls, site)


# Scrapy's own settings that a user commonly sets and that the project does not redeclare
# (Scrapy's default of DOWNLOAD_DELAY is the int 0, though it takes seconds).
_SCRAPY_TYPED: dict[str, type] = {"DOWNLOAD_DELAY": float, "URLLENGTH_LIMIT": int}
# Zero would stop the crawl from doing anything at all.
_POSITIVE = ("PARQUET_", "CONCURRENT_REQUESTS")


def typed_settings() -> dict[str, type]:
    """Every number or switch the project declares (and a few of Scrapy's), by its type.

    The types come from the declared defaults in ``crawler/settings.py``: nothing here
    lists them a second time.
    """
    import crawler.settings as declared

    found = dict(_SCRAPY_TYPED)
    for name in dir(declared):
        value = getattr(declared, name)
        if name.isupper() and isinstance(value, bool | int | float):
            found[name] = bool if isinstance(value, bool) else type(value)
    return found


def check_typed_settings(settings: BaseSettings) -> None:
    """One sentence for a number or switch setting given a value of the wrong kind."""
    for name, kind in typed_settings().items():
        raw = settings.get(name)
        try:
            if kind is bool:
                settings.getbool(name)
                continue
            value = settings.getint(name) if kind is int else settings.getfloat(name)
        except (TypeError, ValueError):
            what = {bool: "True or False", int: "a whole number", float: "a number"}[kind]
            raise ArgumentError(f"setting {name} must be {what}, got {raw!r}") from None
        if kind is int and (value < 0 or (value == 0 and name.startswith(_POSITIVE))):
            raise ArgumentError(f"setting {name} must be positive, got {value}")
        if value != value or value < 0:
            raise ArgumentError(f"setting {name} must be 0 or more, got {raw!r}")


_SWITCHES = {"on": True, "auto": True, "true": True, "1": True, "yes": True}
_SWITCHES |= {"off": False, "false": False, "0": False, "no": False, "": False}


def switch(settings: BaseSettings, name: str) -> bool:
    """An on/off setting (``on``/``off``, ``true``/``false``, ``1``/``0``); ArgumentError else."""
    value = settings.get(name)
    key = str(value).strip().lower() if not isinstance(value, bool) else str(value).lower()
    if key not in _SWITCHES:
        raise ArgumentError(f"setting {name} must be on (or auto) or off, got {value!r}")
    return _SWITCHES[key]
