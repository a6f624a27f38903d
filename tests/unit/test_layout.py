"""The rules of the layout that import contracts cannot state: how settings are read."""

from __future__ import annotations

import ast

import scrapy.settings.default_settings as scrapy_defaults

import crawler.settings as project_settings
from tests.helpers.paths import ROOT

GETTERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict", "getwithbase"}
# Read from scrapy-redis's own defaults by the distributed mode.
SCRAPY_REDIS = {"SCHEDULER_QUEUE_KEY", "SCHEDULER_DUPEFILTER_KEY", "SCHEDULER_SERIALIZER"}


def _is_settings(receiver: ast.expr) -> bool:
    # ``settings.get``, ``s.get`` and ``self.settings.get`` / ``crawler.settings.get``.
    if isinstance(receiver, ast.Name):
        return receiver.id in ("settings", "s")
    return isinstance(receiver, ast.Attribute) and receiver.attr == "settings"


def settings_reads() -> list[tuple[str, int, str, bool]]:
    """(file, line, setting name, has a literal default) for every settings read."""
    reads = []
    for path in sorted([*(ROOT / "crawler").rglob("*.py"), *(ROOT / "pipelines").rglob("*.py")]):
        if path.name == "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in GETTERS
                and _is_settings(node.func.value)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value.isupper()
            ):
                literal = len(node.args) > 1 or bool(node.keywords)
                rel = str(path.relative_to(ROOT))
                reads.append((rel, node.lineno, node.args[0].value, literal))
    return reads


def test_settings_are_read_without_a_literal_default() -> None:
    offenders = [f"{f}:{line} {name}" for f, line, name, literal in settings_reads() if literal]
    assert offenders == []


def test_every_setting_read_is_declared() -> None:
    declared = {n for n in dir(project_settings) if n.isupper()}
    known = declared | {n for n in dir(scrapy_defaults) if n.isupper()} | SCRAPY_REDIS
    undeclared = sorted({name for _, _, name, _ in settings_reads()} - known)
    assert undeclared == []


def test_reads_find_something() -> None:
    # The scan itself must be able to fail: it sees the settings the project reads.
    names = {name for _, _, name, _ in settings_reads()}
    assert {"LISTINGS_MAX_PAGES", "LISTINGS_EXTRACT_TIMEOUT", "REDIS_URL"} <= names
