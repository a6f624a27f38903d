"""The real-pages site: the saved article pages of ``../shared/corpus/articles`` behind
generated listing pages, each page under several URLs.

    python benchmarks/realsite.py benchmarks/work/real-all-x10 [--pages 30] [--aliases 10]

The corpus is read where it lies; the served copy is written only under ``benchmarks/work/``
(git-ignored): one decompressed file per page (``pages/<n>.html``), which nginx serves under
every alias ``/a/<n>/<k>.html`` (a rewrite, not a copy). Listing pages (``/`` then
``/list/<p>.html``) are plain HTML: ``cards`` cards each (``article.post-card``, the markup
``bare_spider.py`` follows), in a fixed shuffled order, and a ``next`` link.

A page is used when the corpus gives its expected text (``expected_text_kind`` full or
prefix, non-empty), it is not one of readability's synthetic unit pages, and its file is
HTML; the others are counted by reason.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "articles"
MARKER = ".complete.json"
VERSION = 2
SEED = 20261202
ALIAS_PATH = "/a/{n}/{k}.html"
# nginx: every alias of page n is the file pages/n.html.
NGINX_LOCATIONS = r"""
        location ~ ^/a/(\d+)/\d+\.html$ { try_files /pages/$1.html =404; }
"""
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.I)


@dataclass(frozen=True)
class RealPage:
    """One usable corpus page; ``n`` is its place among all usable pages (stable)."""

    n: int
    source: str
    id: str
    path: Path
    expected: dict[str, Any] = field(repr=False)

    @property
    def key(self) -> str:
        return f"{self.source}/{self.id}"

    def body(self) -> bytes:
        return gzip.decompress(self.path.read_bytes())

    def url(self, port: int | None = None, alias: int = 1) -> str:
        host = "127.0.0.1" + (f":{port}" if port else "")
        return f"http://{host}{ALIAS_PATH.format(n=self.n, k=alias)}"

    @property
    def title(self) -> str:
        return " ".join(str(self.expected.get("title") or "").split()) or f"Article {self.n}"

    @property
    def published(self) -> datetime | None:
        value = self.expected.get("published")
        try:
            when = datetime.fromisoformat(str(value)) if value else None
        except ValueError:
            return None
        # A card's date, as the listing parser reads it, is always aware.
        return when.replace(tzinfo=UTC) if when and when.tzinfo is None else when

    @property
    def excerpt(self) -> str:
        return " ".join(str(self.expected.get("text") or "").split())[:120]


def _skip_reason(expected: dict[str, Any], path: Path) -> str | None:
    if expected.get("synthetic"):
        return "synthetic unit page"
    if expected.get("expected_text_kind") not in ("full", "prefix"):
        return "no expected text"
    if not str(expected.get("text") or "").strip():
        return "expected text empty"
    if not path.exists():
        return "no page file"
    try:
        head = gzip.decompress(path.read_bytes())[:65536]
    except (OSError, EOFError):
        return "page file unreadable"
    if not _HTML_START.search(head):
        return "not HTML"
    return None


def select(
    corpus: Path = CORPUS, limit: int = 0, sources: list[str] | None = None
) -> tuple[list[RealPage], Counter[str]]:
    """The usable pages (all, or ``limit`` taken in turn from each source) and the skipped
    ones counted by reason."""
    skipped: Counter[str] = Counter()
    usable: list[RealPage] = []
    if not corpus.is_dir():
        return usable, skipped
    for src_dir in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for meta in sorted(src_dir.glob("*.json")):
            page_id = meta.name[: -len(".json")]
            expected = json.loads(meta.read_text("utf-8"))
            path = meta.with_name(page_id + ".html.gz")
            reason = _skip_reason(expected, path)
            if reason:
                skipped[reason] += 1
                continue
            usable.append(RealPage(len(usable) + 1, src_dir.name, page_id, path, expected))
    if sources:
        usable = [p for p in usable if p.source in sources]
    if limit and limit < len(usable):
        # In turn from each source, so that a short run is not one source's pages.
        by_source: dict[str, list[RealPage]] = {}
        for p in usable:
            by_source.setdefault(p.source, []).append(p)
        queues = list(by_source.values())
        chosen: list[RealPage] = []
        while len(chosen) < limit:
            for q in queues:
                if q and len(chosen) < limit:
                    chosen.append(q.pop(0))
        skipped["left out by the page limit"] = len(usable) - len(chosen)
        usable = sorted(chosen, key=lambda p: p.n)
    return usable, skipped


def listing_path(page: int) -> str:
    return "/" if page == 1 else f"/list/{page}.html"


def card_html(p: RealPage, alias: int) -> str:
    date = p.published
    when = f'<time datetime="{date.isoformat()}">{date:%Y-%m-%d}</time>' if date else ""
    return (
        '<article class="post-card">'
        f'<h2><a href="{ALIAS_PATH.format(n=p.n, k=alias)}">{html.escape(p.title)}</a></h2>'
        f'{when}<p class="excerpt">{html.escape(p.excerpt)}</p></article>'
    )


def listing_html(page: int, pages: int, cards: list[str]) -> str:
    nav = ""
    if page > 1:
        nav += f'<a class="prev" href="{listing_path(page - 1)}">Previous</a> '
    if page < pages:
        nav += f'<a class="next" href="{listing_path(page + 1)}">Next</a>'
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Latest articles, page {page}</title></head><body>"
        '<header><a href="/">Corpus news</a></header>'
        f'<main><h1>Latest articles</h1><div class="post-list">{"".join(cards)}</div>'
        f'<nav class="pagination">{nav}</nav></main></body></html>\n'
    )


def listings(pages: list[RealPage], aliases: int, per_page: int) -> list[str]:
    """The listing pages' HTML: every (page, alias) once, in a fixed shuffled order."""
    links = [(p, k) for p in pages for k in range(1, aliases + 1)]
    random.Random(SEED).shuffle(links)
    chunks = [links[i : i + per_page] for i in range(0, len(links), per_page)]
    return [
        listing_html(i, len(chunks), [card_html(p, k) for p, k in chunk])
        for i, chunk in enumerate(chunks, start=1)
    ]


def _write(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def build(
    root: Path, pages: list[RealPage], skipped: Counter[str], aliases: int = 10, cards: int = 20
) -> dict[str, Any]:
    """Write the site under ``root`` unless its marker says this very site is there."""
    digest = hashlib.sha256(
        "\n".join(f"{p.n} {p.key} {p.path.stat().st_size}" for p in pages).encode()
    ).hexdigest()[:16]
    want = {"version": VERSION, "pages": len(pages), "aliases": aliases, "cards": cards}
    want["digest"] = digest
    try:
        info = json.loads((root / MARKER).read_text())
        if {k: info.get(k) for k in want} == want:
            return info
    except (OSError, ValueError):
        pass
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).unlink(missing_ok=True)
    page_bytes = sum(_write(root / "pages" / f"{p.n}.html", p.body()) for p in pages)
    listing_bytes = 0
    lists = listings(pages, aliases, cards)
    for i, text in enumerate(lists, start=1):
        rel = "index.html" if i == 1 else listing_path(i).lstrip("/")
        listing_bytes += _write(root / rel, text.encode())
    _write(root / "404.html", b"<html><body><h1>404 Not Found</h1></body></html>")
    _write(root / "robots.txt", b"User-agent: *\nAllow: /\n")
    (root / "article-paths.txt").write_text(
        "".join(ALIAS_PATH.format(n=p.n, k=k) + "\n" for p in pages for k in range(1, aliases + 1))
    )
    (root / "pages.json").write_text(
        json.dumps({p.n: p.key for p in pages}, indent=0, ensure_ascii=False)
    )
    info = {
        **want,
        "articles": len(pages) * aliases,
        "listing_pages": len(lists),
        "page_bytes": page_bytes,
        "listing_bytes": listing_bytes,
        "sources": dict(Counter(p.source for p in pages)),
        "skipped": dict(skipped),
    }
    sizes = sorted((root / "pages" / f"{p.n}.html").stat().st_size for p in pages)
    info["median_page_kb"] = round(sizes[len(sizes) // 2] / 1024) if sizes else 0
    (root / MARKER).write_text(json.dumps(info, indent=1))
    return info


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("root", type=Path)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--pages", type=int, default=0, help="at most this many pages (0: all)")
    ap.add_argument("--aliases", type=int, default=10)
    ap.add_argument("--cards", type=int, default=20)
    args = ap.parse_args()
    pages, skipped = select(args.corpus, args.pages)
    print(json.dumps(build(args.root, pages, skipped, args.aliases, args.cards), indent=1))


if __name__ == "__main__":
    main()
