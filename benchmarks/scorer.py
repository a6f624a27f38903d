"""What the quality scorers share: running the project's real commands, from this checkout
or another one, and printing or writing their result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRAPY = Path(sys.executable).with_name("scrapy")


@dataclass(frozen=True)
class Ran:
    """How a command ended: exit status (124 when it timed out), its output, its duration."""

    code: int
    out: str
    err: str
    seconds: float


def run_command(cmd: list[str], timeout: float, project: Path = ROOT) -> Ran:
    """Run ``cmd`` in ``project``; another checkout's packages shadow the installed ones."""
    env = None
    if project.resolve() != ROOT:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(project.resolve()), env.get("PYTHONPATH")])
        )
    start = time.monotonic()
    try:
        proc = subprocess.run(
            cmd, cwd=project, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        partial = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
        code, out, err = 124, "", f"{partial}\ntimed out: {exc}"
    return Ran(code, out, err, time.monotonic() - start)


def report(result: dict[str, Any], table: str, json_path: Path | None) -> int:
    """Print a scorer's table (or why it skipped) and write its full result as JSON."""
    if not result["pages"]:
        print(f"skipped: {result.get('skipped')}")
        return 0
    print(table)
    print(f"wall time {result['wall_seconds']} s")
    if json_path:
        json_path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), "utf-8")
        print(f"wrote {json_path}")
    return 0
