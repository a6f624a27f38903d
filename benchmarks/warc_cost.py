"""What WARC archiving costs: the same crawl with ``LISTINGS_WARC`` off and on.

    python benchmarks/run.py --quick --no-report     # builds benchmarks/work/site-300 once
    python benchmarks/warc_cost.py [--site benchmarks/work/site-300] [--runs 2]

The site is served by nginx on 127.0.0.1 (``server.py``); each crawl runs with the speed
settings of ``run.py``; printed per run: seconds, articles/s and archive bytes per article.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from server import Nginx

REPO = Path(__file__).resolve().parent.parent
SPEED = [
    *("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=32"),
    *("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-s", "ROBOTSTXT_OBEY=False"),
    *("-s", "LISTINGS_MAX_REQUESTS_PER_HOST=0", "-L", "WARNING"),
]


def crawl(url: str, data: Path, warc: str) -> float:
    """Seconds one crawl of ``url`` into ``data`` takes with ``LISTINGS_WARC=warc``."""
    cmd = ["scrapy", "crawl", "listings", "-a", f"start_urls={url}", "-s", f"DATA_DIR={data}"]
    start = time.monotonic()
    subprocess.run([*cmd, "-s", f"LISTINGS_WARC={warc}", *SPEED], cwd=REPO, check=True)
    return time.monotonic() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, default=REPO / "benchmarks" / "work" / "site-300")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    articles = len(list((args.site / "posts").iterdir()))
    work = Path(tempfile.mkdtemp(prefix="warc-cost-"))
    try:
        with Nginx(args.site, work / "nginx") as server:
            for run in range(args.runs):
                for warc in ("off", "on"):
                    data = work / f"data-{warc}-{run}"
                    seconds = crawl(server.url, data, warc)
                    size = sum(f.stat().st_size for f in (data / "warc").glob("*.warc.gz"))
                    print(
                        f"run {run + 1}, LISTINGS_WARC={warc}: {seconds:.1f} s, "
                        f"{articles / seconds:.1f} articles/s, archive {size / 1e6:.1f} MB "
                        f"({size / articles / 1024:.1f} KB per article)"
                    )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
