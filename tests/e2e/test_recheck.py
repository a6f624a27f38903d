"""Edited articles: stored articles asked for again with a conditional GET."""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.crawl import compact, crawl, table
from tests.helpers.sitegen import build_site, posts

RECHECK = ["-s", "LISTINGS_RECHECK_DAYS=0.000001", "-s", "LISTINGS_EXTRACT_WORKERS=0"]


class ValidatingHandler(http.server.BaseHTTPRequestHandler):
    """Files of a folder with ETag and Last-Modified, 304 to a matching conditional GET."""

    root: Path
    log: list[tuple[str, str | None, str | None]]

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        self.log.append((path, inm, ims))
        file = self.root / path.lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            self.send_error(404)
            return
        body = file.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = email.utils.formatdate(file.stat().st_mtime, usegmt=True)
        if inm == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def validating() -> Iterator[Any]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(root: Path) -> tuple[str, list[tuple[str, str | None, str | None]]]:
        log: list[tuple[str, str | None, str | None]] = []
        handler = type("H", (ValidatingHandler,), {"root": root, "log": log})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/", log

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_edited_unchanged_and_deleted_articles(validating: Any, tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, posts(3), per_page=5)
    base, log = validating(site)
    first = crawl("-a", f"start_urls={base}", *RECHECK, data_dir=data)
    assert first.returncode == 0, first.stderr[-2000:]
    assert table(data, "articles").num_rows == 3

    # Between runs: post 1 gains a paragraph, post 2 stays, post 3 is deleted.
    edited = site / "posts" / "post-0001" / "index.html"
    html = edited.read_text("utf-8")
    edited.write_text(
        html.replace("</article>", "<p>更正：本文在发表后补充了一段新的说明文字。</p></article>"),
        encoding="utf-8",
    )
    (site / "posts" / "post-0003" / "index.html").unlink()
    log.clear()
    second = crawl("-a", f"start_urls={base}", *RECHECK, data_dir=data)
    assert second.returncode == 0, second.stderr[-2000:]
    asked = {path: (inm, ims) for path, inm, ims in log if path.startswith("/posts/")}
    assert set(asked) == {"/posts/post-0001/", "/posts/post-0002/", "/posts/post-0003/"}
    assert all(inm and inm.startswith('"') and ims for inm, ims in asked.values())

    log.clear()
    third = crawl("-a", f"start_urls={base}", *RECHECK, data_dir=data)
    assert third.returncode == 0, third.stderr[-2000:]
    # The gone article is not asked for again; the others answer 304.
    assert sorted(p for p, _, _ in log if p.startswith("/posts/")) == [
        "/posts/post-0001/",
        "/posts/post-0002/",
    ]

    versions = sorted(table(data, "versions").to_pylist(), key=lambda v: v["version"])
    assert [(v["url"].rsplit("/", 2)[-2], v["version"]) for v in versions] == [
        ("post-0001", 1),
        ("post-0001", 2),
    ]
    assert "补充了一段新的说明文字" in versions[1]["text"]
    assert "补充了一段新的说明文字" not in versions[0]["text"]
    assert versions[0]["content_hash"] != versions[1]["content_hash"]

    errors = table(data, "errors").to_pylist()
    gone = [e for e in errors if e["gone"]]
    assert [(e["url"].rsplit("/", 2)[-2], e["status"]) for e in gone] == [("post-0003", 404)]
    articles = table(data, "articles").to_pylist()
    assert sorted(a["url"].rsplit("/", 2)[-2] for a in articles) == [
        "post-0001",
        "post-0001",
        "post-0002",
        "post-0003",
    ]
    assert all(a["etag"] and a["last_modified"] for a in articles)

    # Compaction keeps the latest version per URL, the gone article's row included.
    assert compact(data).returncode == 0
    latest = {a["url"].rsplit("/", 2)[-2]: a for a in table(data, "articles").to_pylist()}
    assert len(latest) == table(data, "articles").num_rows == 3
    assert latest["post-0001"]["version"] == 2
    assert "补充了一段新的说明文字" in latest["post-0001"]["text"]
