"""Text fingerprints: a 64-bit SimHash for near-duplicate text, cut into bands for lookup."""

from __future__ import annotations

import hashlib
import re
from functools import partial

import numpy as np

SIMHASH_BITS = 64
NEAR_DUPLICATE_DISTANCE = 3
BANDS = 4
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+", re.U)
_HASH = partial(hashlib.blake2b, digest_size=8)


def simhash(text: str) -> int:
    """64-bit SimHash over word and CJK-character 3-grams (bit counts summed with numpy).

    Each 3-gram's hash is its 8-byte BLAKE2b digest read little-endian; the digests are
    joined into one buffer and their bits counted in bulk.
    """
    tokens = _TOKEN.findall(text.lower())
    if not tokens:
        return 0
    if len(tokens) < 3:
        grams = ["".join(tokens)]
    else:
        grams = [a + b + c for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)]
    digests = np.frombuffer(b"".join([_HASH(g.encode()).digest() for g in grams]), np.uint8)
    # Byte j, bit k (least significant first) of a digest is bit 8j+k of its hash.
    bits = np.unpackbits(digests.reshape(-1, 8), axis=1, bitorder="little")
    majority = bits.sum(axis=0, dtype=np.int64) * 2 > len(grams)
    return int.from_bytes(np.packbits(majority, bitorder="little").tobytes(), "little")


def bands(h: int) -> list[int]:
    """The ``BANDS`` slices of a SimHash, the keys for looking up near-duplicates."""
    width = SIMHASH_BITS // BANDS
    return [(h >> (i * width)) & ((1 << width) - 1) for i in range(BANDS)]


def signed(h: int) -> int:
    """``h`` as a signed 64-bit integer."""
    # SQLite integers are signed 64-bit.
    return h - (1 << 64) if h >= 1 << 63 else h
