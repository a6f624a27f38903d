"""Extensions: the crawl's record and verdict (``record``), its progress lines
(``progress``), the per-site counts both read (``tally``), and freed memory handed back to
the system (``memory``); ``timer`` is the base of the extensions that run on a timer."""

from crawler.extensions.memory import ReleaseMemory
from crawler.extensions.progress import Progress
from crawler.extensions.record import FAILED_STAT, SUMMARY_STAT, CrawlRecord, verdict

__all__ = ["FAILED_STAT", "SUMMARY_STAT", "CrawlRecord", "Progress", "ReleaseMemory", "verdict"]
