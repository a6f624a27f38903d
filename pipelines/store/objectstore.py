"""An object store as DATA_DIR: ``s3://bucket/prefix``, or any URI pyarrow's filesystems open.

An object store has no rename, no symlink and no lock, so a file is committed another way:
it is written to a local spool file, then uploaded under its final key in one PUT (or, above
pyarrow's part size of 10 MB, one multipart upload). The store shows an object only once its
upload is complete, so a reader sees a whole file or none, as after a rename. What is not
data (the SQLite index, the spool) stays in a local state directory.

Endpoint and credentials are pyarrow's: URI options (``?endpoint_override=host:9000&
scheme=http``, ``region=…``) and the usual ``AWS_*`` environment variables.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import fs as pafs

from pipelines.store.base import Dataset, StorageError, owner, remove_dead_writers_files

_CHUNK = 8 << 20
STALE_SECONDS = 6 * 3600


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def display(uri: str) -> str:
    """The URI as shown to users: no credentials (``s3://KEY:SECRET@bucket``), no options."""
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}".rstrip("/")


def default_state_dir(uri: str) -> Path:
    """``~/.cache/listings/<hash>``: one local state directory per dataset URI."""
    options = sorted(parse_qsl(urlsplit(uri).query))
    key = display(uri) + "?" + "&".join(f"{k}={v}" for k, v in options)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "listings" / hashlib.sha256(key.encode()).hexdigest()[:12]


def _with_defaults(uri: str) -> str:
    # Without allow_delayed_open pyarrow makes every S3 object, even a tiny one, a multipart
    # upload; with it, an object under the part size goes up in one PUT when it is closed.
    parts = urlsplit(uri)
    if parts.scheme.lower() != "s3" or "allow_delayed_open" in dict(parse_qsl(parts.query)):
        return uri
    return uri + ("&" if parts.query else "?") + "allow_delayed_open=true"


def filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    """pyarrow's filesystem for ``uri`` and the path in it; StorageError if it has none."""
    try:
        return pafs.FileSystem.from_uri(_with_defaults(uri))
    except (OSError, pa.ArrowException) as exc:
        reason = _one_line(exc).replace(uri, display(uri))
        raise StorageError(
            f"DATA_DIR {display(uri)!r} is neither a path nor a URI pyarrow can open: {reason}"
        ) from exc


class ObjectStoreDataset(Dataset):
    """Tables as plain key prefixes (``prefix/articles/part-….parquet``), no generations."""

    def __init__(
        self, uri: str, fs: pafs.FileSystem, base: str, state_dir: str | Path | None = None
    ) -> None:
        self.uri = display(uri)
        self.fs = fs
        self.base = base.rstrip("/")
        self.state_dir = Path(state_dir).expanduser() if state_dir else default_state_dir(uri)
        self.spool_dir = self.state_dir / "spool"

    def __str__(self) -> str:
        return self.uri

    def check_writable(self) -> None:
        # The store first: a wrong bucket, endpoint or credential must leave nothing behind.
        probe = f"{self.base}/.write-probe~{owner()}"
        try:
            if not self.base:
                raise OSError("the URI names no bucket")
            with self.fs.open_output_stream(probe) as out:
                out.write(b"")
        except (OSError, pa.ArrowException) as exc:
            raise StorageError(
                f"DATA_DIR {self.uri!r} cannot be written: {_one_line(exc)}"
            ) from exc
        with contextlib.suppress(OSError, pa.ArrowException):  # hidden from every reader
            self.fs.delete_file(probe)
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"LISTINGS_STATE_DIR {str(self.state_dir)!r} cannot be written: "
                f"{exc.strerror or exc}"
            ) from exc

    def open_for_writing(self) -> None:
        # No lock: an object store has none (compaction refuses object stores).
        self.check_writable()
        remove_dead_writers_files(self.spool_dir.glob(".*.tmp"), STALE_SECONDS)

    def table_location(self, table: str) -> str:
        return f"{self.uri}/{table}"

    def files(self, table: str) -> list[str]:
        selector = pafs.FileSelector(f"{self.base}/{table}", allow_not_found=True)
        return sorted(
            info.base_name
            for info in self.fs.get_file_info(selector)
            if info.is_file
            and info.base_name.endswith(".parquet")
            and not info.base_name.startswith((".", "_"))
        )

    def read(self, table: str, name: str, columns: list[str]) -> pa.Table:
        # Not pq.read_table: see LocalDataset.read.
        with (
            self.fs.open_input_file(f"{self.base}/{table}/{name}") as source,
            pq.ParquetFile(source) as f,
        ):
            return f.read(columns=columns)

    def spool_path(self, table: str, name: str) -> Path:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        return self.spool_dir / f".{table}.{name}~{owner()}.tmp"

    def publish(self, table: str, spool: Path, name: str) -> None:
        key = f"{self.base}/{table}/{name}"
        try:
            size = spool.stat().st_size
            # Streamed, so memory stays bounded by pyarrow's upload buffers; the object
            # appears only when the stream closes complete.
            with open(spool, "rb") as src, self.fs.open_output_stream(key) as out:
                shutil.copyfileobj(src, out, _CHUNK)
            # pyarrow cannot abort an upload: a copy cut short would still be closed, so
            # check what arrived (and delete it below).
            stored = self.fs.get_file_info(key).size
            if stored != size:
                raise OSError(f"{stored} of {size} bytes arrived")
        except (OSError, pa.ArrowException) as exc:
            with contextlib.suppress(OSError, pa.ArrowException):
                self.fs.delete_file(key)
            raise StorageError(
                f"cannot upload {self.uri}/{table}/{name}: {_one_line(exc)}"
            ) from exc
        self.discard(spool)
