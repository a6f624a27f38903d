"""The numbers behind the report, read file by file (never a whole table in memory)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.store.base import Dataset
from pipelines.store.local import LocalDataset

FILL_FIELDS = ("title", "author", "published", "category", "tags", "lang")


@dataclass
class CrawlRow:
    """One crawl of the ``crawls`` table, as the report shows it."""

    crawl_id: str
    started: datetime | None
    finished: datetime | None
    start_urls: list[str]
    pages_fetched: int
    articles_new: int
    errors: int
    finish_reason: str | None
    status: str | None
    failure: str | None

    @property
    def seconds(self) -> float:
        if self.started is None or self.finished is None:
            return 0.0
        return max((self.finished - self.started).total_seconds(), 0.0)


@dataclass
class SiteRow:
    """One site's numbers: articles, duplicates, hits, errors, filled fields, deepest page."""

    articles: int = 0
    duplicates: int = 0
    hits: int = 0
    errors: int = 0
    filled: Counter[str] = field(default_factory=Counter)
    max_page: int = 0


@dataclass
class DatasetSummary:
    """Everything the report shows, aggregated."""

    scope: str
    sites: dict[str, SiteRow] = field(default_factory=lambda: defaultdict(SiteRow))
    crawls: list[CrawlRow] = field(default_factory=list)
    per_crawl_site: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_month_site: Counter[tuple[str, str]] = field(default_factory=Counter)
    no_date: int = 0
    langs: Counter[str] = field(default_factory=Counter)
    text_lengths: list[int] = field(default_factory=list)
    errors_by_stage: Counter[tuple[str, str]] = field(default_factory=Counter)
    error_reasons: Counter[tuple[str, str]] = field(default_factory=Counter)
    hits_by_page: Counter[int] = field(default_factory=Counter)
    page_one_days: list[float] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return sum(s.articles for s in self.sites.values())

    @property
    def errors(self) -> int:
        return sum(self.errors_by_stage.values())


def _host(url: str | None) -> str:
    return (urlsplit(url or "").hostname or "").lower()


def _files(dataset: Dataset, table: str) -> Iterator[pq.ParquetFile]:
    for name in dataset.files(table):
        if isinstance(dataset, LocalDataset):
            yield pq.ParquetFile(Path(dataset.root) / table / name)
        else:  # an object store: its filesystem and key prefix
            fs, base = dataset.fs, dataset.base  # type: ignore[attr-defined]
            yield pq.ParquetFile(fs.open_input_file(f"{base}/{table}/{name}"))


def _batches(
    dataset: Dataset, table: str, columns: list[str], crawl: str | None
) -> Iterator[pa.RecordBatch]:
    """The table's rows in batches, only ``columns`` that the file has (older files lack
    some), only the rows of ``crawl`` when given."""
    for pf in _files(dataset, table):
        names = set(pf.schema_arrow.names)
        present = [c for c in columns if c in names]
        for batch in pf.iter_batches(batch_size=10_000, columns=present):
            if crawl is not None and "crawl_id" in names:
                batch = batch.filter(pc.equal(batch.column("crawl_id"), crawl))
            if batch.num_rows:
                yield batch


def _rows(batch: pa.RecordBatch, columns: list[str]) -> Iterator[dict[str, object]]:
    data = {c: batch.column(c).to_pylist() for c in columns if c in batch.schema.names}
    for i in range(batch.num_rows):
        yield {c: data[c][i] if c in data else None for c in columns}


def _crawls(dataset: Dataset) -> list[CrawlRow]:
    cols = [
        "crawl_id", "started", "finished", "start_urls", "pages_fetched", "articles_new",
        "errors", "finish_reason", "status", "failure",
    ]  # fmt: skip
    out = []
    for batch in _batches(dataset, "crawls", cols, None):
        for r in _rows(batch, cols):
            out.append(
                CrawlRow(
                    crawl_id=str(r["crawl_id"]),
                    started=r["started"],  # type: ignore[arg-type]
                    finished=r["finished"],  # type: ignore[arg-type]
                    start_urls=list(r["start_urls"] or []),  # type: ignore[call-overload]
                    pages_fetched=int(r["pages_fetched"] or 0),  # type: ignore[call-overload]
                    articles_new=int(r["articles_new"] or 0),  # type: ignore[call-overload]
                    errors=int(r["errors"] or 0),  # type: ignore[call-overload]
                    finish_reason=r["finish_reason"],  # type: ignore[arg-type]
                    status=r["status"],  # type: ignore[arg-type]
                    failure=r["failure"],  # type: ignore[arg-type]
                )
            )
    return sorted(out, key=lambda c: (c.started is None, c.started or 0, c.crawl_id))


def summarise(dataset: Dataset, crawl: str | None = None) -> DatasetSummary:
    """Aggregate the dataset (or one crawl of it: ``crawl`` is a crawl id or ``last``)."""
    crawls = _crawls(dataset)
    if crawl == "last":
        crawl = crawls[-1].crawl_id if crawls else None
        if crawl is None:
            raise LookupError("the dataset has no crawl yet")
    if crawl is not None:
        crawls = [c for c in crawls if c.crawl_id == crawl]
        if not crawls:
            raise LookupError(f"no crawl {crawl!r} in the dataset")
    s = DatasetSummary(scope=f"crawl {crawl}" if crawl else "the whole dataset", crawls=crawls)

    cols = ["url", "site", "published", "duplicate_of", "crawl_id", *FILL_FIELDS]
    for batch in _batches(dataset, "articles", [*cols, "text"], crawl):
        if "text" in batch.schema.names:
            s.text_lengths += pc.utf8_length(batch.column("text")).to_pylist()
        for r in _rows(batch, cols):
            site = str(r["site"] or _host(r["url"]))  # type: ignore[arg-type]
            row = s.sites[site]
            row.articles += 1
            row.duplicates += r["duplicate_of"] is not None
            for name in FILL_FIELDS:
                value = r[name]
                row.filled[name] += bool(value) if name == "tags" else value is not None
            s.per_crawl_site[(str(r["crawl_id"]), site)] += 1
            published = r["published"]
            if isinstance(published, datetime):
                s.per_month_site[(f"{published:%Y-%m}", site)] += 1
            else:
                s.no_date += 1
            s.langs[str(r["lang"] or "unknown")] += 1

    page_one: dict[str, list[datetime]] = {}
    cols = ["listing_url", "site", "page", "url", "seen_at"]
    for batch in _batches(dataset, "listing_hits", [*cols, "crawl_id"], crawl):
        for r in _rows(batch, cols):
            site = str(r["site"] or _host(r["listing_url"]))  # type: ignore[arg-type]
            page = int(r["page"] or 0)  # type: ignore[call-overload]
            s.sites[site].hits += 1
            s.sites[site].max_page = max(s.sites[site].max_page, page)
            s.hits_by_page[page] += 1
            if page == 1 and isinstance(r["seen_at"], datetime):
                seen = page_one.setdefault(str(r["url"]), [r["seen_at"], r["seen_at"]])
                seen[0], seen[1] = min(seen[0], r["seen_at"]), max(seen[1], r["seen_at"])
    s.page_one_days = [(b - a).total_seconds() / 86400 for a, b in page_one.values()]

    cols = ["url", "site", "stage", "status", "error"]
    for batch in _batches(dataset, "errors", [*cols, "crawl_id"], crawl):
        for r in _rows(batch, cols):
            site = str(r["site"] or _host(r["url"]))  # type: ignore[arg-type]
            s.sites[site].errors += 1
            status = f"HTTP {r['status']}" if r["status"] else "no HTTP status"
            s.errors_by_stage[(str(r["stage"]), status)] += 1
            reason = str(r["error"] or "")[:120]
            s.error_reasons[(str(r["stage"]), reason)] += 1
    return s
