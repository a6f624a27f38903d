"""Shared fixtures: saved pages, a loopback HTTP server, and a project working directory."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.paths import FIXTURES, ROOT

__all__ = ["FIXTURES", "ROOT", "fixture_dirs", "read_meta", "read_page"]


def read_page(folder: Path) -> bytes:
    for name in ("page.html", "page.html.gz"):
        path = folder / name
        if path.exists():
            data = path.read_bytes()
            return gzip.decompress(data) if name.endswith(".gz") else data
    raise FileNotFoundError(f"no page.html(.gz) in {folder}")


def read_meta(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


def fixture_dirs(kind: str) -> list[Path]:
    base = FIXTURES / kind
    return sorted(p for p in base.iterdir() if (p / "meta.json").exists()) if base.exists() else []


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    log: list[str]
    redirects: dict[str, str]
    before: Callable[[], None] | None = None

    def do_GET(self) -> None:
        if self.before is not None:
            self.before()
        target = self.redirects.get(self.path)
        if target is not None:
            self.log.append(self.path)
            self.send_response(301)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        if not self.redirects.get(self.path):
            self.log.append(self.path)


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start a static HTTP server on 127.0.0.1 for a folder; returns (base URL, request log)."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(
        folder: Path,
        redirects: dict[str, str] | None = None,
        before: Callable[[], None] | None = None,
    ) -> tuple[str, list[str]]:
        """``before`` runs ahead of every answer (in the server's thread): a gate or a delay."""
        log: list[str] = []
        # A plain function as a class attribute would become a method.
        attrs = {
            "log": log,
            "redirects": redirects or {},
            "before": before and staticmethod(before),
        }
        handler = functools.partial(type("Handler", (_QuietHandler,), attrs), directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/", log

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.unit import test_listing_fixtures as listing

    if listing.SCORES:
        terminalreporter.write_sep("-", "card detection per layout")
        terminalreporter.write_line(listing.table())


E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # End-to-end tests (subprocess crawls) are slow by folder: no test needs to say so.
    for item in items:
        if E2E in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.slow)
