"""Instructions per article page, counted by valgrind: a speed measure the machine cannot drift.

    python benchmarks/instructions.py --corpus ../shared/corpus/articles --pages 40
    python benchmarks/instructions.py --corpus ../shared/corpus/articles --pages 40 --against HEAD~3
    python benchmarks/instructions.py --site benchmarks/work/site-300 --pages 40 --against fbe40c9

Wall and CPU time on this shared machine drift by 10-20 % from one hour to the next, more
than most single changes save. ``valgrind --tool=callgrind`` counts the instructions a
process executes instead: the same count for the same code and input, whatever else the
machine is doing. This runs ``extract_page`` (what an extraction worker runs) over the same
pages as ``stages.py`` under callgrind, once with the pages and once without (start-up,
imports and one warm-up page), and reports the difference per page; with ``--against REV``
the same for that commit, checked out in a temporary git worktree, and the change. Under
valgrind a page costs about 50 times its normal time: 40 real pages take 2-3 minutes per
tree, the trees run side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
_COLLECTED = re.compile(rb"Collected\s*:\s*(\d+)")


def child(args: argparse.Namespace) -> int:
    """In the process valgrind watches: load the pages, warm up on the first, extract the rest
    (none with ``--pages 0``)."""
    sys.path.insert(0, str(HERE))
    import stages

    extract_page, _, _ = stages._project()
    if args.corpus is not None:
        items = stages.load_corpus(args.corpus, max(args.load, 1), None)
    else:
        items = stages.load_site(args.site, max(args.load, 1))
    extract_page(items[0].page)
    for item in items[1 : args.pages + 1]:
        extract_page(item.page)
    return 0


def count(tree: Path, where: list[str], pages: int, load: int) -> int:
    """The instructions of one child run of the code in ``tree``."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    cmd += [sys.executable, str(HERE / "instructions.py"), "--child", *where]
    cmd += ["--pages", str(pages), "--load", str(load)]
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or not found:
        tail = done.stderr.decode("utf-8", "replace")[-1500:]
        raise SystemExit(f"instructions.py: the run in {tree} failed:\n{tail}")
    return int(found.group(1))


def per_page(tree: Path, where: list[str], pages: int, pool: ThreadPoolExecutor) -> float:
    """Instructions per page: (run with the pages - run without) / pages."""
    with_pages = pool.submit(count, tree, where, pages, pages + 1)
    without = pool.submit(count, tree, where, 0, pages + 1)
    return (with_pages.result() - without.result()) / pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--site", type=Path, help="a generated site (benchmarks/work/site-N)")
    where.add_argument("--corpus", type=Path, help="the real pages (../shared/corpus/articles)")
    ap.add_argument("--pages", type=int, default=40, help="pages counted (after one warm-up)")
    ap.add_argument("--against", metavar="REV", help="also count this commit, and compare")
    ap.add_argument("--json", type=Path, help="write the counts as JSON")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--load", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args)
    if args.pages < 1:
        ap.error("--pages must be at least 1")
    if not shutil.which("valgrind"):
        raise SystemExit("instructions.py: valgrind is not installed (apt-get install valgrind)")
    where = ["--corpus", str(args.corpus.resolve())] if args.corpus else []
    where += ["--site", str(args.site.resolve())] if args.site else []
    trees = {"working tree": REPO}
    scratch = Path(tempfile.mkdtemp(prefix="listings-rev-"))
    try:
        if args.against:
            rev = subprocess.run(
                ["git", "rev-parse", "--short", args.against],
                cwd=REPO,
                capture_output=True,
                text=True,
            )
            if rev.returncode != 0:
                raise SystemExit(f"instructions.py: no commit {args.against!r} here")
            subprocess.run(
                ["git", "worktree", "add", "--detach", "-q", str(scratch / "tree"), args.against],
                cwd=REPO,
                check=True,
            )
            trees = {rev.stdout.strip(): scratch / "tree", **trees}
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            counts = {name: per_page(tree, where, args.pages, pool) for name, tree in trees.items()}
    finally:
        if args.against:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(scratch / "tree")],
                cwd=REPO,
                capture_output=True,
            )
        shutil.rmtree(scratch, ignore_errors=True)
    for name, n in counts.items():
        print(f"{name}: {n / 1e6:.1f} million instructions per page over {args.pages} pages")
    if len(counts) == 2:
        before, after = counts.values()
        print(f"change: {100 * (after - before) / before:+.1f} %")
    if args.json:
        args.json.write_text(json.dumps({"pages": args.pages, "per_page": counts}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
