"""Reading one page for ``scrapy cards`` / ``scrapy article``: URL, file:// or a saved file."""

from __future__ import annotations

import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from crawler.settings import DOWNLOAD_MAXSIZE
from pipelines.model import FetchedPage
from pipelines.text.urls import BadURL, canonical_url


class SourceError(Exception):
    """The page cannot be read; the message says why, in one sentence."""


_CHUNK = 1024 * 1024


def _read_file(path: Path, max_bytes: int = DOWNLOAD_MAXSIZE) -> bytes:
    """The file's bytes, gunzipped when compressed; refused past ``max_bytes`` either way
    (the crawl's ``DOWNLOAD_MAXSIZE``), read and inflated a chunk at a time."""
    too_big = f"{path} is larger than {max_bytes} bytes (DOWNLOAD_MAXSIZE) once decompressed"
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
            fh.seek(0)
            if path.suffix == ".gz" or head == b"\x1f\x8b":
                return _gunzip(fh, max_bytes, path, too_big)
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SourceError(too_big)
    return data


def _gunzip(fh: BinaryIO, max_bytes: int, path: Path, too_big: str) -> bytes:
    # Bounded memory whatever the ratio: never more than max_bytes + one chunk inflated.
    out = bytearray()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    started = False
    try:
        while chunk := fh.read(_CHUNK):
            while chunk:
                if inflater.eof:  # concatenated gzip members, as gzip.decompress reads them
                    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                started = True
                out += inflater.decompress(chunk, max_bytes + 1 - len(out))
                if len(out) > max_bytes:
                    raise SourceError(too_big)
                chunk = inflater.unconsumed_tail or inflater.unused_data
    except zlib.error as exc:
        raise SourceError(f"{path} is not a valid gzip file: {exc}") from None
    if not started or not inflater.eof:
        raise SourceError(f"{path} is not a valid gzip file: it ends before its data does")
    return bytes(out)


def read_source(
    source: str,
    url: str | None,
    fetch: object | None = None,
    max_bytes: int = DOWNLOAD_MAXSIZE,
) -> FetchedPage:
    """The page behind SOURCE, with ``url`` as its address when given; a file past
    ``max_bytes`` (``DOWNLOAD_MAXSIZE``) once decompressed is refused."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        if fetch is None:
            raise SourceError("no fetcher for http(s) sources")
        return fetch(source, url)  # type: ignore[operator]
    path = Path(unquote(urlsplit(source).path)) if scheme == "file" else Path(source)
    body = _read_file(path, max_bytes)
    address = url or f"file://{path.resolve()}"
    if url:
        try:
            address = canonical_url(url)
        except BadURL:
            raise SourceError(f"--url {url!r} is not an http(s) URL") from None
    return FetchedPage(address, body, None, 200, datetime.now(UTC))


def fail(message: str) -> None:
    """Print ``message`` as one ``Error:`` line on stderr."""
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
