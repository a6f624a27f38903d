"""The listings benchmark: one command, from the test sites to BENCHMARKS.md.

    python benchmarks/run.py --sizes 10000,100000
    python benchmarks/run.py --quick            # 300 articles in each section, a smoke check
    python benchmarks/run.py --sections real --real-pages 100 --aliases 10

Two sections, each served with nginx on 127.0.0.1:

- real: the real article pages of ../shared/corpus/articles (read there; the served copy is
  under benchmarks/work/real-PxA/, see realsite.py), each under ``--aliases`` URLs, behind
  generated listing pages of ``--cards`` cards; variants full, bare, naive and plain.
- generated: for each size, the generated site (benchmarks/work/site-N/, gensite.py); all
  variants: the full pipeline with a worker pool, a bare Scrapy spider (the ceiling), the full
  pipeline extracting in the crawl process (the naive design), trafilatura and langdetect in
  a plain spider's callback (plain_spider.py: no pipeline), trafilatura's command line over
  the article URLs, and trafilatura's command line over the same pages read from disk.

Raw results go to benchmarks/results/DATE.json, the tables to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gensite
import measure
import realsite
from server import Nginx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
RESULTS = HERE / "results"
REPORT = REPO / "BENCHMARKS.md"
ANALYSIS_HEADING = "## What limits the speed"

VARIANTS = ("full", "bare", "naive", "plain", "trafilatura", "trafilatura-files")
REAL_VARIANTS = ("full", "bare", "naive", "plain")
SECTIONS = ("real", "generated")
QUICK_REAL_PAGES = 30
SPEED_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "ROBOTSTXT_OBEY": "False",
    "LOG_LEVEL": "INFO",
    # The 100,000-article site has about 6,700 listing pages; the default bound is 1,000.
    "LISTINGS_MAX_PAGES": "1000000",
    # ... and 106,700 pages on one host, past the default per-host bound of 50,000.
    "LISTINGS_MAX_REQUESTS_PER_HOST": "0",
}
TRAFILATURA_CONFIG = """\
[DEFAULT]
DOWNLOAD_TIMEOUT = 30
MAX_FILE_SIZE = 20000000
MIN_FILE_SIZE = 10
SLEEP_TIME = 0
USER_AGENTS =
COOKIE =
MAX_REDIRECTS = 2
SSRF_PROTECTION = off
INSECURE_SSL_FALLBACK = on
MIN_EXTRACTED_SIZE = 250
MIN_OUTPUT_SIZE = 1
MIN_OUTPUT_COMM_SIZE = 1
MAX_TREE_SIZE =
EXTRACTION_TIMEOUT = 30
MIN_DUPLCHECK_SIZE = 100
MAX_REPETITIONS = 2
EXTENSIVE_DATE_SEARCH = on
EXTERNAL_URLS = off
"""
# trafilatura with the extraction options the pipeline uses (fast, no comments).
TRAFILATURA_OPTIONS = ["--fast", "--no-comments"]


# --- machine ---------------------------------------------------------------------------------


def _version(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:
        return "not installed"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            ram = int(line.split()[1]) * 1024
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True)
    changed = subprocess.run(
        ["git", "diff", "--name-only", "HEAD", "--", "crawler", "pipelines"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(ram / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "scrapy": _version("scrapy"),
        "trafilatura": _version("trafilatura"),
        "lxml": _version("lxml"),
        "pyarrow": _version("pyarrow"),
        "nginx": (nginx.stderr or nginx.stdout).strip().split("/")[-1],
        "commit": head.stdout.decode().strip(),
        "uncommitted_product_files": changed.stdout.split(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- the variants ------------------------------------------------------------------------------


def scrapy_crawl(url: str, data_dir: Path, workers: int, max_pages: int = 0) -> list[str]:
    cmd = ["scrapy", "crawl", "listings", "-a", f"start_urls={url}", "-s", f"DATA_DIR={data_dir}"]
    cmd += ["-s", f"LISTINGS_EXTRACT_WORKERS={workers}"]
    settings = {**SPEED_SETTINGS, **({"LISTINGS_MAX_PAGES": str(max_pages)} if max_pages else {})}
    for k, v in settings.items():
        cmd += ["-s", f"{k}={v}"]
    return cmd


def bare_crawl(url: str, spider: str = "bare_spider.py", *args: str) -> list[str]:
    cmd = ["scrapy", "runspider", str(HERE / spider), "-a", f"start_url={url}", *args]
    for k, v in SPEED_SETTINGS.items():
        if not k.startswith("LISTINGS_"):
            cmd += ["-s", f"{k}={v}"]
    return cmd


def trafilatura_urls(urls: Path, out: Path, parallel: int, config: Path) -> list[str]:
    return [
        "trafilatura",
        "-i",
        str(urls),
        "-o",
        str(out),
        "--parallel",
        str(parallel),
        "--config-file",
        str(config),
        *TRAFILATURA_OPTIONS,
    ]


def trafilatura_files(site: Path, out: Path, parallel: int, config: Path) -> list[str]:
    return [
        "trafilatura",
        "--input-dir",
        str(site / "posts"),
        "-o",
        str(out),
        "--parallel",
        str(parallel),
        "--config-file",
        str(config),
        *TRAFILATURA_OPTIONS,
    ]


def parquet_rows(table: Path) -> tuple[int, int]:
    """Rows and bytes of the committed Parquet files of one table."""
    import pyarrow.parquet as pq

    rows = size = 0
    for f in table.rglob("*.parquet"):
        if f.name.startswith("."):
            continue
        rows += pq.read_metadata(f).num_rows
        size += f.stat().st_size
    return rows, size


def error_reasons(table: Path, top: int = 5) -> dict[str, int]:
    """The commonest reasons in the errors table (first 80 characters of each)."""
    import pyarrow.parquet as pq

    counts: dict[str, int] = {}
    for f in table.rglob("*.parquet"):
        if f.name.startswith("."):
            continue
        for reason in pq.read_table(f, columns=["error"]).column("error").to_pylist():
            key = (reason or "")[:80]
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1])[:top])


def files_in(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def run_variant(
    name: str,
    n: int,
    site: Path,
    server: Nginx,
    out: Path,
    time_limit: float | None,
    parallel: int,
    keep: Path | None = None,
) -> dict[str, Any]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    log = out / f"{name}.log"
    config = out / "trafilatura.cfg"
    config.write_text(TRAFILATURA_CONFIG)
    # A kept DATA_DIR is written where it stays (its table links must not be moved).
    target = _fresh(keep if keep is not None and name in ("full", "naive") else out / name)
    if name in ("full", "naive"):
        cmd = scrapy_crawl(server.url, target, 2 if name == "full" else 0)
    elif name == "bare":
        cmd = bare_crawl(server.url)
        env.pop("SCRAPY_SETTINGS_MODULE")
    elif name == "plain":
        cmd = bare_crawl(server.url, "plain_spider.py", "-a", f"out={target}")
        env.pop("SCRAPY_SETTINGS_MODULE")
    elif name == "trafilatura":
        urls = out / "urls.txt"
        paths = (site / "article-paths.txt").read_text().split()
        urls.write_text("".join(f"{server.url.rstrip('/')}{p}\n" for p in paths))
        cmd = trafilatura_urls(urls, target, parallel, config)
    elif name == "trafilatura-files":
        cmd = trafilatura_files(site, target, parallel, config)
    else:
        raise ValueError(name)
    nginx_cpu = measure.tree_cpu_seconds(server.proc.pid) if server.proc else 0.0
    busy = measure.machine_busy_seconds()
    # Scrapy looks for scrapy.cfg upwards from its working directory: the bare and plain
    # spiders run outside the repository, so that none of the project's settings or
    # components load.
    outside = name in ("bare", "plain")
    cwd = Path(tempfile.mkdtemp(prefix=f"listings-{name}-")) if outside else REPO
    print(f"  {name}: {' '.join(cmd)}", flush=True)
    stop = signal.SIGTERM if name.startswith("trafilatura") else signal.SIGINT
    m = measure.run(cmd, log, cwd=cwd, env=env, time_limit=time_limit, stop_signal=stop)
    if outside:
        shutil.rmtree(cwd, ignore_errors=True)
    nginx_cpu = (measure.tree_cpu_seconds(server.proc.pid) if server.proc else 0.0) - nginx_cpu
    busy = measure.machine_busy_seconds() - busy
    result: dict[str, Any] = {"variant": name, **m.to_json(), "nginx_cpu_s": round(nginx_cpu, 2)}
    # CPU the rest of the machine used meanwhile: other load competing for the same cores.
    result["other_cpu_s"] = round(max(0.0, busy - m.cpu_s - nginx_cpu), 1)
    if name in ("full", "naive"):
        rows, size = parquet_rows(target / "articles")
        errors, _ = parquet_rows(target / "errors")
        result.update(articles=rows, extract_errors=errors, parquet_bytes=size)
        result["error_reasons"] = error_reasons(target / "errors")
    elif name == "plain":
        rows, size = parquet_rows(target)
        result.update(articles=rows, parquet_bytes=size)
    elif name == "bare":
        text = log.read_text(errors="replace")
        done = 0
        for line in text.splitlines():
            if "bare: " in line and "article pages" in line:
                done = int(line.split("bare: ")[1].split()[0])
        result["articles"] = done
    else:
        result["articles"] = files_in(target)
    done = result["articles"] or 0
    result["articles_expected"] = n
    result["articles_per_s"] = round(done / m.wall_s, 2) if m.wall_s else None
    result["cpu_s_per_article"] = round(m.cpu_s / done, 4) if done else None
    if "parquet_bytes" in result and done:
        result["parquet_bytes_per_article"] = round(result["parquet_bytes"] / done)
    if name != "bare" and not (keep is not None and name in ("full", "naive")):
        shutil.rmtree(target, ignore_errors=True)  # the data is measured; keep the disk free
    print(
        f"    {done} articles in {m.wall_s:.1f} s: {result['articles_per_s']} /s, "
        f"cpu {m.cpu_s:.1f} s, peak tree RSS {m.peak_rss_tree_mb} MB"
        + (" (stopped at the time limit)" if m.stopped_at_time_limit else ""),
        flush=True,
    )
    if m.returncode and not m.stopped_at_time_limit:
        print(f"    exit status {m.returncode}: see {log}", flush=True)
    return result


def best_trafilatura_parallel(server: Nginx, site: Path, out: Path, tries: list[int]) -> dict:
    """A short run of trafilatura over 200 article URLs for each --parallel value."""
    paths = (site / "article-paths.txt").read_text().split()[:200]
    urls = out / "urls-try.txt"
    urls.write_text("".join(f"{server.url.rstrip('/')}{p}\n" for p in paths))
    config = out / "trafilatura.cfg"
    config.write_text(TRAFILATURA_CONFIG)
    rates: dict[int, float] = {}
    for n in tries:
        target = _fresh(out / f"try-{n}")
        started = time.monotonic()
        subprocess.run(
            trafilatura_urls(urls, target, n, config),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        rates[n] = round(files_in(target) / (time.monotonic() - started), 2)
        shutil.rmtree(target)
    best = max(rates, key=lambda k: rates[k])
    print(f"  trafilatura --parallel tries (pages/s over 200 URLs): {rates}; best {best}")
    return {"tries": rates, "best": best}


# --- report --------------------------------------------------------------------------------------


def _ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b or not a.get("articles_per_s") or not b.get("articles_per_s"):
        return "n/a"
    return f"{a['articles_per_s'] / b['articles_per_s']:.2f}×"


LABELS = {
    "full": "full pipeline, 2 extraction workers",
    "bare": "bare Scrapy spider (ceiling)",
    "naive": "full pipeline, extraction in the crawl process",
    "plain": "trafilatura + langdetect + Parquet in the callback, no pipeline",
    "trafilatura": "trafilatura CLI over the URLs",
    "trafilatura-files": "trafilatura CLI over the files on disk (no HTTP)",
}


def table(size: dict[str, Any]) -> str:
    rows = [
        "| variant | articles out / pages | extraction errors | wall s | articles/s | pages/s "
        "| CPU ms/article | nginx CPU s | other load CPU s | peak RSS tree MB | peak PSS tree MB "
        "| peak RSS main MB | Parquet B/article |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in size["variants"]:
        partial = r["stopped_at_time_limit"]
        note = " (partial: stopped at the time limit)" if partial else ""
        pages = r["articles"] + r.get("extract_errors", 0) if partial else r["articles_expected"]
        pages_per_s = round(pages / r["wall_s"], 2) if r["wall_s"] else None
        cpu = r["cpu_s_per_article"]
        cpu_ms = round(cpu * 1000, 1) if cpu else None
        rows.append(
            f"| {LABELS[r['variant']]}{note} | {r['articles']} / {r['articles_expected']} "
            f"| {r.get('extract_errors', '')} "
            f"| {r['wall_s']} | {r['articles_per_s']} | {pages_per_s} | {cpu_ms} "
            f"| {r['nginx_cpu_s']} | {r.get('other_cpu_s', 'not measured')} "
            f"| {r['peak_rss_tree_mb']} | {r['peak_pss_tree_mb']} | {r['peak_rss_main_mb']} "
            f"| {r.get('parquet_bytes_per_article', '')} |"
        )
    by = {r["variant"]: r for r in size["variants"]}
    rows.append("")
    ratios = [
        f"full/naive {_ratio(by.get('full'), by.get('naive'))}",
        f"full/bare {_ratio(by.get('full'), by.get('bare'))}",
    ]
    if "plain" in by:
        ratios.append(f"full/plain {_ratio(by.get('full'), by.get('plain'))}")
    if "trafilatura" in by or "trafilatura-files" in by:
        ratios += [
            f"full/trafilatura CLI (URLs) {_ratio(by.get('full'), by.get('trafilatura'))}",
            f"full/trafilatura CLI (files) {_ratio(by.get('full'), by.get('trafilatura-files'))}",
        ]
    rows.append("Ratios in articles/s: " + ", ".join(ratios) + ".")
    errors = {r["variant"]: r["error_reasons"] for r in size["variants"] if r.get("error_reasons")}
    for variant, reasons in errors.items():
        rows.append(
            f"Extraction errors ({variant}): "
            + "; ".join(f"{n} × {reason}" for reason, n in reasons.items())
            + "."
        )
    if size.get("trafilatura_parallel"):
        tp = size["trafilatura_parallel"]
        rows.append(
            f"trafilatura `--parallel` tried on 200 URLs (pages/s): {tp['tries']}; "
            f"used {tp['best']}."
        )
    return "\n".join(rows)


def _where(run: dict[str, Any]) -> str:
    m = run["machine"]
    where = f"commit {m['commit']}" if m.get("commit") else "commit not recorded"
    if m.get("uncommitted_product_files"):
        where += " plus uncommitted changes to " + ", ".join(m["uncommitted_product_files"])
    load = m.get("load_average_at_start")
    return (
        f"Run {run['date']} ({where}"
        + (f"; load average at start {load}" if load else "")
        + f"): `{run['command']}`"
        + (f"\n\n{run['note']}" if run.get("note") else "")
    )


def real_heading(entry: dict[str, Any]) -> str:
    site = entry["site"]
    return (
        f"## Real pages: {site['pages']} pages × {site['aliases']} URLs "
        f"({site['articles']:,} articles)"
    )


def real_description(entry: dict[str, Any]) -> str:
    site = entry["site"]
    skipped = ", ".join(f"{n} {reason}" for reason, n in site.get("skipped", {}).items() if n)
    sources = ", ".join(f"{k} {v}" for k, v in site.get("sources", {}).items())
    return (
        f"{site['pages']} real article pages of `../shared/corpus/articles` ({sources}; "
        f"median {site.get('median_page_kb', '?')} KB of HTML; left out: {skipped or 'none'}), "
        f"each served under {site['aliases']} URLs, behind {site['listing_pages']} generated "
        f"listing pages of {site['cards']} cards (plain HTML, a next link), "
        "with no charset in the headers (each page declares its own)."
    )


def write_report(
    results: dict[str, Any], command: str, earlier: list[dict[str, Any]], report: Path = REPORT
) -> None:
    m = results["machine"]
    keep = ""
    if report.exists():
        old = report.read_text()
        if ANALYSIS_HEADING in old:
            keep = old[old.index(ANALYSIS_HEADING) :]
    parts = [
        "# Benchmarks",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, "
        f"Linux {m['kernel']}, Python {m['python']}, Scrapy {m['scrapy']}, "
        f"trafilatura {m['trafilatura']}, lxml {m['lxml']}, pyarrow {m['pyarrow']}, "
        f"nginx {m['nginx']}.",
        "",
        "Entry point (each table below gives the exact command of its run):",
        "",
        "    python benchmarks/run.py --sizes 10000,100000    # --quick: 300 articles a section",
        "",
        "Two sections. **Real pages**: the real article pages of `../shared/corpus/articles` "
        "(`benchmarks/realsite.py`), each under several URLs, behind generated listing pages; "
        "variants full, bare, naive and plain. **Generated pages**: the site generated by "
        "`benchmarks/gensite.py` (fixed seed): article pages of "
        "50-200 KB (median about 100 KB: head full of meta/link/script tags, inline CSS and "
        "JS, menus, sidebar widgets, a long comments section, footer; 1-8 KB of Chinese or "
        "English prose with code blocks and formulas), listing pages of 10-20 cards with "
        "numbered pagination. nginx serves both on 127.0.0.1 (1 worker, sendfile, no access "
        "log). The crawls use `"
        + " ".join(f"-s {k}={v}" for k, v in SPEED_SETTINGS.items())
        + "`; trafilatura runs with `--fast --no-comments` (the options the pipeline uses) and a "
        "config with `SLEEP_TIME = 0` and `SSRF_PROTECTION = off` (it refuses 127.0.0.1 and "
        "waits 5 s between requests to one host otherwise).",
        "",
        "Columns: articles/s is rows of `articles` (bare: article pages fetched) / wall time; "
        "extraction errors are rows of `errors`; CPU ms/article is user+system "
        "time of the whole process tree (getrusage of children) / articles, nginx excluded "
        "(its CPU is the next column); peak RSS tree sums RSS over the process tree, sampled "
        "every 0.5 s (PSS counts pages shared by forked workers once); Parquet B/article is "
        "the size of `DATA_DIR/articles` / articles; pages/s counts every article page handled "
        "(trafilatura writes nothing for some pages); other load CPU s is the machine's busy "
        "CPU time during the run outside the measured tree and nginx: other users' processes "
        "and kernel work (part of it the loopback traffic of the run itself).",
        "",
    ]
    runs = [*earlier, results]
    for run in runs:
        for entry in run.get("real", []):
            parts += [real_heading(entry), "", real_description(entry), "", _where(run), ""]
            parts += [table(entry), ""]
    for run in runs:
        for size in run["sizes"]:
            parts += [f"## Generated pages: {size['articles']:,} articles", "", _where(run), ""]
            parts += [table(size), ""]
    files = ", ".join(f"`benchmarks/results/{r['file']}`" for r in runs)
    parts.append(
        f"Raw results: {files}. Targets: real pages: full ≥ 1.8× naive, CPU ≤ 22 ms per "
        "article, full ≥ 0.4× bare; generated pages: full ≥ 2.5× naive, ≥ 110 articles/s; "
        "peak RSS tree at 100,000 ≤ 550 MB and ≤ 1.1× the peak at 10,000."
    )
    parts.append("")
    if keep:
        parts.append(keep.rstrip() + "\n")
    report.write_text("\n".join(parts))


def parse_limits(text: str) -> dict[str, float]:
    limits: dict[str, float] = {}
    for part in filter(None, text.split(",")):
        name, _, value = part.rpartition("=")
        limits[name] = float(value)
    return limits


def profile(n: int, listing_pages: int) -> int:
    """py-spy over the full pipeline (crawl process and workers) on the first listing pages."""
    if not shutil.which("py-spy"):
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "py-spy"], check=True)
    site = WORK / f"site-{n}"
    gensite.generate(site, n)
    out = WORK / f"profile-{n}"
    out.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    with Nginx(site, out / "nginx") as server:
        for fmt, target in (("flamegraph", RESULTS / "profile.svg"), ("raw", out / "profile.txt")):
            data = _fresh(out / "data")
            crawl = scrapy_crawl(server.url, data, 2, max_pages=listing_pages)
            cmd = ["py-spy", "record", "--subprocesses", "--rate", "50", "--format", fmt]
            cmd += ["-o", str(target), "--", *crawl]
            print(" ".join(cmd), flush=True)
            with (out / f"{fmt}.log").open("wb") as log:
                subprocess.run(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    summary = summarize_profile(out / "profile.txt")
    (RESULTS / "profile-summary.txt").write_text(summary + "\n")
    print(summary)
    return 0


def summarize_profile(collapsed: Path, top: int = 25) -> str:
    """Self and inclusive sample shares per function, crawl process and workers apart."""
    own: dict[str, dict[str, int]] = {"crawl process": {}, "extraction workers": {}}
    incl: dict[str, dict[str, int]] = {"crawl process": {}, "extraction workers": {}}
    total = {"crawl process": 0, "extraction workers": 0}
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        k = int(count)
        raw = stack.split(";")
        worker = any("_start_pool" in f or "worker_process" in f for f in raw)
        kind = "extraction workers" if worker else "crawl process"
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0] + ")" for f in raw]
        frames = [f.replace(f.split("(")[-1], f.split("(")[-1].split("/")[-1]) for f in frames]
        total[kind] += k
        own[kind][frames[-1]] = own[kind].get(frames[-1], 0) + k
        for f in set(frames):
            incl[kind][f] = incl[kind].get(f, 0) + k
    lines = []
    for kind, n in total.items():
        if not n:
            continue
        lines.append(f"== {kind}: {n} samples\nself:")
        for f, k in sorted(own[kind].items(), key=lambda kv: -kv[1])[:top]:
            lines.append(f"  {100 * k / n:5.1f}%  {f}")
        lines.append("inclusive:")
        for f, k in sorted(incl[kind].items(), key=lambda kv: -kv[1])[: top * 2]:
            lines.append(f"  {100 * k / n:5.1f}%  {f}")
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------------


def run_real(
    args: argparse.Namespace,
    variants: list[str],
    limits: dict[str, float],
    results: dict,
    name: str,
) -> None:
    """The real-pages section: build (or reuse) the site, serve it, run the variants."""
    pages_wanted = QUICK_REAL_PAGES if args.quick and not args.real_pages else args.real_pages
    sources = [x for x in args.real_sources.split(",") if x] or None
    pages, skipped = realsite.select(args.corpus, pages_wanted, sources)
    if not pages:
        print(f"real pages: no usable page under {args.corpus}; section skipped", flush=True)
        return
    site = WORK / f"real-{len(pages)}x{args.aliases}"
    print(f"real pages: {len(pages)} pages × {args.aliases} URLs: {site}", flush=True)
    info = realsite.build(site, pages, skipped, args.aliases, args.cards)
    print(f"  {json.dumps(info, ensure_ascii=False)}", flush=True)
    wanted = [v for v in variants if v in REAL_VARIANTS]
    left = [v for v in variants if v not in REAL_VARIANTS]
    if left:
        print(f"  not run on real pages: {', '.join(left)}", flush=True)
    out = WORK / f"run-real-{len(pages)}x{args.aliases}"
    out.mkdir(parents=True, exist_ok=True)
    entry: dict[str, Any] = {"section": "real", "site": info, "variants": []}
    results["real"].append(entry)
    n = int(info["articles"])
    server = Nginx(site, out / "nginx", charset=None, locations=realsite.NGINX_LOCATIONS)
    with server:
        print(f"  nginx on {server.url}", flush=True)
        for v in wanted:
            limit = limits.get(v, limits.get(""))
            keep = args.keep_data / f"real-{v}" if args.keep_data else None
            entry["variants"].append(run_variant(v, n, site, server, out, limit, 2, keep))
            (RESULTS / name).write_text(json.dumps(results, indent=1, ensure_ascii=False))


def run_generated(
    args: argparse.Namespace,
    sizes: list[int],
    variants: list[str],
    limits: dict[str, float],
    results: dict,
    name: str,
) -> None:
    for n in sizes:
        site = WORK / f"site-{n}"
        print(f"site of {n} articles: {site}", flush=True)
        info = gensite.generate(site, n)
        print(f"  {json.dumps(info)}", flush=True)
        out = WORK / f"run-{n}"
        out.mkdir(parents=True, exist_ok=True)
        entry: dict[str, Any] = {"articles": n, "site": info, "variants": []}
        results["sizes"].append(entry)
        with Nginx(site, out / "nginx") as server:
            print(f"  nginx on {server.url}", flush=True)
            parallel = 2
            if "trafilatura" in variants:
                tries = [int(x) for x in args.parallel_tries.split(",") if x]
                entry["trafilatura_parallel"] = best_trafilatura_parallel(server, site, out, tries)
                parallel = entry["trafilatura_parallel"]["best"]
            for v in variants:
                p = (os.cpu_count() or 2) if v == "trafilatura-files" else parallel
                limit = limits.get(v, limits.get(""))
                keep = args.keep_data / f"generated-{n}-{v}" if args.keep_data else None
                entry["variants"].append(run_variant(v, n, site, server, out, limit, p, keep))
                (RESULTS / name).write_text(json.dumps(results, indent=1, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help="which sections, in order: real (corpus pages), generated (gensite.py)",
    )
    ap.add_argument("--sizes", default="10000,100000", help="generated: article counts")
    ap.add_argument(
        "--quick",
        action="store_true",
        help=f"generated: one site of 300 articles; real: {QUICK_REAL_PAGES} pages (unless "
        "--real-pages)",
    )
    ap.add_argument("--variants", default=",".join(VARIANTS), help="which runs, in order")
    ap.add_argument(
        "--real-pages",
        type=int,
        default=0,
        metavar="N",
        help="real: at most N corpus pages, taken in turn from each source (0: every usable)",
    )
    ap.add_argument("--aliases", type=int, default=10, help="real: URLs per page")
    ap.add_argument("--cards", type=int, default=20, help="real: cards per listing page")
    ap.add_argument("--real-sources", default="", help="real: only these corpus sources")
    ap.add_argument("--corpus", type=Path, default=realsite.CORPUS, help="real: the corpus")
    ap.add_argument(
        "--time-limit",
        default="",
        help="seconds after which a run is stopped (SIGINT) and reported as partial;\n"
        "one number for all, or per variant: full=1500,bare=600,900",
    )
    ap.add_argument(
        "--include",
        action="append",
        default=[],
        type=Path,
        help="earlier results JSON whose sections the report shows too",
    )
    ap.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="PAGES",
        help="instead of the runs: py-spy profiles of the full pipeline over PAGES listing\n"
        "pages of the first size (benchmarks/results/profile.svg and profile.txt)",
    )
    ap.add_argument("--parallel-tries", default="2,3,4,6,8", help="trafilatura --parallel values")
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="no runs: rebuild BENCHMARKS.md from the --include files (the last one leads)",
    )
    ap.add_argument("--no-report", action="store_true", help="do not rewrite BENCHMARKS.md")
    ap.add_argument(
        "--keep-data",
        type=Path,
        metavar="DIR",
        help="keep the DATA_DIR of full and naive as DIR/real-full, DIR/generated-N-naive, …\n"
        "(compare two runs' rows with benchmarks/rows.py)",
    )
    ap.add_argument(
        "--report", type=Path, default=REPORT, help="the report to write (default BENCHMARKS.md)"
    )
    args = ap.parse_args(argv)

    sizes = [300] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    variants = [v for v in args.variants.split(",") if v]
    for v in variants:
        if v not in VARIANTS:
            ap.error(f"unknown variant {v!r}; choose from {', '.join(VARIANTS)}")
    sections = [x for x in args.sections.split(",") if x]
    for x in sections:
        if x not in SECTIONS:
            ap.error(f"unknown section {x!r}; choose from {', '.join(SECTIONS)}")
    limits = parse_limits(args.time_limit)
    if args.keep_data:
        args.keep_data = args.keep_data.resolve()
    if args.profile:
        return profile(sizes[0], args.profile)
    if args.report_only:
        runs = [json.loads(f.read_text()) for f in args.include]
        write_report(runs[-1], runs[-1]["command"], runs[:-1], args.report)
        return 0
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    now = datetime.now(UTC)
    results: dict[str, Any] = {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "machine": machine(),
        "settings": SPEED_SETTINGS,
        "real": [],
        "sizes": [],
    }
    name = ("quick-" if args.quick else "") + now.strftime("%Y-%m-%d-%H%M") + ".json"
    results["file"] = name
    RESULTS.mkdir(parents=True, exist_ok=True)
    for section in sections:
        if section == "real":
            run_real(args, variants, limits, results, name)
        else:
            run_generated(args, sizes, variants, limits, results, name)
    (RESULTS / name).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    if not args.no_report:
        earlier = [json.loads(f.read_text()) for f in args.include]
        write_report(results, command, earlier, args.report)
    print(f"results: {RESULTS / name}" + ("" if args.no_report else f", report: {args.report}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
