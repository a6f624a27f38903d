"""``ReleaseMemory``: the crawl process hands freed memory back to the system every
``LISTINGS_RELEASE_MEMORY_SECONDS`` (see ``crawler.memory``).

Responses, their bodies and the rows waiting for a row group come and go by the thousand;
without this the crawl process keeps the pages of its busiest moment to the end.
"""

from __future__ import annotations

from crawler.extensions.timer import Every
from crawler.memory import release_memory


class ReleaseMemory(Every):
    """Extension calling ``release_memory`` on a timer while the spider runs."""

    SETTING = "LISTINGS_RELEASE_MEMORY_SECONDS"
    OFF = "memory is not handed back on a timer"

    def tick(self) -> None:
        release_memory()
