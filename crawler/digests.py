"""``DigestSet``: a crawl's growing sets of URLs and fingerprints, 8 bytes a member.

A crawl of a large site remembers every article URL its cards asked for and every request
it scheduled: as Python sets of strings and bytes that is about 130 bytes a member (26 MB
for 100,000 articles). Here each member is its 64-bit BLAKE2b digest in a sorted array; the
newest few thousand wait in a small set and are merged in batches. Two members are taken
for one only when their digests collide: about one chance in 10^8 for a million members.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

# Members held in a plain set before they are merged into the sorted array.
BATCH = 4096


def _digest(member: str | bytes) -> int:
    data = member.encode("utf-8", "surrogatepass") if isinstance(member, str) else member
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


class DigestSet:
    """A set of strings or bytes that answers ``add``, ``in`` and ``len``; it cannot give
    its members back."""

    def __init__(self, members: Iterable[str | bytes] = ()) -> None:
        self._sorted = np.empty(0, dtype=np.uint64)
        self._recent: set[int] = set()
        for member in members:
            self.add(member)

    def add(self, member: str | bytes) -> None:
        digest = _digest(member)
        if digest in self._recent or self._in_sorted(digest):
            return
        self._recent.add(digest)
        if len(self._recent) >= BATCH:
            recent = np.fromiter(self._recent, dtype=np.uint64, count=len(self._recent))
            self._sorted = np.union1d(self._sorted, recent)
            self._recent = set()

    def _in_sorted(self, digest: int) -> bool:
        value = np.uint64(digest)
        i = int(np.searchsorted(self._sorted, value))
        return i < len(self._sorted) and self._sorted[i] == value

    def __contains__(self, member: object) -> bool:
        if not isinstance(member, str | bytes):
            return False
        digest = _digest(member)
        return digest in self._recent or self._in_sorted(digest)

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)
