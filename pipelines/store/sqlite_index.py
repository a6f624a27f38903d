"""The article index in an embedded SQLite file: which articles the dataset holds.

The index is an embedded SQLite file under ``DATA_DIR/_state/`` (for an object store, in
the local state directory) derived from the Parquet files themselves: at every start it is
reconciled with the files listed in the dataset (new files are read in, vanished ones
dropped, rows of a killed run's unfinished file forgotten), so it can never disagree with
the dataset for long.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from pipelines.store import open_dataset
from pipelines.store.base import Dataset
from pipelines.store.index import PENDING, Check, checks_in_file, due, stored_by_other_crawl
from pipelines.text.fingerprints import NEAR_DUPLICATE_DISTANCE, bands, signed, simhash


class SQLiteIndex:
    """URLs and text fingerprints of the articles stored (or being stored) in ``root``."""

    PENDING = PENDING

    def __init__(self, root: Path | str | Dataset) -> None:
        self.dataset = open_dataset(root)
        state = self.dataset.state_dir
        state.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(state / "index.sqlite", isolation_level=None, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        had_checks = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checks'"
        ).fetchone()
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS articles (
                url TEXT PRIMARY KEY, file TEXT NOT NULL, content_hash TEXT,
                simhash INTEGER, b0 INTEGER, b1 INTEGER, b2 INTEGER, b3 INTEGER);
            CREATE INDEX IF NOT EXISTS articles_file ON articles(file);
            CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash);
            CREATE INDEX IF NOT EXISTS articles_b0 ON articles(b0);
            CREATE INDEX IF NOT EXISTS articles_b1 ON articles(b1);
            CREATE INDEX IF NOT EXISTS articles_b2 ON articles(b2);
            CREATE INDEX IF NOT EXISTS articles_b3 ON articles(b3);
            CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, url TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS alias_files (name TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS checks (
                url TEXT PRIMARY KEY, version INTEGER NOT NULL, content_hash TEXT,
                etag TEXT, last_modified TEXT, checked_at REAL NOT NULL,
                gone INTEGER NOT NULL DEFAULT 0, pending TEXT);
            CREATE INDEX IF NOT EXISTS checks_due ON checks(gone, checked_at);
            """
        )
        if not had_checks:
            # An index from before checks existed: read every file again to derive them.
            self.db.execute("DELETE FROM files")

    def close(self) -> None:
        self.db.close()

    # -- keeping in step with the files --

    def reconcile(self) -> tuple[int, int]:
        """Sync with ``articles/*.parquet``; returns (files read in, files dropped)."""
        self.db.execute("DELETE FROM articles WHERE file LIKE ?", (self.PENDING + "%",))
        self._revert_pending_checks()
        on_disk = set(self.dataset.files("articles"))
        known = {r[0] for r in self.db.execute("SELECT name FROM files")}
        gone = known - on_disk
        for name in gone:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM articles WHERE file = ?", (name,))
            self.db.execute("DELETE FROM files WHERE name = ?", (name,))
            self.db.execute("COMMIT")
        added = sorted(on_disk - known)
        for name in added:
            table = self.dataset.read("articles", name, ["url", "text", "content_hash"])
            rows = [
                (r["url"], r["content_hash"], simhash(r["text"] or "")) for r in table.to_pylist()
            ]
            self._insert(rows, name)
            for check in checks_in_file(self.dataset, name):
                self._upsert_check(check, only_if_newer=True)
            self.db.execute("INSERT OR IGNORE INTO files VALUES (?)", (name,))
        self._reconcile_aliases()
        return len(added), len(gone)

    def _reconcile_aliases(self) -> None:
        # Only added: compaction renames files, and reading a merged file again is harmless.
        known = {r[0] for r in self.db.execute("SELECT name FROM alias_files")}
        for name in sorted(set(self.dataset.files("aliases")) - known):
            table = self.dataset.read("aliases", name, ["alias", "url"])
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR IGNORE INTO aliases VALUES (?, ?)",
                [(r["alias"], r["url"]) for r in table.to_pylist()],
            )
            self.db.execute("INSERT OR IGNORE INTO alias_files VALUES (?)", (name,))
            self.db.execute("COMMIT")

    def _insert(self, rows: Iterable[tuple[str, str | None, int]], file: str) -> None:
        self.db.execute("BEGIN")
        self.db.executemany(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET file = excluded.file",
            [(u, file, h, signed(s), *bands(s)) for u, h, s in rows],
        )
        self.db.execute("COMMIT")

    # -- questions --

    def is_known(self, url: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone() is not None
        )

    def near_duplicate_of(self, content_hash: str, fingerprint: int) -> str | None:
        """URL of a stored article with the same or nearly the same text."""
        row = self.db.execute(
            "SELECT url FROM articles WHERE content_hash = ? LIMIT 1", (content_hash,)
        ).fetchone()
        if row:
            return str(row[0])
        if fingerprint == 0:
            return None
        b = bands(fingerprint)
        for url, other in self.db.execute(
            "SELECT url, simhash FROM articles WHERE b0 = ? OR b1 = ? OR b2 = ? OR b3 = ?", b
        ):
            if bin((other & ((1 << 64) - 1)) ^ fingerprint).count("1") <= NEAR_DUPLICATE_DISTANCE:
                return str(url)
        return None

    def file_of(self, url: str) -> str | None:
        """The file that holds ``url`` (``pending:…`` while it is being written), or None."""
        row = self.db.execute("SELECT file FROM articles WHERE url = ?", (url,)).fetchone()
        return None if row is None else str(row[0])

    def stored_before(self, url: str, crawl_id: str) -> bool:
        """Stored by an earlier crawl (not by this one, nor pending)."""
        file = self.file_of(url)
        return file is not None and stored_by_other_crawl(file, crawl_id)

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def resolve(self, url: str) -> str:
        """The article's URL for one of its aliases; any other URL as it is."""
        row = self.db.execute("SELECT url FROM aliases WHERE alias = ?", (url,)).fetchone()
        return url if row is None else str(row[0])

    def add_aliases(self, url: str, aliases: list[str]) -> list[str]:
        """Remember ``aliases`` as addresses of ``url``; returns those not known before."""
        added = []
        self.db.execute("BEGIN")
        for alias in dict.fromkeys(aliases):
            if alias == url:
                continue
            cur = self.db.execute("INSERT OR IGNORE INTO aliases VALUES (?, ?)", (alias, url))
            if cur.rowcount:
                added.append(alias)
        self.db.execute("COMMIT")
        return added

    # -- checks (LISTINGS_RECHECK_DAYS) --

    def check_of(self, url: str) -> Check | None:
        row = self.db.execute(
            "SELECT url, version, content_hash, etag, last_modified, checked_at, gone "
            "FROM checks WHERE url = ?",
            (url,),
        ).fetchone()
        return None if row is None else _check(row)

    def record_check(self, check: Check, pending_file: str | None = None) -> None:
        """Remember a check; with ``pending_file``, a new version that file is writing."""
        self._upsert_check(check, pending=pending_file)

    def due_for_recheck(
        self, checked_before: datetime, limit: int, hosts: set[str] | None = None
    ) -> list[Check]:
        """Articles last checked before ``checked_before``, oldest first, not gone."""
        rows = self.db.execute(
            "SELECT url, version, content_hash, etag, last_modified, checked_at, gone "
            "FROM checks WHERE gone = 0 AND pending IS NULL AND checked_at < ? "
            "ORDER BY checked_at",
            (checked_before.timestamp(),),
        )
        return due((_check(r) for r in rows), hosts, limit)

    def _upsert_check(
        self, check: Check, *, only_if_newer: bool = False, pending: str | None = None
    ) -> None:
        values = (
            check.url,
            check.version,
            check.content_hash,
            check.etag,
            check.last_modified,
            check.checked_at.timestamp(),
            int(check.gone),
            pending,
        )
        newer = (
            " WHERE excluded.version > checks.version OR (excluded.version = checks.version"
            " AND excluded.checked_at > checks.checked_at)"
            if only_if_newer
            else ""
        )
        self.db.execute(
            "INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
            "version = excluded.version, content_hash = excluded.content_hash, "
            "etag = excluded.etag, last_modified = excluded.last_modified, "
            "checked_at = excluded.checked_at, gone = excluded.gone, pending = excluded.pending"
            + newer,
            values,
        )

    def _revert_pending_checks(self) -> None:
        """New versions whose file a killed run never finished: back to what the files say."""
        urls = [r[0] for r in self.db.execute("SELECT url FROM checks WHERE pending IS NOT NULL")]
        for url in urls:
            self.db.execute("DELETE FROM checks WHERE url = ?", (url,))
            file = self.file_of(url)
            if file is None or file.startswith(self.PENDING):
                continue
            for check in checks_in_file(self.dataset, file):
                if check.url == url:
                    self._upsert_check(check)

    # -- changes --

    def reserve(self, url: str, content_hash: str, fingerprint: int, pending_file: str) -> bool:
        """Claim ``url`` for a file being written; False if it is already stored or claimed."""
        try:
            self._insert_one(url, content_hash, fingerprint, self.PENDING + pending_file)
        except sqlite3.IntegrityError:
            return False
        return True

    def _insert_one(self, url: str, h: str, s: int, file: str) -> None:
        self.db.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (url, file, h, signed(s), *bands(s)),
        )

    def rename_files(self, renamed: dict[str, str]) -> None:
        """Compaction moved the rows of each old file into a new one."""
        self.db.execute("BEGIN")
        for old, new in renamed.items():
            self.db.execute("UPDATE articles SET file = ? WHERE file = ?", (new, old))
            self.db.execute("DELETE FROM files WHERE name = ?", (old,))
            self.db.execute("INSERT OR IGNORE INTO files VALUES (?)", (new,))
        self.db.execute("COMMIT")

    def commit_file(self, pending_file: str, name: str) -> None:
        """The file is in place: its claimed URLs are now stored."""
        self.db.execute("BEGIN")
        self.db.execute(
            "UPDATE articles SET file = ? WHERE file = ?", (name, self.PENDING + pending_file)
        )
        self.db.execute("UPDATE checks SET pending = NULL WHERE pending = ?", (pending_file,))
        self.db.execute("INSERT OR IGNORE INTO files VALUES (?)", (name,))
        self.db.execute("COMMIT")
        self._checks_of_file(name)

    def _checks_of_file(self, name: str) -> None:
        """The checks a committed file stands for (its articles' first check is their fetch)."""
        try:
            checks = checks_in_file(self.dataset, name)
        except Exception:  # the file is gone again (compacted meanwhile): reconcile reads it
            return
        for check in checks:
            self._upsert_check(check, only_if_newer=True)


def _check(row: tuple) -> Check:  # type: ignore[type-arg]
    url, version, content_hash, etag, last_modified, checked_at, gone = row
    return Check(
        url,
        int(version),
        content_hash,
        etag,
        last_modified,
        datetime.fromtimestamp(checked_at, UTC),
        bool(gone),
    )
