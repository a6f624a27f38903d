"""Per-site overrides: selectors and strings for the site that generic detection gets wrong.

The file is TOML, one table per site::

    [sites.myblog]
    hosts = ["blog.example.com"]
    start_urls = ["https://blog.example.com/"]
    card = "div.entry"                 # CSS, or XPath when it starts with "/" or "("
    next_page = "a.older-posts"
    boilerplate = ["Subscribe to our newsletter"]
    skip_paths = ["^/events/"]         # regular expressions on the URL path
    timezone = "+08:00"                # for dates written without a zone
    render = true                      # listing pages built by a script: render them

Whatever a site does not set falls back to the generic detection.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from datetime import timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError

from pipelines.text.dates import UNSTATED

SELECTOR_KEYS = ("card", "link", "title", "excerpt", "date", "category", "next_page", "body")
_LIST_KEYS = ("hosts", "start_urls", "boilerplate", "skip_paths")
_BOOL_KEYS = ("render",)


class SiteConfigError(ValueError):
    """The per-site config file is broken; the message says where."""


@dataclass(frozen=True)
class SiteConfig:
    name: str = ""
    hosts: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    card: str | None = None
    link: str | None = None
    title: str | None = None
    excerpt: str | None = None
    date: str | None = None
    category: str | None = None
    next_page: str | None = None
    body: str | None = None
    boilerplate: tuple[str, ...] = ()
    skip_paths: tuple[str, ...] = ()
    timezone: str | None = None
    # Listing pages are rendered in a browser (the crawl's LISTINGS_RENDER decides otherwise).
    render: bool = False
    _skip: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    @property
    def tz(self) -> tzinfo:
        return parse_timezone(self.timezone) if self.timezone else UNSTATED

    def skips(self, path: str) -> bool:
        return any(p.search(path) for p in self._skip)


GENERIC = SiteConfig()


def parse_timezone(value: str) -> tzinfo:
    m = re.fullmatch(r"(?:UTC)?([+-])(\d{1,2}):?(\d{2})?", value.strip())
    if m:
        sign = -1 if m.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0)))
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SiteConfigError(f"unknown timezone {value!r}") from exc


def select(root: etree._Element, selector: str) -> list[Any]:
    """Elements (or strings) matching a CSS selector or, if it starts with / or (, an XPath."""
    if selector.lstrip().startswith(("/", "(", "./")):
        result = root.xpath(selector)
        return result if isinstance(result, list) else [result]
    return CSSSelector(selector)(root)


def _check_selector(site: str, key: str, selector: str) -> None:
    try:
        if selector.lstrip().startswith(("/", "(", "./")):
            etree.XPath(selector)
        else:
            CSSSelector(selector)
    except (SelectorError, etree.XPathSyntaxError, ValueError) as exc:
        raise SiteConfigError(
            f"site {site!r}: {key} = {selector!r} is not a valid selector"
        ) from exc


def build_site(name: str, raw: dict[str, Any]) -> SiteConfig:
    known = {f.name for f in fields(SiteConfig) if not f.name.startswith("_")}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SiteConfigError(f"site {name!r}: unknown key(s) {', '.join(unknown)}")
    values: dict[str, Any] = {"name": name}
    for key, value in raw.items():
        if key in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SiteConfigError(f"site {name!r}: {key} must be a list of strings")
            values[key] = tuple(value)
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise SiteConfigError(f"site {name!r}: {key} must be true or false")
            values[key] = value
        elif not isinstance(value, str):
            raise SiteConfigError(f"site {name!r}: {key} must be a string")
        else:
            values[key] = value
    for key in SELECTOR_KEYS:
        if values.get(key):
            _check_selector(name, key, values[key])
    try:
        skip = tuple(re.compile(p) for p in values.get("skip_paths", ()))
    except re.error as exc:
        raise SiteConfigError(f"site {name!r}: bad skip_paths pattern: {exc}") from exc
    if values.get("timezone"):
        parse_timezone(values["timezone"])
    values["hosts"] = tuple(h.lower() for h in values.get("hosts", ()))
    return SiteConfig(**values, _skip=skip)


def load_sites(path: Path) -> dict[str, SiteConfig]:
    """All sites of a config file by name; a missing file is an empty config."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SiteConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:  # a directory, no permission: the same one clear message
        raise SiteConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    sites = data.get("sites", {})
    if not isinstance(sites, dict) or set(data) - {"sites"}:
        raise SiteConfigError(f"{path}: expected only [sites.NAME] tables")
    result = {}
    for name, raw in sites.items():
        if not isinstance(raw, dict):
            raise SiteConfigError(f"{path}: [sites.{name}] must be a table")
        result[name] = build_site(name, raw)
    return result


def site_for_host(sites: dict[str, SiteConfig], host: str) -> SiteConfig:
    host = host.lower()
    for site in sites.values():
        if host in site.hosts or (host.startswith("www.") and host[4:] in site.hosts):
            return site
    return GENERIC
