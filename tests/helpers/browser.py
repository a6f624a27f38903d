"""Whether this machine can render pages: the mark that skips a test where it cannot."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"

needs_chromium = pytest.mark.skipif(
    importlib.util.find_spec("scrapy_playwright") is None
    or not (Path(CHROMIUM).is_file() or shutil.which("chromium")),
    reason="rendering needs scrapy-playwright (pip install '.[render]') and Chromium "
    "(apt-get install chromium), not installed here",
)
