"""Where one article page's time goes: the pipeline's steps timed in one process.

    python benchmarks/stages.py --corpus ../shared/corpus/articles --pages 300
    python benchmarks/stages.py --site benchmarks/work/site-300 --pages 200
    python benchmarks/stages.py --corpus ../shared/corpus/articles --dump /tmp/rows-a.jsonl
    python benchmarks/stages.py --compare /tmp/rows-a.jsonl /tmp/rows-b.jsonl

Runs ``pipelines.pages.extract.extract_page`` (what an extraction worker runs) on the pages of
a generated site (``--site``) or on the real article pages of the shared corpus
(``--corpus``, the pages ``benchmarks/run.py`` serves in its real section, each with the
card its listing shows), and prints CPU milliseconds per page (process time, so other load
on the machine does not inflate it) of each step. Listing pages (card detection in the crawl
process) are timed apart.

Steps are timed by wrapping the project's public functions wherever a module of the
project holds them (so a call through ``from x import f`` is timed too), never by editing
the pipeline. A step whose function is gone or was renamed is reported as not timed, and
the rest still runs. Each step is charged only at its outermost call; a top-level step
called inside another top-level step is charged to the outer one, so the top-level rows add
up to at most the total, and the rest is shown as "other".

``--dump FILE`` writes each page's record (the row ``extract_page`` returns, without ids and
times) as JSON lines, keyed by page; ``--compare A B`` reports the pages whose records differ
(exit status 1) or says the two are identical.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# (label, parent label or None for a top-level step, functions "module:attribute").
STEPS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("decode", None, ("pipelines.pages.html:page_html", "pipelines.pages.html:decode_html")),
    ("parse", None, ("pipelines.pages.html:parse_html",)),
    (
        "metadata",
        None,
        (
            "pipelines.pages.article:canonical_of",
            "pipelines.pages.metadata:json_ld",
            "pipelines.pages.metadata:title",
            "pipelines.pages.metadata:category",
            "pipelines.pages.metadata:author",
            "pipelines.pages.metadata:published",
            "pipelines.pages.metadata:tags",
            "pipelines.pages.metadata:modified",
            "pipelines.pages.judgement:declares_article",
            "pipelines.text.clean:clean_title",
        ),
    ),
    (
        "listing judgement",
        None,
        ("pipelines.pages.article:listed_cards", "pipelines.pages.article:judge"),
    ),
    ("card detection", "listing judgement", ("pipelines.pages.listing:detect_cards",)),
    ("prepare_tree", None, ("pipelines.pages.article:prepare_tree",)),
    ("formulas", "prepare_tree", ("pipelines.pages.formulas:replace_formulas",)),
    ("furniture", "prepare_tree", ("pipelines.pages.trim:drop_furniture",)),
    ("tails", "prepare_tree", ("pipelines.pages.article:_cut_tails",)),
    ("code", "prepare_tree", ("pipelines.pages.code:prepare_code",)),
    ("trafilatura", None, ("pipelines.pages.article:main_text",)),
    ("bare_extraction", "trafilatura", ("trafilatura:bare_extraction",)),
    ("clean", None, ("pipelines.text.clean:clean_text",)),
    ("language", None, ("pipelines.text.language:detect_language",)),
    ("fingerprints", None, ("pipelines.text.fingerprints:simhash",)),
    ("hash", None, ("pipelines.pages.article:content_hash",)),
)
# Listing pages, in the crawl process: what the spider runs on each.
LISTING_STEPS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("decode", None, ("pipelines.pages.html:page_html", "pipelines.pages.html:decode_html")),
    ("parse", None, ("pipelines.pages.html:parse_html",)),
    ("detect_cards", None, ("pipelines.pages.listing:detect_cards",)),
)
# Not part of a record's content: when and by which crawl it was seen.
VOLATILE = {"first_seen", "crawl_id", "at", "fetched_at", "seen_at", "id"}


def fail(message: str) -> None:
    print(f"stages.py: {message}", file=sys.stderr)
    raise SystemExit(2)


def _project() -> tuple[Any, Any, Any]:
    """extract_page, ArticlePage and CardInfo, or a clear message if they are gone."""
    try:
        from pipelines.model import ArticlePage, CardInfo
        from pipelines.pages.extract import extract_page
    except ImportError as e:
        fail(f"the project's extraction entry point is gone ({e}); update STEPS and load()")
    return extract_page, ArticlePage, CardInfo


# --- pages -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Item:
    key: str
    page: Any


def load_site(site: Path, n: int) -> list[Item]:
    _, ArticlePage, _ = _project()
    now = datetime.now(UTC)
    paths = sorted(
        (site / "posts").iterdir(), key=lambda p: int(p.name) if p.name.isdigit() else 0
    )[:n]
    return [
        Item(
            f"generated/{p.name}",
            ArticlePage(
                url=f"http://127.0.0.1/posts/{p.name}/",
                body=(p / "index.html").read_bytes(),
                content_type="text/html; charset=utf-8",
                status=200,
                fetched_at=now,
                listing_url=None,
                card=None,
            ),
        )
        for p in paths
    ]


def load_corpus(corpus: Path, n: int, sources: list[str] | None) -> list[Item]:
    """The real pages as the crawl of run.py's real section gets them: under their first
    alias, no charset in the header, with the card the listing shows."""
    import realsite

    _, ArticlePage, CardInfo = _project()
    pages, skipped = realsite.select(corpus, n, sources)
    print(
        f"{len(pages)} corpus pages"
        + (f"; left out: {', '.join(f'{v} {k}' for k, v in skipped.items())}" if skipped else ""),
        flush=True,
    )
    now = datetime.now(UTC)
    return [
        Item(
            p.key,
            ArticlePage(
                url=p.url(),
                body=p.body(),
                content_type="text/html",
                status=200,
                fetched_at=now,
                listing_url="http://127.0.0.1/",
                card=CardInfo(title=p.title, excerpt=p.excerpt, published=p.published),
            ),
        )
        for p in pages
    ]


def load_listings(site: Path | None, corpus: Path | None, n: int) -> list[Item]:
    """Listing pages: the generated site's, or those run.py's real section serves."""
    from pipelines.model import FetchedPage

    now = datetime.now(UTC)
    texts: list[tuple[str, bytes]] = []
    if site is not None:
        root = site / "page"
        first = (
            [("/", (site / "index.html").read_bytes())] if (site / "index.html").exists() else []
        )
        rest = sorted(root.iterdir(), key=lambda p: int(p.name)) if root.is_dir() else []
        texts = first + [(f"/page/{p.name}/", (p / "index.html").read_bytes()) for p in rest]
    elif corpus is not None:
        import realsite

        pages, _ = realsite.select(corpus, 0)
        texts = [
            (realsite.listing_path(i), text.encode())
            for i, text in enumerate(realsite.listings(pages, 10, 20), start=1)
        ]
    return [
        Item(
            path,
            FetchedPage(
                url=f"http://127.0.0.1{path}",
                body=body,
                content_type="text/html; charset=utf-8",
                status=200,
                fetched_at=now,
            ),
        )
        for path, body in texts[:n]
    ]


# --- timing ----------------------------------------------------------------------------------


class Timer:
    """CPU seconds per step, charged at the outermost call of each step."""

    def __init__(self, steps: tuple[tuple[str, str | None, tuple[str, ...]], ...]) -> None:
        self.steps = steps
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.depth: dict[str, int] = defaultdict(int)
        self.top_depth = 0
        self.missing: list[str] = []
        self.missing_labels: set[str] = set()
        self.per_page: list[tuple[float, str]] = []
        self.patched: list[tuple[Any, str, Any]] = []

    def wrap(self, label: str, top: bool, fn: Callable[..., Any]) -> Callable[..., Any]:
        spent, calls, depth = self.spent, self.calls, self.depth

        def timed(*a: Any, **k: Any) -> Any:
            outer_top = top and self.top_depth == 0
            if depth[label] or (top and not outer_top):
                # Nested in itself, or a top-level step inside another: charged to the outer.
                depth[label] += 1
                try:
                    return fn(*a, **k)
                finally:
                    depth[label] -= 1
            depth[label] += 1
            self.top_depth += top
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[label] += time.process_time() - t
                calls[label] += 1
                depth[label] -= 1
                self.top_depth -= top

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed

    @contextmanager
    def installed(self) -> Iterator[Timer]:
        for label, parent, names in self.steps:
            for name in names:
                module_name, _, attr = name.partition(":")
                try:
                    target = getattr(importlib.import_module(module_name), attr)
                except (ImportError, AttributeError):
                    self.missing.append(f"{label}: {module_name}.{attr}")
                    self.missing_labels.add(label)
                    continue
                wrapper = self.wrap(label, parent is None, target)
                # Every module of the project (and the defining one) that holds this function.
                holders = [
                    m
                    for n, m in list(sys.modules.items())
                    if m is not None and (n == module_name or n.split(".")[0] == "pipelines")
                ]
                for module in holders:
                    for key, value in list(vars(module).items()):
                        if value is target:
                            self.patched.append((module, key, value))
                            setattr(module, key, wrapper)
        try:
            yield self
        finally:
            for module, key, value in reversed(self.patched):
                setattr(module, key, value)
            self.patched.clear()

    def report(self, total: float, n: int, title: str) -> list[str]:
        lines = [f"{title}: {total / n * 1000:.1f} ms/page over {n} pages"]
        tops = [label for label, parent, _ in self.steps if parent is None]
        lines.append(f"  {'step':24s} {'ms/page':>8s} {'calls/page':>10s}")
        accounted = 0.0
        for label in dict.fromkeys(tops):
            accounted += self.spent.get(label, 0.0)
            lines.append(self._line(label, n, 2))
            for sub, parent, _ in self.steps:
                if parent == label:
                    lines.append(self._line(sub, n, 4))
        lines.append(f"  {'other':24s} {(total - accounted) / n * 1000:8.2f}")
        for m in self.missing:
            lines.append(f"  not timed (gone or renamed): {m}")
        slowest = sorted(self.per_page, reverse=True)[:5]
        if slowest:
            lines.append(
                "  slowest pages (ms): " + ", ".join(f"{k} {s * 1000:.0f}" for s, k in slowest)
            )
        return lines

    def _line(self, label: str, n: int, indent: int) -> str:
        name = " " * (indent - 2) + label
        if label in self.missing_labels and label not in self.calls:
            return f"  {name:24s} {'—':>8s} {'not timed':>10s}"
        if label not in self.calls:
            return f"  {name:24s} {'—':>8s} {'not called':>10s}"
        ms = self.spent[label] / n * 1000
        return f"  {name:24s} {ms:8.2f} {self.calls[label] / n:10.2f}"

    def as_json(self, total: float, n: int) -> dict[str, Any]:
        return {
            "pages": n,
            "total_ms_per_page": round(total / n * 1000, 3),
            "steps": {
                label: {
                    "parent": parent,
                    "ms_per_page": round(self.spent.get(label, 0.0) / n * 1000, 3),
                    "calls_per_page": round(self.calls.get(label, 0) / n, 3),
                }
                for label, parent, _ in self.steps
            },
            "not_timed": self.missing,
            "slowest_pages_ms": {k: round(s * 1000, 1) for s, k in sorted(self.per_page)[-10:]},
        }


def timed_run(
    items: list[Item], fn: Callable[[Any], Any], steps: tuple
) -> tuple[float, Timer, list[Any]]:
    timer = Timer(steps)
    results = []
    with timer.installed():
        started = time.process_time()
        for item in items:
            t = time.process_time()
            results.append(fn(item.page))
            timer.per_page.append((time.process_time() - t, item.key))
        total = time.process_time() - started
    return total, timer, results


# --- records -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def record_of(key: str, result: Any) -> dict[str, Any]:
    """One page's record as plain JSON, without ids and times."""
    kind = type(result).__name__
    if dataclasses.is_dataclass(result):
        fields = dataclasses.asdict(result)  # type: ignore[arg-type]
    elif hasattr(result, "to_json"):
        fields = result.to_json()
    else:
        fields = {"value": repr(result)}
    fields = {k: _plain(v) for k, v in fields.items() if k not in VOLATILE}
    return {"page": key, "kind": kind, **fields}


def dump(path: Path, items: list[Item], results: list[Any]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for item, result in zip(items, results, strict=True):
            f.write(json.dumps(record_of(item.key, result), ensure_ascii=False, sort_keys=True))
            f.write("\n")
    print(f"{len(items)} records written to {path}")


def _short(value: Any, other: Any, width: int = 100) -> str:
    """``value`` cut to ``width``; for two strings, around the first place they differ."""
    if isinstance(value, str) and isinstance(other, str):
        at = next((i for i, (x, y) in enumerate(zip(value, other, strict=False)) if x != y), None)
        at = min(len(value), len(other)) if at is None else at
        start = max(0, at - width // 2)
        piece = json.dumps(value[start : start + width], ensure_ascii=False)
        return f"(at {at}) " + ("…" if start else "") + piece
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def compare(a: Path, b: Path, show: int = 10) -> int:
    """0 when every page has the same record in both files; else 1, with what differs."""

    def read(path: Path) -> dict[str, dict[str, Any]]:
        rows = (json.loads(line) for line in path.read_text("utf-8").splitlines() if line)
        return {r["page"]: r for r in rows}

    left, right = read(a), read(b)
    only_a = sorted(set(left) - set(right))
    only_b = sorted(set(right) - set(left))
    differing: dict[str, list[str]] = {}
    by_field: dict[str, int] = defaultdict(int)
    for key in sorted(set(left) & set(right)):
        ra = {k: v for k, v in left[key].items() if k not in VOLATILE}
        rb = {k: v for k, v in right[key].items() if k not in VOLATILE}
        fields = sorted(k for k in set(ra) | set(rb) if ra.get(k) != rb.get(k))
        if fields:
            differing[key] = fields
            for f in fields:
                by_field[f] += 1
    common = len(set(left) & set(right))
    print(f"{a}: {len(left)} pages; {b}: {len(right)} pages; {common} in both")
    if only_a:
        print(
            f"only in {a}: {len(only_a)} ({', '.join(only_a[:5])}{' …' if len(only_a) > 5 else ''})"
        )
    if only_b:
        print(
            f"only in {b}: {len(only_b)} ({', '.join(only_b[:5])}{' …' if len(only_b) > 5 else ''})"
        )
    if not differing and not only_a and not only_b:
        print("identical records on every page (ids and times left out)")
        return 0
    print(f"{len(differing)} of {common} pages differ; by field: {dict(by_field)}")
    for key, fields in list(differing.items())[:show]:
        print(f"  {key}:")
        for f in fields:
            va, vb = left[key].get(f), right[key].get(f)
            print(f"    {f}: {_short(va, vb)}")
            print(f"    {' ' * len(f)}  {_short(vb, va)}")
    return 1


# --- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--site", type=Path, help="a generated site (benchmarks/work/site-N)")
    where.add_argument("--corpus", type=Path, help="the real pages (../shared/corpus/articles)")
    ap.add_argument("--pages", type=int, default=300, help="at most this many article pages")
    ap.add_argument("--sources", default="", help="--corpus: only these sources, comma-separated")
    ap.add_argument(
        "--listings", type=int, default=50, help="listing pages to time apart (0: none)"
    )
    ap.add_argument("--dump", type=Path, help="write each page's record as JSON lines")
    ap.add_argument("--json", type=Path, help="write the timings as JSON")
    ap.add_argument("--no-timing", action="store_true", help="with --dump: records only")
    ap.add_argument(
        "--compare", nargs=2, type=Path, metavar=("A", "B"), help="compare two --dump files"
    )
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.site is None and args.corpus is None:
        args.site = HERE / "work" / "site-10000"
    extract_page, _, _ = _project()
    if args.corpus is not None:
        if not args.corpus.is_dir():
            fail(f"no corpus at {args.corpus}")
        sources = [s for s in args.sources.split(",") if s] or None
        items = load_corpus(args.corpus, args.pages, sources)
    else:
        if not (args.site / "posts").is_dir():
            fail(f"no generated site at {args.site} (python benchmarks/gensite.py DIR N)")
        items = load_site(args.site, args.pages)
    if not items:
        fail("no pages")
    n = len(items)
    extract_page(items[0].page)  # imports and caches warm
    if args.no_timing:
        results = [extract_page(item.page) for item in items]
    else:
        total, timer, results = timed_run(items, extract_page, STEPS)
        print("\n".join(timer.report(total, n, "extract_page")))
        kinds = defaultdict(int)
        for r in results:
            kinds[type(r).__name__] += 1
        print(f"  records: {dict(kinds)}")
        t = time.process_time()
        size = sum(len(pickle.dumps(item.page)) for item in items)
        print(
            f"pickle the page (to a worker): {(time.process_time() - t) / n * 1000:.2f} ms/page,"
            f" {size / n / 1024:.0f} KB/page"
        )
        report: dict[str, Any] = {"articles": timer.as_json(total, n)}
        listings = load_listings(args.site, args.corpus, args.listings) if args.listings else []
        if listings:
            import pipelines.pages.html as html_mod
            import pipelines.pages.listing as listing_mod

            def cards(page: Any) -> Any:
                # Looked up at each call, so that the timing wrappers are the ones called.
                return listing_mod.detect_cards(html_mod.parse_page(page), page.url)

            cards(listings[0].page)
            total, ltimer, found = timed_run(listings, cards, LISTING_STEPS)
            print("\n".join(ltimer.report(total, len(listings), "listing pages (crawl process)")))
            per = sum(len(getattr(r, "cards", ())) for r in found) / len(found)
            print(f"  cards found: {per:.1f} per listing page")
            report["listings"] = ltimer.as_json(total, len(listings))
        if args.json:
            args.json.write_text(json.dumps(report, indent=1))
    if args.dump:
        dump(args.dump, items, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
