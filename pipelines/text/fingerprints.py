"""Text fingerprints: a 64-bit SimHash for near-duplicate text, cut into bands for lookup."""

from __future__ import annotations

import hashlib
import re

import numpy as np

SIMHASH_BITS = 64
NEAR_DUPLICATE_DISTANCE = 3
BANDS = 4
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+", re.U)


def simhash(text: str) -> int:
    """64-bit SimHash over word and CJK-character 3-grams (bit counts summed with numpy)."""
    tokens = _TOKEN.findall(text.lower())
    if not tokens:
        return 0
    grams = ["".join(tokens[i : i + 3]) for i in range(max(1, len(tokens) - 2))]
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
            for g in grams
        ),
        dtype=np.uint64,
        count=len(grams),
    )
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    majority = bits.sum(axis=0, dtype=np.int64) * 2 > len(grams)
    return int(np.packbits(majority, bitorder="little").view("<u8")[0])


def bands(h: int) -> list[int]:
    """The ``BANDS`` slices of a SimHash, the keys for looking up near-duplicates."""
    width = SIMHASH_BITS // BANDS
    return [(h >> (i * width)) & ((1 << width) - 1) for i in range(BANDS)]


def signed(h: int) -> int:
    """``h`` as a signed 64-bit integer."""
    # SQLite integers are signed 64-bit.
    return h - (1 << 64) if h >= 1 << 63 else h
