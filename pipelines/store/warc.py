"""The raw pages of a crawl, kept as WARC 1.1 (request and response records, gzip per record).

Files roll at ``roll_bytes`` under ``DATA_DIR/warc/`` and, like the Parquet files, are
written under a hidden temporary name and renamed once complete: a reader (``warcio index``,
``scrapy reprocess``) sees whole files only. A file left by a killed crawl is finished by
the next run (``recover``): its complete records are kept, a torn last record is cut off,
so that every row that names a record finds it.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.store.base import StorageError, fsync_dir, owner, writer_alive

SUFFIX = ".warc.gz"
ROLL_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class WarcLocation:
    """Where a response record lies: the file's name under ``warc/`` and its byte offset."""

    file: str
    offset: int


@dataclass(frozen=True)
class ArchivedResponse:
    """One response read back from an archive, as the crawl received it."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    location: WarcLocation


class WarcArchive:
    """Appends request/response pairs to rolling WARC files of one crawl."""

    def __init__(self, directory: Path, prefix: str, roll_bytes: int = ROLL_BYTES) -> None:
        self.directory = directory
        self.prefix = prefix
        self.roll_bytes = roll_bytes
        self._seq = 0
        self._name: str | None = None
        self._tmp: Path | None = None
        self._fh: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self._seq += 1
            name = f"{self.prefix}-{self._seq:05d}{SUFFIX}"
            if not (self.directory / name).exists():
                break
        self._name = name
        self._tmp = self.directory / f".{name}~{owner()}.tmp"
        self._fh = open(self._tmp, "wb")  # noqa: SIM115 - held across records
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="WARC/1.1")
        info = self._writer.create_warcinfo_record(
            name, {"software": "listings", "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)

    def write(
        self,
        url: str,
        status: int,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        request_headers: Iterable[tuple[str, str]] = (),
        method: str = "GET",
        fetched_at: datetime | None = None,
        extra: dict[str, str] | None = None,
    ) -> WarcLocation:
        """Archive one exchange; the location of its response record. ``extra`` adds
        WARC headers to the response record (what the crawl knew of the request)."""
        if self._writer is None:
            self._open()
        assert self._writer is not None and self._fh is not None and self._name is not None
        date = (fetched_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            reason = "OK" if status == 200 else "-"
            http = StatusAndHeaders(f"{status} {reason}", list(headers), protocol="HTTP/1.1")
            response = self._writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": date, **(extra or {})},
            )
            req_http = StatusAndHeaders(
                f"{method} {url}", list(request_headers), protocol="HTTP/1.1", is_http_request=True
            )
            response_id = response.rec_headers.get_header("WARC-Record-ID")
            request = self._writer.create_warc_record(
                url,
                "request",
                http_headers=req_http,
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
            )
            self._fh.flush()
            offset = self._fh.tell()
            # The response first, so that its offset is the one the rows name.
            self._writer.write_record(response)
            self._writer.write_record(request)
            self._fh.flush()
        except OSError as exc:
            raise StorageError(f"cannot write the WARC archive: {exc}") from exc
        location = WarcLocation(self._name, offset)
        if self._fh.tell() >= self.roll_bytes:
            self.commit()
        return location

    def commit(self) -> str | None:
        """Finish the current file (fsync, rename into place); its name, or None."""
        if self._fh is None or self._tmp is None or self._name is None:
            return None
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            os.replace(self._tmp, self.directory / self._name)
            fsync_dir(self.directory)
        except OSError as exc:
            raise StorageError(f"cannot finish the WARC file {self._name}: {exc}") from exc
        name = self._name
        self._fh = self._writer = None
        self._tmp = self._name = None
        return name

    def abort(self) -> None:
        """Drop the file in progress (a distributed worker that was replaced)."""
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.unlink()
        self._fh = self._writer = None
        self._tmp = self._name = None


def _complete_length(path: Path) -> int:
    """Bytes of ``path`` that hold whole records (a torn last record is left out)."""
    good = 0
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        try:
            for record in records:
                record.content_stream().read()
                good = records.get_record_offset() + records.get_record_length()
        except (ArchiveLoadFailed, EOFError, OSError, ValueError):
            pass
    return good


def recover(directory: Path) -> list[str]:
    """Finish the WARC files of dead crawls: whole records kept, the name made final."""
    finished = []
    for tmp in sorted(directory.glob(f".*{SUFFIX}~*.tmp")) if directory.is_dir() else []:
        if writer_alive(tmp):
            continue
        name = tmp.name[1:].split("~", 1)[0]
        length = _complete_length(tmp)
        with contextlib.suppress(OSError):
            if length == 0:
                tmp.unlink()
                continue
            with open(tmp, "r+b") as fh:
                fh.truncate(length)
                os.fsync(fh.fileno())
            os.replace(tmp, directory / name)
            finished.append(name)
    if finished:
        fsync_dir(directory)
    return finished


def _archived(record: Any, location: WarcLocation, body: bytes) -> ArchivedResponse:
    http = record.http_headers
    date = record.rec_headers.get_header("WARC-Date") or ""
    try:
        fetched = datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        fetched = datetime.now(UTC)
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        status=int(http.get_statuscode() or 0) if http is not None else 0,
        headers=list(http.headers) if http is not None else [],
        body=body,
        fetched_at=fetched,
        location=location,
    )


def responses(path: Path) -> Iterator[ArchivedResponse]:
    """Every response record of a WARC file, in order, its body decoded as a reader wants."""
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type == "response":
                location = WarcLocation(path.name, records.get_record_offset())
                yield _archived(record, location, record.content_stream().read())


def response_index(path: Path) -> dict[str, WarcLocation]:
    """URL -> location of its response record in ``path`` (the last one wins)."""
    index: dict[str, WarcLocation] = {}
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                index[url] = WarcLocation(path.name, records.get_record_offset())
    return index


def read_response(path: Path, offset: int) -> ArchivedResponse:
    """The response record at ``offset``, its body exactly as the crawl received it."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        return _archived(record, WarcLocation(path.name, offset), record.raw_stream.read())


START_HEADER = "WARC-Listings-Start"


def start_urls(path: Path) -> list[str]:
    """The start URLs of the crawls archived in ``path``, in order of appearance."""
    found: dict[str, None] = {}
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            value = record.rec_headers.get_header(START_HEADER)
            if record.rec_type == "response" and value:
                found.setdefault(value)
    return list(found)
