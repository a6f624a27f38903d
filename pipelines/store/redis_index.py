"""The state index shared by many workers: which articles the dataset holds, kept in Redis.

Same questions and changes as ``SQLiteIndex`` (``pipelines/store/sqlite_index.py``), same meaning, but
every worker of a distributed crawl sees the same answers at once:

- ``reserve`` claims a URL atomically (a Lua script): one worker wins, the others are told
  the article is taken. A claim names its owner (the crawl id of the worker, read off the
  pending file name ``part-<crawl_id>-NNNNN.parquet``); a claim whose owner no longer
  sends heartbeats (``listings:alive:<crawl_id>``, kept by ``crawler/distributed/``) can be taken over, so a killed worker
  never blocks an article for ever.
- ``commit_file`` turns the claims of a file into stored URLs once the file is in place.
- ``reconcile`` derives the stored URLs from ``articles/*.parquet`` themselves: files not
  yet indexed are read in, vanished ones dropped, claims of dead workers forgotten. The
  index can therefore never disagree with the dataset for long.

Keys (one Redis database per dataset): ``listings:index:url`` (URL -> file name, or
``~owner~pending-file`` while claimed), ``…:sig`` (URL -> content hash, SimHash and its
bands), ``…:h:<content hash>`` and ``…:b:<band>:<value>`` (sets of URLs, for near
duplicates), ``…:files`` and ``…:file:<name>`` (committed files and their URLs),
``…:claims:<owner>`` and ``…:owners`` (pending claims per worker), ``…:alias`` (alias ->
article URL) and ``…:alias_files`` (``aliases/`` files read in), ``…:checks`` (URL -> the
recheck state, JSON) and ``…:checked`` (URLs by time of their last check, gone ones left out).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import redis

from pipelines.store import open_dataset
from pipelines.store.base import Dataset
from pipelines.store.index import (
    PENDING,
    Check,
    checks_in_file,
    crawl_of_file,
    due,
    stored_by_other_crawl,
)
from pipelines.text.fingerprints import NEAR_DUPLICATE_DISTANCE, bands, simhash

logger = logging.getLogger(__name__)

PREFIX = "listings:"
INDEX = PREFIX + "index:"
# Both kept up to date by crawler/distributed/: the registered workers, and one key per
# live worker that expires when its heartbeats stop.
WORKERS_KEY = PREFIX + "workers"
ALIVE_PREFIX = PREFIX + "alive:"


_INGEST_BATCH = 1000
# A reconcile lock outlives a killed holder by at most this long.
_LOCK_SECONDS = 60

# Helpers shared by the scripts below. Keys are built inside the scripts, so this needs a
# single Redis server (not Redis Cluster), as scrapy-redis itself does.
_LUA_PRELUDE = """
local P = ARGV[1]
-- op is SADD or SREM: the url in or out of its hash set and band sets.
local function signature_sets(op, url, sig)
  local i = 0
  for tok in string.gmatch(sig, '%S+') do
    if i == 0 and tok ~= '-' then
      redis.call(op, P .. 'h:' .. tok, url)
    elseif i >= 2 then
      redis.call(op, P .. 'b:' .. (i - 2) .. ':' .. tok, url)
    end
    i = i + 1
  end
end
local function forget(url)
  local sig = redis.call('HGET', P .. 'sig', url)
  if sig then
    signature_sets('SREM', url, sig)
    redis.call('HDEL', P .. 'sig', url)
  end
  local cur = redis.call('HGET', P .. 'url', url)
  if cur then
    if string.sub(cur, 1, 1) == '~' then
      local owner = string.match(cur, '^~([^~]*)~')
      redis.call('SREM', P .. 'claims:' .. owner, url)
    else
      redis.call('SREM', P .. 'file:' .. cur, url)
    end
    redis.call('HDEL', P .. 'url', url)
  end
end
local function remember(url, state, sig)
  redis.call('HSET', P .. 'url', url, state)
  redis.call('HSET', P .. 'sig', url, sig)
  signature_sets('SADD', url, sig)
end
"""

# ARGV: prefix, url, owner, pending file, signature, alive-key prefix, workers registry
_RESERVE = (
    _LUA_PRELUDE
    + """
local url, owner, pending, sig, alive, workers = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
-- A worker given up for dead (no longer registered) claims nothing: its work is redone.
if redis.call('EXISTS', workers) == 1 and redis.call('SISMEMBER', workers, owner) == 0 then
  return 0
end
local cur = redis.call('HGET', P .. 'url', url)
if cur then
  if string.sub(cur, 1, 1) ~= '~' then return 0 end
  local holder = string.match(cur, '^~([^~]*)~')
  if holder == owner or redis.call('EXISTS', alive .. holder) == 1 then return 0 end
  forget(url)
end
remember(url, '~' .. owner .. '~' .. pending, sig)
redis.call('SADD', P .. 'claims:' .. owner, url)
redis.call('SADD', P .. 'owners', owner)
return 1
"""
)

# ARGV: prefix, owner, pending file, final name. Returns how many claims of the file had
# been taken over meanwhile (its owner was given up for dead).
_COMMIT = """
local P, owner, pending, name = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local marker = '~' .. owner .. '~' .. pending
local mine = '~' .. owner .. '~'
local lost = 0
for _, url in ipairs(redis.call('SMEMBERS', P .. 'claims:' .. owner)) do
  local cur = redis.call('HGET', P .. 'url', url)
  if cur == marker then
    redis.call('HSET', P .. 'url', url, name)
    redis.call('SREM', P .. 'claims:' .. owner, url)
    redis.call('SADD', P .. 'file:' .. name, url)
  elseif not cur or string.sub(cur, 1, #mine) ~= mine then
    redis.call('SREM', P .. 'claims:' .. owner, url)
    if cur ~= name then lost = lost + 1 end
  end
end
redis.call('SADD', P .. 'files', name)
return lost
"""

# ARGV: prefix, file name, then url, signature pairs. A URL already indexed moves to this
# file (the dataset wins over any claim), like SQLiteIndex's ON CONFLICT.
_INGEST = (
    _LUA_PRELUDE
    + """
local name = ARGV[2]
for i = 3, #ARGV, 2 do
  local url, sig = ARGV[i], ARGV[i + 1]
  forget(url)
  remember(url, name, sig)
  redis.call('SADD', P .. 'file:' .. name, url)
end
return 0
"""
)

# ARGV: prefix, file name (ingestion finished: the file counts as known)
_FILE_KNOWN = """
redis.call('SADD', ARGV[1] .. 'files', ARGV[2])
return 0
"""

# ARGV: prefix, file name
_DROP_FILE = (
    _LUA_PRELUDE
    + """
local name = ARGV[2]
for _, url in ipairs(redis.call('SMEMBERS', P .. 'file:' .. name)) do
  if redis.call('HGET', P .. 'url', url) == name then forget(url) end
end
redis.call('DEL', P .. 'file:' .. name)
redis.call('SREM', P .. 'files', name)
return 0
"""
)

# ARGV: prefix, alive-key prefix, workers registry key. Forgets claims of owners that are
# neither alive nor registered (a registered worker is still about to be recovered).
_PURGE_DEAD = (
    _LUA_PRELUDE
    + """
local alive, workers = ARGV[2], ARGV[3]
local purged = 0
for _, owner in ipairs(redis.call('SMEMBERS', P .. 'owners')) do
  if redis.call('EXISTS', alive .. owner) == 0
      and redis.call('SISMEMBER', workers, owner) == 0 then
    local marker = '~' .. owner .. '~'
    for _, url in ipairs(redis.call('SMEMBERS', P .. 'claims:' .. owner)) do
      local cur = redis.call('HGET', P .. 'url', url)
      if cur and string.sub(cur, 1, #marker) == marker then
        forget(url)
        purged = purged + 1
      end
    end
    redis.call('DEL', P .. 'claims:' .. owner)
    redis.call('SREM', P .. 'owners', owner)
  end
end
return purged
"""
)

# ARGV: prefix, then old name, new name pairs (compaction merged old files into new ones).
_RENAME = """
local P = ARGV[1]
for i = 2, #ARGV, 2 do
  local old, new = ARGV[i], ARGV[i + 1]
  if old ~= new then
    for _, url in ipairs(redis.call('SMEMBERS', P .. 'file:' .. old)) do
      if redis.call('HGET', P .. 'url', url) == old then
        redis.call('HSET', P .. 'url', url, new)
        redis.call('SADD', P .. 'file:' .. new, url)
      end
    end
    redis.call('DEL', P .. 'file:' .. old)
    redis.call('SREM', P .. 'files', old)
    redis.call('SADD', P .. 'files', new)
  end
end
return 0
"""

_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def owner_of(pending_file: str) -> str:
    """The crawl id in a pending file name (``part-<crawl_id>-00003.parquet``)."""
    return crawl_of_file(pending_file) or pending_file


def _signature(content_hash: str | None, fingerprint: int) -> str:
    # Content hashes are hex digests; "-" stands for none. Bands are kept so that a URL can
    # be removed from its band sets without recomputing anything in Lua (no 64-bit ints).
    banded = " ".join(str(b) for b in bands(fingerprint))
    return f"{content_hash or '-'} {fingerprint} {banded}"


class RedisIndex:
    """URLs and text fingerprints of the articles stored (or being stored) in ``root``,
    shared through the Redis server at ``url`` by every worker writing to ``root``."""

    # How a claim is kept in Redis: ``~owner~pending-file`` (file names never start with ~).
    CLAIM = "~"
    PENDING = PENDING

    def __init__(self, url: str, root: Path | str | Dataset, *, prefix: str = INDEX) -> None:
        self.dataset = open_dataset(root)
        self.prefix = prefix
        self.redis: redis.Redis = redis.Redis.from_url(url, decode_responses=True)
        self._reserve = self.redis.register_script(_RESERVE)
        self._commit = self.redis.register_script(_COMMIT)
        self._ingest = self.redis.register_script(_INGEST)
        self._file_known = self.redis.register_script(_FILE_KNOWN)
        self._drop = self.redis.register_script(_DROP_FILE)
        self._purge = self.redis.register_script(_PURGE_DEAD)
        self._rename = self.redis.register_script(_RENAME)
        self._unlock = self.redis.register_script(_UNLOCK)

    def close(self) -> None:
        self.redis.close()

    # -- keeping in step with the files --

    def reconcile(self) -> tuple[int, int]:
        """Sync with ``articles/*.parquet``; returns (files read in, files dropped).

        One worker at a time does the reading (a lock with a time limit); the others then
        find little or nothing left to do.
        """
        with self._lock("reconcile"):
            self._purge(args=[self.prefix, ALIVE_PREFIX, WORKERS_KEY])
            on_disk = set(self.dataset.files("articles"))
            known = set(self.redis.smembers(self.prefix + "files"))
            gone = known - on_disk
            for name in gone:
                self._drop(args=[self.prefix, name])
            added = sorted(on_disk - known)
            for name in added:
                self._ingest_file(name)
            self._ingest_aliases()
        return len(added), len(gone)

    def _ingest_aliases(self) -> None:
        # Only added: compaction renames files, and reading a merged file again is harmless.
        known = set(self.redis.smembers(self.prefix + "alias_files"))
        for name in sorted(set(self.dataset.files("aliases")) - known):
            rows = self.dataset.read("aliases", name, ["alias", "url"]).to_pylist()
            for start in range(0, len(rows), _INGEST_BATCH):
                with self.redis.pipeline(transaction=False) as pipe:
                    for row in rows[start : start + _INGEST_BATCH]:
                        pipe.hsetnx(self.prefix + "alias", row["alias"], row["url"])
                    pipe.execute()
            self.redis.sadd(self.prefix + "alias_files", name)

    def _ingest_file(self, name: str) -> None:
        table = self.dataset.read("articles", name, ["url", "text", "content_hash"])
        args: list[str] = []
        for row in table.to_pylist():
            args += [row["url"], _signature(row["content_hash"], simhash(row["text"] or ""))]
            if len(args) >= 2 * _INGEST_BATCH:
                self._ingest(args=[self.prefix, name, *args])
                args = []
        if args:
            self._ingest(args=[self.prefix, name, *args])
        for check in checks_in_file(self.dataset, name):
            known = self.check_of(check.url)
            if known is None or check.newer_than(known):
                self.record_check(check)
        # Only now: a worker killed halfway leaves the file unknown, to be read again.
        self._file_known(args=[self.prefix, name])

    @contextlib.contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        key, token = self.prefix + "lock:" + name, uuid.uuid4().hex
        deadline = time.monotonic() + _LOCK_SECONDS
        # Waiting past the deadline is harmless: every step of a reconcile is idempotent.
        while not self.redis.set(key, token, nx=True, ex=_LOCK_SECONDS):
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        try:
            yield
        finally:
            self._unlock(keys=[key], args=[token])

    # -- questions --

    def is_known(self, url: str) -> bool:
        return bool(self.redis.hexists(self.prefix + "url", url))

    def near_duplicate_of(self, content_hash: str, fingerprint: int) -> str | None:
        """URL of a stored article with the same or nearly the same text."""
        if content_hash:
            same = self.redis.srandmember(self.prefix + "h:" + content_hash)
            if same:
                return str(same)
        if fingerprint == 0:
            return None
        keys = [f"{self.prefix}b:{i}:{b}" for i, b in enumerate(bands(fingerprint))]
        candidates = sorted(str(u) for u in self.redis.sunion(keys))
        for url, sig in zip(candidates, self._signatures(candidates), strict=True):
            if sig is None:
                continue
            other = int(sig.split()[1])
            if bin(other ^ fingerprint).count("1") <= NEAR_DUPLICATE_DISTANCE:
                return str(url)
        return None

    def _signatures(self, urls: list[str]) -> Iterator[str | None]:
        for start in range(0, len(urls), 500):
            for sig in self.redis.hmget(self.prefix + "sig", urls[start : start + 500]):
                yield None if sig is None else str(sig)

    def file_of(self, url: str) -> str | None:
        """The file that holds ``url`` (``pending:…`` while it is being written), or None."""
        raw = self.redis.hget(self.prefix + "url", url)
        file = None if raw is None else str(raw)
        if file is None or not file.startswith(self.CLAIM):
            return file
        return PENDING + file.split(self.CLAIM, 2)[2]

    def stored_before(self, url: str, crawl_id: str) -> bool:
        """Stored by an earlier crawl (not by this one, nor pending)."""
        file = self.file_of(url)
        return file is not None and stored_by_other_crawl(file, crawl_id)

    def count(self) -> int:
        return int(self.redis.hlen(self.prefix + "url"))

    def resolve(self, url: str) -> str:
        """The article's URL for one of its aliases; any other URL as it is."""
        target = self.redis.hget(self.prefix + "alias", url)
        return url if target is None else str(target)

    def add_aliases(self, url: str, aliases: list[str]) -> list[str]:
        """Remember ``aliases`` as addresses of ``url``; returns those not known before."""
        fresh = [a for a in dict.fromkeys(aliases) if a != url]
        if not fresh:
            return []
        with self.redis.pipeline(transaction=False) as pipe:
            for alias in fresh:
                pipe.hsetnx(self.prefix + "alias", alias, url)
            done = pipe.execute()
        return [a for a, new in zip(fresh, done, strict=True) if new]

    # -- checks (LISTINGS_RECHECK_DAYS) --

    def check_of(self, url: str) -> Check | None:
        raw = self.redis.hget(self.prefix + "checks", url)
        if raw is None:
            return None
        d = json.loads(str(raw))
        d["checked_at"] = datetime.fromtimestamp(d["checked_at"], UTC)
        return Check(**d)

    def record_check(self, check: Check, pending_file: str | None = None) -> None:
        """Remember a check (a new version's file is not tracked here: see the docs)."""
        d = dict(check.__dict__, checked_at=check.checked_at.timestamp())
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.prefix + "checks", check.url, json.dumps(d))
            if check.gone:
                pipe.zrem(self.prefix + "checked", check.url)
            else:
                pipe.zadd(self.prefix + "checked", {check.url: d["checked_at"]})
            pipe.execute()

    def due_for_recheck(
        self, checked_before: datetime, limit: int, hosts: set[str] | None = None
    ) -> list[Check]:
        """Articles last checked before ``checked_before``, oldest first, not gone."""

        def oldest() -> Iterator[Check]:
            start = 0
            while True:
                urls = self.redis.zrangebyscore(
                    self.prefix + "checked", "-inf", f"({checked_before.timestamp()}", start, 500
                )
                if not urls:
                    return
                for url in urls:
                    check = self.check_of(str(url))
                    if check is not None:
                        yield check
                start += len(urls)

        return due(oldest(), hosts, limit)

    # -- changes --

    def reserve(self, url: str, content_hash: str, fingerprint: int, pending_file: str) -> bool:
        """Claim ``url`` for a file being written; False if it is already stored or claimed."""
        args = [
            self.prefix,
            url,
            owner_of(pending_file),
            pending_file,
            _signature(content_hash, fingerprint),
            ALIVE_PREFIX,
            WORKERS_KEY,
        ]
        return bool(self._reserve(args=args))

    def rename_files(self, renamed: dict[str, str]) -> None:
        """Compaction moved the rows of each old file into a new one."""
        pairs = [name for item in renamed.items() for name in item]
        for start in range(0, len(pairs), 2 * _INGEST_BATCH):
            self._rename(args=[self.prefix, *pairs[start : start + 2 * _INGEST_BATCH]])

    def commit_file(self, pending_file: str, name: str) -> None:
        """The file is in place: its claimed URLs are now stored."""
        lost = self._commit(args=[self.prefix, owner_of(pending_file), pending_file, name])
        try:
            checks = checks_in_file(self.dataset, name)
        except Exception:  # the file is gone again (compacted meanwhile): reconcile reads it
            checks = []
        for check in checks:
            known = self.check_of(check.url)
            if known is None or check.newer_than(known):
                self.record_check(check)
        if lost:
            logger.error(
                "%d articles of %s had been claimed again by other workers after this one "
                "missed its heartbeats; they may now be stored twice.",
                lost,
                name,
            )
