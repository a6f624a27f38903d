"""Runs one command and measures it: wall time, CPU of the whole process tree, peak memory.

CPU comes from ``getrusage(RUSAGE_CHILDREN)`` deltas (every process of the tree is reaped
by its parent, so workers are included); memory is sampled with psutil every 0.5 s over
the live process tree (RSS summed, and PSS, which counts pages shared by forked workers once).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

SAMPLE_SECONDS = 0.5


@dataclass
class Measured:
    command: list[str]
    returncode: int | None
    wall_s: float
    cpu_user_s: float
    cpu_sys_s: float
    peak_rss_tree_mb: float
    peak_pss_tree_mb: float
    peak_rss_main_mb: float
    peak_processes: int
    stopped_at_time_limit: bool
    rss_timeline_mb: list[tuple[float, float]] = field(default_factory=list)

    @property
    def cpu_s(self) -> float:
        return self.cpu_user_s + self.cpu_sys_s

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["cpu_s"] = round(self.cpu_s, 2)
        return d


class _Sampler(threading.Thread):
    def __init__(self, root: psutil.Process) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_main = 0
        self.peak_procs = 0
        self.timeline: list[tuple[float, float]] = []
        self.started = time.monotonic()

    def run(self) -> None:
        last_point = -10.0
        while not self.stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            rss = pss = 0
            for p in procs:
                try:
                    mem = p.memory_full_info()
                except psutil.Error:
                    continue
                rss += mem.rss
                pss += getattr(mem, "pss", mem.rss)
                if p.pid == self.root.pid:
                    self.peak_main = max(self.peak_main, mem.rss)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, len(procs))
            now = time.monotonic() - self.started
            if now - last_point >= 10:
                self.timeline.append((round(now, 1), round(rss / 2**20, 1)))
                last_point = now
            self.stop.wait(SAMPLE_SECONDS)


def run(
    command: list[str],
    log: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    time_limit: float | None = None,
    stop_signal: int = signal.SIGINT,
) -> Measured:
    """Run ``command`` to its end, or send ``stop_signal`` at ``time_limit``.

    SIGINT lets Scrapy finish what is in flight and close its files. A command that does
    not stop on it (trafilatura's process pool) gets SIGTERM instead: its rate is then
    over the time it was allowed, not over a shutdown that goes on working.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with log.open("wb") as out:
        proc = psutil.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        sampler = _Sampler(proc)
        sampler.start()
        stopped = False
        at_stop = (0.0, 0.0)
        try:
            proc.wait(timeout=time_limit)
        except psutil.TimeoutExpired:
            stopped = True
            # Processes killed with their parent are never reaped into RUSAGE_CHILDREN.
            at_stop = tree_cpu_times(proc.pid)
            os.killpg(proc.pid, stop_signal)
            try:
                proc.wait(timeout=300 if stop_signal == signal.SIGINT else 30)
            except psutil.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        wall = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    if stopped and stop_signal != signal.SIGINT:
        user, system = max(user, at_stop[0]), max(system, at_stop[1])
    mb = 2**20
    return Measured(
        command=command,
        returncode=proc.returncode,
        wall_s=round(wall, 2),
        cpu_user_s=round(user, 2),
        cpu_sys_s=round(system, 2),
        peak_rss_tree_mb=round(sampler.peak_rss / mb, 1),
        peak_pss_tree_mb=round(sampler.peak_pss / mb, 1),
        peak_rss_main_mb=round(sampler.peak_main / mb, 1),
        peak_processes=sampler.peak_procs,
        stopped_at_time_limit=stopped,
        rss_timeline_mb=sampler.timeline,
    )


def tree_cpu_times(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of a live process tree, its reaped children included."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0, 0.0
    user = system = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        user += t.user + t.children_user
        system += t.system + t.children_system
    return user, system


def tree_cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of a live process tree (for the web server)."""
    return sum(tree_cpu_times(pid))


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine spent busy since boot."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)
