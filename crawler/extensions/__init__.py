"""Extensions: the crawl's record and verdict (``record``), its progress lines
(``progress``), and the per-site counts both read (``tally``)."""

from crawler.extensions.progress import Progress
from crawler.extensions.record import FAILED_STAT, SUMMARY_STAT, CrawlRecord, verdict

__all__ = ["FAILED_STAT", "SUMMARY_STAT", "CrawlRecord", "Progress", "verdict"]
