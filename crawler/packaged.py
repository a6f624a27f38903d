"""Files shipped inside the ``crawler`` package, found the same way in every install: a
checkout or editable install, a wheel, or a scrapyd egg (a zip on ``sys.path``)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path


def packaged_file(name: str) -> Path:
    """A real path to the package's file ``name``; extracted to a cache file when the
    package lives in a zip (scrapyd's eggs), so readers that want a path still get one."""
    ref = resources.files("crawler").joinpath(name)
    if isinstance(ref, Path):
        return ref
    data = ref.read_bytes() if ref.is_file() else b""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or tempfile.gettempdir()) / "listings"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{hashlib.sha256(data).hexdigest()[:12]}-{name}"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return path
