"""The dataset: Parquet tables under ``DATA_DIR``, a directory or an object store.

``open_dataset(DATA_DIR)`` chooses the backend by URI scheme: ``LocalDataset`` for a path,
``ObjectStoreDataset`` for a URI such as ``s3://bucket/prefix``. Backends never import
each other; this module is the only place that knows both.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.store.base import Dataset, StorageError
from pipelines.store.local import LocalDataset

__all__ = ["Dataset", "LocalDataset", "StorageError", "open_dataset"]

# "s3://…", "gs://…", "file://…": anything else is a path.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def open_dataset(data_dir: str | Path | Dataset, state_dir: str | Path | None = None) -> Dataset:
    """The dataset at ``DATA_DIR``: a path, or a URI of a filesystem pyarrow knows.

    ``state_dir`` (``LISTINGS_STATE_DIR``) is only used by object stores; a local dataset
    keeps its state in ``DATA_DIR/_state`` as it always did.
    """
    if isinstance(data_dir, Dataset):
        return data_dir
    if isinstance(data_dir, Path) or not _URI.match(data_dir):
        return LocalDataset(Path(data_dir))
    from pyarrow.fs import LocalFileSystem

    from pipelines.store.objectstore import ObjectStoreDataset, filesystem

    fs, path = filesystem(data_dir)
    if isinstance(fs, LocalFileSystem):  # file:///srv/crawls
        return LocalDataset(Path(path))
    return ObjectStoreDataset(data_dir, fs, path, state_dir)
