"""Extraction quality on real generator themes: crawl each tests/corpus/themes/*/ site, score it.

    python benchmarks/quality_themes.py                      # every site, table on stdout
    python benchmarks/quality_themes.py --only hexo-next --json /tmp/q.json

Each site is unpacked to a temp dir and served on 127.0.0.1 (random port) by a threaded
server that rewrites `http://corpus.invalid` to its own origin in HTML/XML bodies. The real
crawl (`scrapy crawl listings`, run from --project, default this checkout) runs against it
and its `articles/` table is scored against truth.json: article recall and precision by URL
path (`/x/index.html` counts as `/x/`); title; date (same instant), author, category and
tags (set equality) only where the theme shows them; body token F1 against the truth
paragraphs (CJK characters are tokens); leaked furniture (mean lines per article that are
longer than 10 characters and not truth prose); share of exact code block and formula
counts. `run()` returns the report as a dict; the overall row is the mean over sites.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import sys
import tarfile
import tempfile
import threading
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pyarrow.parquet as pq

# The shared scorer module sits beside this file, however this file is loaded.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorer import ROOT, run_command

THEMES_DIR = ROOT / "tests" / "corpus" / "themes"
PLACEHOLDER = "http://corpus.invalid"
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8"}
METRICS = [
    "recall",
    "precision",
    "title",
    "date",
    "author",
    "category",
    "tags",
    "body_f1",
    "leaked",
    "code",
    "formulas",
]


# --- serving ---------------------------------------------------------------------------------


def _handler(root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            target = (root / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(root) or not target.is_file():
                self.send_error(404)
                return
            body = target.read_bytes()
            ctype = TYPES.get(target.suffix, "application/octet-stream")
            if target.suffix in TYPES:
                origin = f"http://127.0.0.1:{self.server.server_address[1]}"
                body = body.replace(PLACEHOLDER.encode(), origin.encode())
                body = body.replace(b"https://corpus.invalid", origin.encode())
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class SiteServer:
    """A threaded HTTP server for one unpacked site, on a free port of 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root.resolve()))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- scoring ---------------------------------------------------------------------------------

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")


def tokens(text: str) -> list[str]:
    """Words, with each CJK character a token of its own."""
    return [t.lower() for t in _TOKEN.findall(text or "")]


def token_f1(got: str, want: str) -> float:
    a, b = Counter(tokens(got)), Counter(tokens(want))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * p * r / (p + r)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _post_content(slug: str | None) -> tuple[set[str], set[str]]:
    """(code lines, formula TeX) of a truth post: content the text keeps, never furniture."""
    sys.path.insert(0, str(ROOT / "scripts" / "themes"))
    try:
        import posts as source
    finally:
        sys.path.pop(0)
    code: set[str] = set()
    tex: set[str] = set()
    for post in source.POSTS:
        if post.slug == slug:
            for block in post.body:
                if isinstance(block, source.Code):
                    code.update(_norm(line) for line in block.code.splitlines() if line.strip())
            tex.update(_norm(t) for t in post.formula_tex)
    return code, tex


def leaked_lines(text: str, paragraphs: list[str], slug: str | None = None) -> int:
    """Lines longer than 10 chars that are not the post's content.

    A line counts as content when it is part of a truth paragraph, when most of its tokens
    are truth tokens (so a paragraph with a formula rendered inline is still prose), or when
    it is a line of the post's code or one of its formulas kept as TeX (``$...$``), which
    the dataset keeps in ``text`` by contract.
    """
    truth_text = _norm(" ".join(paragraphs))
    vocab = set(tokens(truth_text))
    code, tex = _post_content(slug)
    leaked = 0
    for line in (text or "").split("\n"):
        line = _norm(line)
        if len(line) <= 10 or line in truth_text or line in code:
            continue
        if line.strip("$ ") and _norm(line.strip("$ ")) in tex:
            continue
        toks = tokens(line)
        if toks and sum(t in vocab for t in toks) / len(toks) >= 0.5 and len(toks) >= 8:
            continue
        leaked += 1
    return leaked


def url_path(url: str) -> str:
    """The URL's path; `/x/index.html` is the same static page as `/x/`."""
    path = unquote(urlsplit(url).path)
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


_FIELDS = {
    "title": ("title", "title"),
    "date": ("published", "published"),
    "author": ("author", "author"),
    "category": ("category", "category"),
    "tags": ("tags", "tags"),
    "code": ("code_blocks", "code_blocks"),
    "formulas": ("formulas", "formulas"),
}


def _same(metric: str, want: Any, got: Any) -> bool:
    if metric == "date":
        return _instant(got) == _instant(want)
    if metric == "tags":
        return {_norm(x) for x in got or []} == set(want)
    if metric in ("title", "author", "category"):
        return _norm(got) == _norm(want)
    return bool(got == want)


def _examples(
    matched: list[tuple[dict[str, Any], dict[str, Any]]], shows: dict[str, bool]
) -> dict[str, list[dict[str, Any]]]:
    """Up to three mismatches per field, to see what went wrong."""
    out: dict[str, list[dict[str, Any]]] = {}
    for metric, (tkey, rkey) in _FIELDS.items():
        if metric in shows and not shows[metric]:
            continue
        for t, r in matched:
            want, got = t[tkey], r.get(rkey)
            same = _same(metric, want, got)
            if not same and len(out.setdefault(metric, [])) < 3:
                out[metric].append({"path": t["path"], "want": want, "got": got})
    return {k: v for k, v in out.items() if v}


def score(rows: list[dict[str, Any]], truth: dict[str, Any]) -> dict[str, Any]:
    """Metrics for one site; None where the theme does not show a field."""
    by_path: dict[str, dict[str, Any]] = {}
    for row in rows:
        by_path.setdefault(url_path(row["url"]), row)
    want = {url_path(p["path"]): p for p in truth["posts"]}
    matched = [(want[path], by_path[path]) for path in want if path in by_path]
    shows = truth["shows"]
    out: dict[str, Any] = {
        "articles": len(by_path),
        "matched": len(matched),
        "recall": len(matched) / len(want),
        "precision": len(matched) / len(by_path) if by_path else 0.0,
    }

    for metric, (tkey, rkey) in _FIELDS.items():
        if (metric in shows and not shows[metric]) or not matched:
            out[metric] = None
            continue
        out[metric] = _mean([float(_same(metric, t[tkey], r.get(rkey))) for t, r in matched])
    out["body_f1"] = _mean(
        [token_f1(r.get("text"), "\n".join(t["paragraphs"])) for t, r in matched]
    )
    out["leaked"] = _mean(
        [float(leaked_lines(r.get("text"), t["paragraphs"], t.get("slug"))) for t, r in matched]
    )
    out["examples"] = _examples(matched, shows)
    out["missing"] = sorted(set(want) - set(by_path))
    out["extra"] = sorted(set(by_path) - set(want))
    return out


# --- running ---------------------------------------------------------------------------------


def _scrapy() -> str:
    local = Path(sys.executable).parent / "scrapy"
    return str(local) if local.exists() else "scrapy"


def crawl(
    site_root: Path, data_dir: Path, timeout: int, project: Path = ROOT, start_path: str = "/"
) -> dict[str, Any]:
    """Serve `site_root` and run the real crawl (from `project`) into `data_dir`, starting
    at the blog's first listing page (`start_path`, as a user would give it)."""
    with SiteServer(site_root) as server:
        cmd = [
            _scrapy(),
            "crawl",
            "listings",
            "-a",
            f"start_urls={server.origin}{start_path}",
            "-s",
            f"DATA_DIR={data_dir}",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "ROBOTSTXT_OBEY=False",
            "-s",
            "LISTINGS_EXTRACT_WORKERS=0",
        ]
        ran = run_command(cmd, timeout, project)
        status, log, seconds = ran.code, ran.err, ran.seconds
    errors = len(re.findall(r"\] ERROR: ", log))
    return {
        "exit": status,
        "errors": errors,
        "seconds": round(seconds, 1),
        "log_tail": log[-1500:],
    }


def read_articles(data_dir: Path) -> list[dict[str, Any]]:
    table_dir = data_dir / "articles"
    if not table_dir.exists():
        return []
    files = [
        p
        for p in sorted(table_dir.resolve().rglob("*.parquet"))
        if not any(part.startswith((".", "_")) for part in p.relative_to(table_dir.resolve()).parts)
    ]
    rows: list[dict[str, Any]] = []
    for f in files:
        rows.extend(pq.read_table(f).to_pylist())
    return rows


def run_site(
    site_dir: Path, timeout: int = 600, keep: bool = False, project: Path = ROOT
) -> dict[str, Any]:
    truth = json.loads((site_dir / "truth.json").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix=f"quality-{site_dir.name}-"))
    try:
        root = tmp / "site"
        root.mkdir()
        with tarfile.open(site_dir / "site.tar.gz") as tar:
            tar.extractall(root, filter="data")
        info = crawl(root, tmp / "data", timeout, project, truth.get("start_path") or "/")
        rows = read_articles(tmp / "data")
        result = score(rows, truth)
        result.update(
            site=site_dir.name,
            theme=truth.get("theme"),
            generator=truth.get("generator"),
            shows=truth["shows"],
            crawl_exit=info["exit"],
            crawl_errors=info["errors"],
            crawl_seconds=info["seconds"],
        )
        if info["exit"] != 0 or info["errors"]:
            result["crawl_log_tail"] = info["log_tail"]
        if keep:
            result["tmp"] = str(tmp)
        return result
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run(
    themes_dir: Path | str = THEMES_DIR,
    *,
    only: list[str] | None = None,
    timeout: int = 600,
    keep: bool = False,
    progress: bool = False,
    project: Path | str = ROOT,
) -> dict[str, Any]:
    """Crawl and score every site under `themes_dir`; returns per-site and overall metrics."""
    sites = sorted(p for p in Path(themes_dir).iterdir() if (p / "truth.json").is_file())
    if only:
        sites = [p for p in sites if p.name in only]
    results = []
    for site in sites:
        result = run_site(site, timeout=timeout, keep=keep, project=Path(project))
        results.append(result)
        if progress:
            print(
                f"{site.name}: crawl exit {result['crawl_exit']}, "
                f"{result['crawl_seconds']}s, {result['crawl_errors']} logged errors, "
                f"{result['articles']} articles",
                file=sys.stderr,
            )
    overall = {}
    for metric in METRICS:
        vals = [r[metric] for r in results if r.get(metric) is not None]
        overall[metric] = _mean(vals)
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "themes_dir": str(themes_dir),
        "project": str(project),
        "sites": results,
        "overall": overall,
    }


def _cell(value: float | None, metric: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.1f}" if metric == "leaked" else f"{value:.2f}"


def table(report: dict[str, Any]) -> str:
    """A Markdown table, one row per site plus the overall (macro) mean."""
    head = ["site", *METRICS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in report["sites"]:
        lines.append("| " + " | ".join([r["site"], *(_cell(r.get(m), m) for m in METRICS)]) + " |")
    lines.append(
        "| **overall** | " + " | ".join(_cell(report["overall"].get(m), m) for m in METRICS) + " |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--themes-dir", type=Path, default=THEMES_DIR)
    ap.add_argument("--only", default="", help="comma-separated site names (e.g. hexo-next)")
    ap.add_argument("--json", type=Path, help="write the full report here")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per crawl")
    ap.add_argument("--project", type=Path, default=ROOT, help="project checkout to crawl with")
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs (for debugging)")
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()] or None
    report = run(
        args.themes_dir,
        only=only,
        timeout=args.timeout,
        keep=args.keep,
        progress=True,
        project=args.project,
    )
    print(table(report))
    print("(leaked = mean furniture lines per matched article; — = not shown by the theme)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    failed = [r["site"] for r in report["sites"] if r["crawl_exit"] != 0]
    if failed:
        print("crawl failed for: " + ", ".join(failed), file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
