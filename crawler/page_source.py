"""Reading one page for ``scrapy cards`` / ``scrapy article``: URL, file:// or a saved file."""

from __future__ import annotations

import gzip
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipelines.model import FetchedPage
from pipelines.text.urls import BadURL, canonical_url


class SourceError(Exception):
    """The page cannot be read; the message says why, in one sentence."""


def _read_file(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise SourceError(f"{path} is not a valid gzip file: {exc}") from None
    return data


def read_source(source: str, url: str | None, fetch: object | None = None) -> FetchedPage:
    """The page behind SOURCE, with ``url`` as its address when given."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        if fetch is None:
            raise SourceError("no fetcher for http(s) sources")
        return fetch(source, url)  # type: ignore[operator]
    path = Path(unquote(urlsplit(source).path)) if scheme == "file" else Path(source)
    body = _read_file(path)
    address = url or f"file://{path.resolve()}"
    if url:
        try:
            address = canonical_url(url)
        except BadURL:
            raise SourceError(f"--url {url!r} is not an http(s) URL") from None
    return FetchedPage(address, body, None, 200, datetime.now(UTC))


def fail(message: str) -> None:
    print(f"Error: {message}", file=sys.stderr)


def fetch_http(
    source: str,
    url: str | None,
    user_agent: str,
    timeout: float = 30.0,
    max_bytes: int = 16 * 1024 * 1024,
) -> FetchedPage:
    """GET one page (following redirects) with the crawl's User-Agent."""
    import urllib.error
    import urllib.request

    try:
        address = canonical_url(source)
    except BadURL:
        raise SourceError(f"{source!r} is not an http(s) URL") from None
    request = urllib.request.Request(address, headers={"User-Agent": user_agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise SourceError(f"{address} is larger than {max_bytes} bytes")
            final = response.geturl()
            ctype = response.headers.get("Content-Type")
            status = response.status
    except urllib.error.HTTPError as exc:
        raise SourceError(f"{address} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(f"cannot fetch {address}: {reason}") from None
    address = canonical_url(url) if url else canonical_url(final)
    return FetchedPage(address, body, ctype, status, datetime.now(UTC))


def page_address(page: FetchedPage, html_tree: object) -> str:
    """The page's http(s) address: its own, else its canonical/og:url, else a stand-in."""
    if page.url.startswith(("http://", "https://")):
        return page.url
    for href in html_tree.xpath(  # type: ignore[attr-defined]
        "//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
    ):
        try:
            return canonical_url(href)
        except BadURL:
            continue
    name = Path(urlsplit(page.url).path).name
    print(
        f"Note: no --url given; links are resolved against http://localhost/{name}",
        file=sys.stderr,
    )
    return f"http://localhost/{name}"
