from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipelines.store.base import StorageError
from pipelines.store.local import check_writable
from pipelines.store.schema import METADATA_KEY, SCHEMA_VERSION, TABLES
from pipelines.store.sqlite_index import SQLiteIndex
from pipelines.store.writer import TableWriter
from pipelines.text.fingerprints import simhash
from tests.helpers.paths import ROOT
from tests.helpers.rows import article


def test_rows_go_out_in_row_groups_and_files_roll(tmp_path: Path) -> None:
    committed: list[str] = []
    w = TableWriter(
        tmp_path,
        "articles",
        "c1",
        row_group_rows=10,
        roll_rows=30,
        on_commit=lambda t, name: committed.append(name),
    )
    for i in range(25):
        w.write(article(i))
    # 20 rows are in row groups of an unfinished, hidden file; nothing is visible yet.
    assert list((tmp_path / "articles").glob("*.parquet")) == []
    assert len(list((tmp_path / "articles").glob(".*.tmp"))) == 1
    for i in range(25, 65):
        w.write(article(i))
    w.commit()
    files = sorted((tmp_path / "articles").glob("*.parquet"))
    assert [f.name for f in files] == committed == [f"part-c1-{i:05d}.parquet" for i in range(3)]
    assert [pq.ParquetFile(f).metadata.num_row_groups for f in files] == [3, 3, 1]
    assert list((tmp_path / "articles").glob(".*")) == []
    table = ds.dataset(tmp_path / "articles").to_table()
    assert table.num_rows == 65
    assert table.schema.remove_metadata() == TABLES["articles"].remove_metadata()
    assert pq.read_schema(files[0]).metadata[METADATA_KEY] == SCHEMA_VERSION.encode()


LEAN_WRITER = """
import sys
from datetime import UTC, datetime
from pipelines.store.writer import TableWriter, lean_arrow_for_writing
lean_arrow_for_writing()
w = TableWriter(sys.argv[1], "errors", "c1", row_group_rows=2)
for i in range(5):
    w.write({"url": f"u{i}", "stage": "extract", "error": "x", "at": datetime.now(UTC), "status": i})
w.commit()
print("pandas imported while writing:", "pandas" in sys.modules)
# What the crawl does after each commit: read the new file's columns back.
from pathlib import Path
from pipelines.store.local import LocalDataset
local = LocalDataset(Path(sys.argv[1]))
back = [local.read("errors", name, ["status"]) for name in local.files("errors")]
print("read back:", sum(t.num_rows for t in back), "pyarrow.dataset or pandas imported:",
      "pandas" in sys.modules or "pyarrow.dataset" in sys.modules)
import pyarrow.dataset as ds
frame = ds.dataset(sys.argv[1] + "/errors").to_table().to_pandas()
print("rows read with pandas:", len(frame), list(frame["status"]))
"""


def test_the_crawl_writer_does_not_import_pandas(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    done = subprocess.run(
        [sys.executable, "-c", LEAN_WRITER, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.splitlines() == [
        "pandas imported while writing: False",
        "read back: 5 pyarrow.dataset or pandas imported: False",
        "rows read with pandas: 5 [0, 1, 2, 3, 4]",
    ]


def test_null_in_first_batch_keeps_declared_types(tmp_path: Path) -> None:
    w = TableWriter(tmp_path, "errors", "c1")
    w.write(
        {"url": "u", "stage": "download", "error": "x", "at": datetime.now(UTC), "status": None}
    )
    w.commit()
    assert ds.dataset(tmp_path / "errors").schema.field("status").type == "int32"


def _probe_many(root: str) -> int:
    for _ in range(300):
        check_writable(Path(root))
    return 0


def test_workers_starting_together_check_one_root(tmp_path: Path) -> None:
    # Distributed workers started at once each check DATA_DIR: no probe collides.
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(4) as pool:
        assert pool.map(_probe_many, [str(tmp_path)] * 4) == [0, 0, 0, 0]
    assert list(tmp_path.iterdir()) == []


def test_unwritable_root(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(StorageError, match="cannot be written"):
        check_writable(tmp_path / "f" / "sub")


def test_index_follows_the_files(tmp_path: Path) -> None:
    w = TableWriter(tmp_path, "articles", "c1", row_group_rows=2)
    index = SQLiteIndex(tmp_path)
    for i in range(3):
        assert index.reserve(f"https://x.org/{i}", "h", simhash(f"t {i}"), w.pending_name)
        w.write(article(i))
    assert not index.reserve("https://x.org/1", "h", 0, w.pending_name)
    # Killed before the file was finished: its claims vanish at the next start.
    index.close()
    index = SQLiteIndex(tmp_path)
    assert index.reconcile() == (0, 0)
    assert not index.is_known("https://x.org/1")
    # A finished file the index never heard of is read in.
    w.commit()
    assert index.reconcile() == (1, 0)
    assert index.is_known("https://x.org/1") and index.count() == 3
    assert index.stored_before("https://x.org/1", "c2") and not index.stored_before(
        "https://x.org/1", "c1"
    )
    for f in (tmp_path / "articles").glob("*.parquet"):
        f.unlink()
    assert index.reconcile() == (0, 1) and index.count() == 0


def test_near_duplicates(tmp_path: Path) -> None:
    index = SQLiteIndex(tmp_path)
    text = "Python程序中存储的所有数据都是对象,每一个对象有一个身份,一个类型和一个值。" * 5
    index.reserve("https://x.org/a", "h1", simhash(text), "f")
    assert index.near_duplicate_of("h2", simhash(text + "。")) == "https://x.org/a"
    assert index.near_duplicate_of("h1", 0) == "https://x.org/a"
    assert (
        index.near_duplicate_of(
            "h3", simhash("完全不同的另一篇文章，讲的是分布式系统的一致性协议。" * 5)
        )
        is None
    )
