"""The one sha256: of bytes, and of a file read in chunks (hex digests, as sources.csv, datapackage.json,
SHA256SUMS and releases.json record them)."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    """The sha256 of `data`, as 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 of the file at `path`, read 1 MiB at a time (an archive need not fit in memory)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()
