"""An upload copied to a temporary file as it is read, with its size and SHA-256: large files (a bank's
statement of a national CMO's payouts) are read once, never held whole in memory."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from typing import IO

CHUNK = 1 << 20


@dataclass
class Spooled:
    file: IO[bytes]
    #: the bytes read: at most ``limit + 1``, so a file past the limit is known as such
    size: int
    sha256: str

    @property
    def head(self) -> bytes:
        self.file.seek(0)
        head = self.file.read(512)
        self.file.seek(0)
        return head

    def read(self) -> bytes:
        self.file.seek(0)
        return self.file.read()


def spool(source: IO[bytes], limit: int) -> Spooled:
    """``source`` copied to a temporary file (closed with it), up to ``limit + 1`` bytes."""
    target = tempfile.TemporaryFile()  # noqa: SIM115  (the caller closes it)
    digest = hashlib.sha256()
    size = 0
    while size <= limit:
        chunk = source.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    target.seek(0)
    return Spooled(target, size, digest.hexdigest())
