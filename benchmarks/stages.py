"""Where one article page's time goes: the pipeline's steps timed in one process.

    python benchmarks/stages.py [--site benchmarks/work/site-10000] [--pages 300]

Runs ``extract_page`` (what an extraction worker runs) and ``simhash`` (what the
deduplication stage runs in the crawl process) on the first pages of a generated site,
with each step of ``pipelines.pages.article`` wrapped by a timer, and prints CPU milliseconds per
page (process time, so other load on the machine does not inflate it).
"""

from __future__ import annotations

import argparse
import pickle
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pipelines.pages.article as article
import pipelines.pages.listing as cards
from pipelines.model import ArticlePage
from pipelines.pages.extract import extract_page
from pipelines.text.fingerprints import simhash

HERE = Path(__file__).resolve().parent
STEPS = (
    "pipelines.pages.listing.detect_cards",
    "pipelines.pages.article.parse_html",
    "pipelines.pages.article.prepare_tree",
    "pipelines.pages.article._cut_tails",
    "pipelines.pages.article.main_text",
    "pipelines.pages.article.clean_text",
    "pipelines.pages.article.judge",
    "pipelines.pages.article.detect_language",
    "pipelines.pages.article.canonical_of",
    "pipelines.pages.article.page_metadata",
    "pipelines.pages.article.extract_metadata",
)


def load(site: Path, n: int) -> list[ArticlePage]:
    now = datetime.now(UTC)
    return [
        ArticlePage(
            url=f"http://127.0.0.1/posts/{i}/",
            body=(site / "posts" / str(i) / "index.html").read_bytes(),
            content_type="text/html; charset=utf-8",
            status=200,
            fetched_at=now,
            listing_url=None,
            card=None,
        )
        for i in range(1, n + 1)
    ]


def timed(pages: list[ArticlePage]) -> tuple[float, dict[str, float], list[Any]]:
    spent: dict[str, float] = defaultdict(float)
    modules = {"pipelines.pages.listing": cards, "pipelines.pages.article": article}
    originals = {}
    for path in STEPS:
        module, _, name = path.rpartition(".")
        if hasattr(modules[module], name):
            originals[path] = (modules[module], name, getattr(modules[module], name))

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def inner(*a: Any, **k: Any) -> Any:
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.process_time() - t

        return inner

    for path, (module, name, fn) in originals.items():
        setattr(module, name, wrap(path.rpartition(".")[2], fn))
    try:
        started = time.process_time()
        results = [extract_page(p) for p in pages]
        total = time.process_time() - started
    finally:
        for module, name, fn in originals.values():
            setattr(module, name, fn)
    return total, spent, results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", type=Path, default=HERE / "work" / "site-10000")
    ap.add_argument("--pages", type=int, default=300)
    args = ap.parse_args()
    pages = load(args.site, args.pages)
    extract_page(pages[0])  # imports and caches warm
    n = len(pages)
    total, spent, results = timed(pages)
    print(f"extract_page: {total / n * 1000:.1f} ms/page over {n} pages")
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:16s} {s / n * 1000:6.2f} ms/page")
    texts = [r.text for r in results if hasattr(r, "text")]
    t = time.process_time()
    for text in texts:
        simhash(text)
    print(f"simhash (crawl process): {(time.process_time() - t) / len(texts) * 1000:.2f} ms/page")
    t = time.process_time()
    size = sum(len(pickle.dumps(p)) for p in pages)
    print(
        f"pickle ArticlePage (to a worker): {(time.process_time() - t) / n * 1000:.2f} ms/page,"
        f" {size / n / 1024:.0f} KB/page"
    )


if __name__ == "__main__":
    main()
