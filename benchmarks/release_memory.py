"""What handing freed memory back costs and saves in an extraction worker, by policy.

    python benchmarks/release_memory.py --pages 300 --rounds 2

Runs ``extract_page`` in this process over the real corpus pages (as ``stages.py`` loads
them), ``--rounds`` times, once per policy: never release, release after every page, and
release once the C heap holds more than N MB free (``crawler.memory.release_memory``), and
what a crawl's worker does (``crawler.memory.release_worker_memory``: past 32 MB free, or past
4 MB ten seconds after its last release), and prints user and system CPU ms per page and the
peak and mean resident size sampled after each page. Giving pages back costs system time:
the next page faults them in again.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import stages  # noqa: E402

from crawler.memory import release_memory, release_worker_memory  # noqa: E402
from pipelines.pages.extract import extract_page  # noqa: E402
from pipelines.text.language import load_profiles  # noqa: E402


def measure(pages: list, rounds: int, policy: str) -> dict:
    process = psutil.Process()
    release_memory()
    samples: list[int] = []
    released = 0
    before = os.times()
    for _ in range(rounds):
        for item in pages:
            extract_page(item.page)
            if policy == "every page":
                released += release_memory()
            elif policy == "worker":
                released += release_worker_memory()
            elif policy != "never":
                released += release_memory(int(policy.split()[1]) * 2**20)
            samples.append(process.memory_info().rss)
    after = os.times()
    n = len(samples)
    return {
        "policy": policy,
        "user_ms": round(1000 * (after.user - before.user) / n, 2),
        "sys_ms": round(1000 * (after.system - before.system) / n, 2),
        "peak_mb": round(max(samples) / 2**20, 1),
        "mean_mb": round(sum(samples) / n / 2**20, 1),
        "releases": released,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared/corpus/articles")
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--free-mb", default="16,32,48", help="thresholds to try, in MB")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()
    pages = stages.load_corpus(args.corpus, args.pages, None)
    load_profiles()
    for item in pages[:30]:  # imports, caches and the first allocations out of the way
        extract_page(item.page)
    policies = ["never", "every page"] + [f"free {mb}" for mb in args.free_mb.split(",")]
    policies.append("worker")
    results = []
    print("policy          user ms/page  sys ms/page  peak MB  mean MB  releases")
    for policy in policies:
        r = measure(pages, args.rounds, policy)
        results.append(r)
        print(
            f"{policy + (' MB' if policy.startswith('free') else ''):15} {r['user_ms']:12} "
            f"{r['sys_ms']:12} {r['peak_mb']:8} {r['mean_mb']:8} {r['releases']:9}"
        )
    if args.json:
        command = "python benchmarks/release_memory.py " + " ".join(sys.argv[1:])
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        args.json.write_text(json.dumps({"date": when, "command": command, "results": results}))


if __name__ == "__main__":
    main()
