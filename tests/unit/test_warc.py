"""The WARC archive: records where rows say they are, whole files only, torn tails cut."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.store.base import owner
from pipelines.store.warc import WarcArchive, read_response, recover, response_index, responses

HTML = [("Content-Type", "text/html; charset=utf-8")]


def archive_three(directory: Path, roll_bytes: int = 1 << 30) -> tuple[WarcArchive, list]:
    archive = WarcArchive(directory, "c1", roll_bytes)
    bodies = [f"<html><p>page {i} {'x' * 500 * i}</p></html>".encode() for i in range(3)]
    locations = [
        archive.write(f"http://blog.example/p/{i}/", 200, HTML, body, [("User-Agent", "t")])
        for i, body in enumerate(bodies)
    ]
    return archive, list(zip(locations, bodies, strict=True))


def test_records_are_found_where_rows_say(tmp_path: Path) -> None:
    archive, written = archive_three(tmp_path)
    assert list(tmp_path.glob("*.warc.gz")) == []  # nothing visible before it is complete
    archive.commit()
    (path,) = tmp_path.glob("*.warc.gz")
    for location, body in written:
        got = read_response(path, location.offset)
        assert (got.body, got.status, got.location) == (body, 200, location)
    assert [r.url for r in responses(path)] == [f"http://blog.example/p/{i}/" for i in range(3)]
    assert response_index(path)["http://blog.example/p/2/"] == written[2][0]


def test_files_roll_and_each_is_whole(tmp_path: Path) -> None:
    archive, written = archive_three(tmp_path, roll_bytes=1)
    archive.commit()
    names = sorted(p.name for p in tmp_path.glob("*.warc.gz"))
    assert names == [f"c1-0000{i}.warc.gz" for i in (1, 2, 3)]
    assert [loc.file for loc, _ in written] == names


def test_a_killed_crawls_file_is_finished_without_its_torn_record(tmp_path: Path) -> None:
    archive, written = archive_three(tmp_path)
    assert archive._fh is not None
    archive._fh.flush()
    (tmp,) = tmp_path.glob(".*.tmp")
    # A writer that died mid-record: its pid is gone and the last record is cut short.
    dead = tmp.with_name(tmp.name.replace(owner(), f"{owner().rsplit('-', 1)[0]}-999999999"))
    os.rename(tmp, dead)
    with open(dead, "r+b") as fh:
        fh.truncate(written[2][0].offset + 40)  # inside the third response record
    assert recover(tmp_path) == ["c1-00001.warc.gz"]
    path = tmp_path / "c1-00001.warc.gz"
    assert [r.location for r in responses(path)] == [loc for loc, _ in written[:2]]
    assert list(tmp_path.glob(".*.tmp")) == []


def test_a_live_writers_file_is_left_alone(tmp_path: Path) -> None:
    archive, _ = archive_three(tmp_path)
    assert recover(tmp_path) == []
    archive.commit()
    assert len(list(tmp_path.glob("*.warc.gz"))) == 1
