"""Memory and time of reading a million-URL gzipped sitemap.

    python benchmarks/sitemap_memory.py                  # 1,000,000 URLs, in /tmp
    python benchmarks/sitemap_memory.py --urls 200000 --dir /var/tmp

Writes the sitemap once (``sitemap-N.xml.gz``), then measures, each in a fresh process (so
that every peak is its own): Python with the page functions imported (the baseline);
``read_feed`` as the crawl calls it (cards capped at ``MAX_ENTRIES``); and the streaming
parser alone over every entry of the file (no cap, no cards kept, the inflation cap lifted),
which shows that reading does not grow with the file. Peak RSS from ``getrusage``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
from datetime import UTC, datetime
from pathlib import Path
import pipelines.pages.feeds as feeds
from pipelines.model import FetchedPage

mode, path = sys.argv[1], Path(sys.argv[2])
result = {}
if mode != "baseline":
    body = path.read_bytes()
    page = FetchedPage("https://blog.example.com/sitemap.xml.gz", body, "application/gzip", 200,
                       datetime.now(UTC))
    started = time.perf_counter()
    if mode == "read_feed":
        listing = feeds.read_feed(page)
        result["cards"] = len(listing.cards)
    else:
        feeds.MAX_INFLATED = 1 << 40
        result["entries"] = sum(1 for _ in feeds._sitemap_entries(body))
    result["seconds"] = round(time.perf_counter() - started, 2)
result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(result))
"""


def write_sitemap(path: Path, urls: int) -> None:
    if path.exists():
        return
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
        for i in range(urls):
            out.write(
                f"<url><loc>https://blog.example.com/{2000 + i % 26}/{i % 12 + 1:02d}/"
                f"post-{i:07d}/</loc><lastmod>20{10 + i % 16}-{i % 12 + 1:02d}-"
                f"{i % 28 + 1:02d}T08:00:00+00:00</lastmod></url>\n"
            )
        out.write("</urlset>\n")
    tmp.rename(path)


def measure(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    path = args.dir / f"sitemap-{args.urls}.xml.gz"
    write_sitemap(path, args.urls)
    with gzip.open(path, "rb") as gz:
        inflated = sum(len(chunk) for chunk in iter(lambda: gz.read(1 << 20), b""))
    print(
        f"{path}: {args.urls:,} URLs, {path.stat().st_size / 1e6:.1f} MB gzipped, "
        f"{inflated / 1e6:.1f} MB inflated"
    )
    for mode, what in (
        ("baseline", "python + page functions imported"),
        ("read_feed", "read_feed as the crawl calls it (MAX_ENTRIES cap)"),
        ("stream", "every entry streamed, no cap"),
    ):
        print(f"{what:52} {json.dumps(measure(mode, path))}")


if __name__ == "__main__":
    main()
