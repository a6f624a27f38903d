"""Extractors that misbehave on purpose, plugged in with LISTINGS_EXTRACTOR in tests."""

from __future__ import annotations

import os
import time
from typing import Any

from pipelines.pages.extract import extract_page


def hang_or_crash(page: Any, site: Any, options: Any) -> Any:
    """Hangs on URLs containing "hang", kills its process on "crash", else extracts."""
    if "hang" in page.url:
        time.sleep(3600)
    if "crash" in page.url:
        os._exit(1)
    return extract_page(page, site, options)
