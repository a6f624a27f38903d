"""The dataset report: one self-contained HTML file (tables and SVG plots, no script, no
network) showing what a crawl or the whole dataset holds. ``scrapy report`` writes it."""

from pipelines.report.html import render_report
from pipelines.report.summary import DatasetSummary, summarise

__all__ = ["DatasetSummary", "render_report", "summarise"]
