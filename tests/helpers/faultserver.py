"""A fault-injecting HTTP server for tests, on 127.0.0.1, with per-path behaviours.

Each path answers with a behaviour that gets the handler and how many times the path
was asked for (1 on the first request), so a page can fail twice and then work. The
server keeps a log of every request; it can also die and come back on the same port.

Also here: a small blog generator (listing pages linking to article pages) and helpers
that run a real crawl and read back the dataset, so the tests read as what they check.
"""

from __future__ import annotations

import gzip
import html
import http.server
import io
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

Behaviour = Callable[["FaultHandler", int], None]
Dynamic = Callable[["FaultHandler", str], bool]

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Hit:
    at: float
    path: str


class FaultHandler(http.server.BaseHTTPRequestHandler):
    server: _Server
    # One request per connection: a dead or reset connection never hides in a pool.
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        owner = self.server.owner
        hits = owner.record(self.path)
        behaviour = owner.routes.get(self.path) or owner.routes.get(self.path.split("?")[0])
        try:
            if behaviour is not None:
                behaviour(self, hits)
            elif not any(handler(self, self.path) for handler in owner.dynamic):
                self.send(404, b"<html><body><h1>Not found</h1></body></html>")
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            pass  # the crawler hung up (maxsize, timeout): nothing left to answer

    def send(
        self,
        status: int,
        body: bytes | str = b"",
        content_type: str = HTML,
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reset(self) -> None:
        """Close the connection with a TCP reset and no answer at all."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.wfile = io.BytesIO()  # what the base class still flushes goes nowhere
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FaultServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away mid-answer is what these tests are about


class FaultServer:
    """``with FaultServer() as server: server.page("/", ...); server.url("/")``."""

    def __init__(self) -> None:
        self.routes: dict[str, Behaviour] = {}
        self.dynamic: list[Dynamic] = []
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._httpd: _Server | None = None
        self.port = 0
        self.outages = 0
        self._closed = threading.Event()

    # -- life ---------------------------------------------------------------------------

    def start(self) -> FaultServer:
        self._httpd = _Server(("127.0.0.1", self.port), FaultHandler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self._closed.set()  # an outage under way never brings the server back after this
        self.stop()

    def outage(self, seconds: float) -> None:
        """Stop listening now (connections are refused) and come back after ``seconds``."""

        def run() -> None:
            self.stop()
            if self._closed.wait(seconds):
                return
            for _ in range(50):  # the port may linger for a moment
                try:
                    self.start()
                    return
                except OSError:
                    time.sleep(0.1)

        self.outages += 1
        threading.Thread(target=run, daemon=True).start()

    # -- bookkeeping --------------------------------------------------------------------

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def record(self, path: str) -> int:
        with self._lock:
            self.log.append(Hit(time.monotonic(), path))
            self._counts[path] = self._counts.get(path, 0) + 1
            return self._counts[path]

    def hits(self, path: str) -> list[float]:
        with self._lock:
            return [h.at for h in self.log if h.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [h.path for h in self.log]

    # -- behaviours ---------------------------------------------------------------------

    def route(self, path: str, behaviour: Behaviour) -> None:
        self.routes[path] = behaviour

    def page(
        self,
        path: str,
        body: bytes | str,
        content_type: str = HTML,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.route(path, lambda h, n: h.send(status, body, content_type, headers))

    def sequence(self, path: str, statuses: list[int], body: bytes | str) -> None:
        """The n-th request gets ``statuses[n-1]`` (the last one repeats); 200 gets ``body``."""

        def run(h: FaultHandler, n: int) -> None:
            status = statuses[min(n, len(statuses)) - 1]
            h.send(status, body if status == 200 else f"<h1>Error {status}</h1>")

        self.route(path, run)

    def retry_after(
        self, path: str, wait: str, body: bytes | str, times: int = 1, status: int = 429
    ) -> None:
        """``times`` answers of ``status`` with ``Retry-After: wait``, then ``body``."""

        def run(h: FaultHandler, n: int) -> None:
            if n <= times:
                h.send(status, "<h1>Slow down</h1>", headers={"Retry-After": wait})
            else:
                h.send(200, body)

        self.route(path, run)

    def reset(self, path: str, body: bytes | str, times: int | None = None) -> None:
        """Reset the connection ``times`` times (always when None), then answer ``body``."""

        def run(h: FaultHandler, n: int) -> None:
            if times is None or n <= times:
                h.reset()
            else:
                h.send(200, body)

        self.route(path, run)

    def hang(self, path: str, seconds: float, body: bytes | str = b"") -> None:
        """Say nothing for ``seconds``, then answer (a timeout for a shorter DOWNLOAD_TIMEOUT)."""

        def run(h: FaultHandler, n: int) -> None:
            time.sleep(seconds)
            h.send(200, body)

        self.route(path, run)

    def trickle(self, path: str, body: bytes | str, pieces: int, interval: float) -> None:
        """Headers at once, then the body in ``pieces`` parts ``interval`` seconds apart."""
        data = body.encode("utf-8") if isinstance(body, str) else body

        def run(h: FaultHandler, n: int) -> None:
            h.send_response(200)
            h.send_header("Content-Type", HTML)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            step = -(-len(data) // pieces)
            for i in range(0, len(data), step):
                h.wfile.write(data[i : i + step])
                h.wfile.flush()
                time.sleep(interval)

        self.route(path, run)

    def huge(self, path: str, size: int, declare_length: bool = True) -> None:
        """An HTML page of ``size`` bytes, streamed; with or without Content-Length."""
        chunk = ("<p>" + "lorem ipsum dolor sit amet " * 36 + "</p>\n").encode()

        def run(h: FaultHandler, n: int) -> None:
            h.send_response(200)
            h.send_header("Content-Type", HTML)
            if declare_length:
                h.send_header("Content-Length", str(size))
            h.end_headers()
            h.wfile.write(b"<html><head><title>Huge</title></head><body><h1>Huge</h1>")
            sent = 0
            while sent < size:
                h.wfile.write(chunk)
                sent += len(chunk)

        self.route(path, run)

    def gzip_bomb(self, path: str, size: int = 100 * 1024 * 1024) -> None:
        """``Content-Encoding: gzip`` of ``size`` bytes of zeros: ~100 KB on the wire."""
        blob = _bomb(size)
        self.route(
            path,
            lambda h, n: h.send(200, blob, HTML, headers={"Content-Encoding": "gzip"}),
        )

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        self.route(path, lambda h, n: h.send(status, b"", HTML, headers={"Location": to}))

    def die_on(self, path: str, seconds: float, body: bytes | str) -> None:
        """The first request of ``path`` takes the whole server down for ``seconds``."""

        def run(h: FaultHandler, n: int) -> None:
            if n == 1:
                h.reset()
                self.outage(seconds)
            else:
                h.send(200, body)

        self.route(path, run)


_BOMBS: dict[int, bytes] = {}


def _bomb(size: int) -> bytes:
    if size not in _BOMBS:
        out = io.BytesIO()
        zeros = bytes(1024 * 1024)
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as gz:
            for _ in range(size // len(zeros)):
                gz.write(zeros)
        _BOMBS[size] = out.getvalue()
    return _BOMBS[size]


# --- a small blog ------------------------------------------------------------------------

_PROSE = (
    "Every step of a data pipeline should do one thing and be testable on its own.",
    "Incremental crawls depend on knowing which articles were already stored.",
    "The crawler writes each file under a temporary name and renames it when complete.",
    "Pagination takes many forms: page numbers in paths, query parameters, rel=next links.",
)


def article_html(title: str, marker: str = "") -> str:
    """An article page that extraction accepts: a title and a few paragraphs of prose."""
    body = "".join(f"<p>{html.escape(p)} ({html.escape(marker or title)})</p>" for p in _PROSE)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        '<meta property="article:published_time" content="2026-01-11T08:00:00+00:00"></head>'
        f"<body><main><article><h1>{html.escape(title)}</h1>{body}</article></main></body></html>"
    )


def listing_html(cards: Iterable[tuple[str, str]], next_href: str | None = None) -> str:
    """A listing page: one card per (href, title), and an "Older posts" link if any."""
    items = "".join(
        f'<article class="post"><h2 class="post-title"><a href="{html.escape(href)}">'
        f"{html.escape(title)}</a></h2>"
        '<div class="post-meta"><time datetime="2026-01-11">2026-01-11</time></div>'
        f'<p class="post-excerpt">{html.escape(_PROSE[0])}</p></article>'
        for href, title in cards
    )
    pager = (
        f'<nav class="pagination"><a href="{html.escape(next_href)}">Older posts</a></nav>'
        if next_href
        else ""
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Blog</title></head>"
        f"<body><main>{items}{pager}</main></body></html>"
    )


# --- running a crawl and reading what it wrote ----------------------------------------------


def rows(data_dir: Path, table: str) -> list[dict[str, Any]]:
    """Every row of one table (each file read on its own: a partial dataset still reads)."""
    out: list[dict[str, Any]] = []
    for path in sorted((data_dir / table).rglob("*.parquet")):
        out += pq.read_table(path).to_pylist()
    return out


def by_title(data_dir: Path) -> dict[str, dict[str, Any]]:
    return {r["title"]: r for r in rows(data_dir, "articles")}


def errors_by_url(data_dir: Path) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in rows(data_dir, "errors")}
