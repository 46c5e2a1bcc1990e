"""Content fingerprints (sha256) and the canonical bytes that casekit fingerprints.

The one place casekit computes a sha256 of a file or of bytes in hand (the key store, the
bundle, the cached baselines, the pinned datasets and packaged tables).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_CHUNK = 1 << 20


def sha256_bytes(payload: bytes) -> str:
    """The sha256 of ``payload``, as hex."""
    return hashlib.sha256(payload).hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 of the file at ``path``, as hex, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The one way casekit writes a table: UTF-8 CSV, LF line ends, no index.

    Fixing every formatting choice here is what makes the same case, seed and source give
    byte-identical files.
    """
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
