"""The Lua scripts of the distributed mode, kept as files in ``lua/`` and loaded by name."""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Any


@functools.cache
def source(name: str) -> str:
    """The text of ``lua/<name>.lua``; recover and give_back start with the requeue helper."""
    text = files(__package__).joinpath("lua", f"{name}.lua").read_text("utf-8")
    if name in ("recover", "give_back"):
        text = source("requeue") + text
    return text


def register(server: Any, name: str) -> Any:
    """The script registered with ``server`` (called with ``keys=`` and ``args=``)."""
    return server.register_script(source(name))
