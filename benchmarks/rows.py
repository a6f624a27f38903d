"""Are two crawls' ``articles`` rows the same? Compare two DATA_DIRs, ids and times aside.

    python benchmarks/rows.py benchmarks/work/keep/A/real-full benchmarks/work/keep/B/real-full

For the data directories ``benchmarks/run.py --keep-data DIR`` keeps (one per section and
variant). Rows are matched by URL with the loopback port taken out (each run serves on a
port of its own); ``crawl_id``, ``first_seen`` and ``version`` are left out, and so is
``duplicate_of``, which names whichever copy of a text was fetched first, an order that
changes from run to run (its count of non-empty values is compared instead). The ``errors``
rows are compared by URL, stage and reason. Exit status 0 when identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

IGNORED = {"crawl_id", "first_seen", "version", "duplicate_of", "at", "seen_at"}
_LOOPBACK = re.compile(r"http://127\.0\.0\.1:\d+")


def _plain(value: Any, column: str) -> Any:
    if isinstance(value, str) and column != "text":
        return _LOOPBACK.sub("http://127.0.0.1", value)
    if isinstance(value, list):
        return [_plain(v, column) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def read(table: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    for f in sorted(table.rglob("*.parquet")):
        if f.name.startswith("."):
            continue
        for row in pq.read_table(f).to_pylist():
            rows.append({k: _plain(v, k) for k, v in row.items()})
    return rows


def _short(value: Any, width: int = 100) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


def compare(a: Path, b: Path, show: int = 10) -> int:
    differences = 0
    left, right = read(a / "articles"), read(b / "articles")
    print(f"articles: {len(left)} rows in {a}, {len(right)} in {b}")
    dup = [sum(1 for r in rows if r.get("duplicate_of")) for rows in (left, right)]
    if dup[0] != dup[1]:
        print(f"  rows marked duplicate_of: {dup[0]} against {dup[1]}")
        differences += 1
    la, rb = {r["url"]: r for r in left}, {r["url"]: r for r in right}
    for name, only in (("only in A", set(la) - set(rb)), ("only in B", set(rb) - set(la))):
        if only:
            differences += len(only)
            print(f"  {name}: {len(only)} ({', '.join(sorted(only)[:5])})")
    by_field: Counter[str] = Counter()
    shown = 0
    for url in sorted(set(la) & set(rb)):
        fields = sorted(
            k
            for k in set(la[url]) | set(rb[url])
            if k not in IGNORED and la[url].get(k) != rb[url].get(k)
        )
        if not fields:
            continue
        differences += 1
        by_field.update(fields)
        if shown < show:
            shown += 1
            print(f"  {url}:")
            for f in fields:
                print(f"    {f}: {_short(la[url].get(f))}")
                print(f"    {' ' * len(f)}  {_short(rb[url].get(f))}")
    if by_field:
        print(f"  differing rows by column: {dict(by_field)}")
    errors = [
        Counter((r.get("url"), r.get("stage"), r.get("error")) for r in read(d / "errors"))
        for d in (a, b)
    ]
    print(f"errors: {sum(errors[0].values())} rows in A, {sum(errors[1].values())} in B")
    if errors[0] != errors[1]:
        differences += 1
        for row in list((errors[0] - errors[1]).elements())[:show]:
            print(f"  only in A: {row}")
        for row in list((errors[1] - errors[0]).elements())[:show]:
            print(f"  only in B: {row}")
    if differences:
        print("the rows differ")
        return 1
    print("identical rows (ids, times and duplicate_of targets left out)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("a", type=Path, help="a DATA_DIR")
    ap.add_argument("b", type=Path, help="another DATA_DIR")
    args = ap.parse_args(argv)
    for d in (args.a, args.b):
        if not (d / "articles").exists():
            print(f"rows.py: no articles table under {d}", file=sys.stderr)
            return 2
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
