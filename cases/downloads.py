"""Fetch a public dataset's files from their official location, pinned by sha256.

Lookup order for each file:

1. the mirror, when ``CASEKIT_DATA_MIRROR`` is set: ``<mirror>/<dataset>/<name>``. A mirror
   is authoritative: with it set, nothing is downloaded (tests and air-gapped sites use it);
2. the cache: ``<cache>/<dataset>/<name>``, where ``<cache>`` is ``CASEKIT_CACHE_DIR`` or the
   user cache dir (``~/.cache/casekit/datasets`` on Linux);
3. the official URL, downloaded into the cache.

Every file's bytes are checked against its pinned sha256 wherever they come from, and cache
files are written to a temporary name and renamed, so an interrupted download leaves nothing
that looks complete.
"""

from __future__ import annotations

import io
import os
import urllib.request
import zipfile
from pathlib import Path

from casekit.cases.errors import DataSourceError
from casekit.cases.spec import RemoteFile
from casekit.files import atomic
from casekit.files.fingerprint import sha256_bytes, sha256_file

MIRROR_ENV = "CASEKIT_DATA_MIRROR"
CACHE_ENV = "CASEKIT_CACHE_DIR"
_CHUNK = 1 << 20


def cache_root() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("casekit")) / "datasets"


def fetch(dataset: str, files: tuple[RemoteFile, ...]) -> dict[str, Path]:
    """Return a verified local path for every file of ``dataset``, keyed by file name."""
    return {remote.name: _fetch_one(dataset, remote) for remote in files}


def _fetch_one(dataset: str, remote: RemoteFile) -> Path:
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        path = Path(mirror).expanduser() / dataset / remote.name
        if not path.is_file():
            raise DataSourceError(
                f"{path}: not found in the mirror set by {MIRROR_ENV}={mirror} "
                f"(expected the file {remote.name!r} of dataset {dataset!r}, from {remote.url})"
            )
        _verify(path, remote.sha256, origin=f"mirror {mirror}")
        return path

    path = cache_root() / dataset / remote.name
    if path.is_file() and sha256_file(path) == remote.sha256:
        return path
    payload = _download_member(remote, remote.archive_member) if remote.archive_member else _download(remote.url)
    _check_bytes(payload, remote.sha256, origin=remote.url, name=remote.name)
    atomic.write_bytes(path, payload)
    return path


def _download_member(remote: RemoteFile, member: str) -> bytes:
    archive = _download(remote.url)
    if remote.archive_sha256:
        _check_bytes(archive, remote.archive_sha256, origin=remote.url, name=remote.url.rsplit("/", 1)[-1])
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
            return bundle.read(member)
    except (KeyError, zipfile.BadZipFile) as error:
        raise DataSourceError(f"{remote.url}: cannot read {member!r}: {error}") from error


def _download(url: str) -> bytes:
    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            buffer = io.BytesIO()
            columns = (*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn())
            with Progress(*columns, transient=True) as bar:
                task = bar.add_task(f"downloading {url.rsplit('/', 1)[-1]}", total=total)
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    buffer.write(chunk)
                    bar.advance(task, len(chunk))
            return buffer.getvalue()
    except OSError as error:
        raise DataSourceError(
            f"{url}: download failed ({error}). Set {MIRROR_ENV} to a folder that holds the "
            "dataset to work offline."
        ) from error


def _verify(path: Path, expected: str, origin: str) -> None:
    actual = sha256_file(path)
    if actual != expected:
        raise DataSourceError(f"{path} (from {origin}): sha256 {actual} does not match the pinned {expected}")


def _check_bytes(payload: bytes, expected: str, origin: str, name: str) -> None:
    actual = sha256_bytes(payload)
    if actual != expected:
        raise DataSourceError(f"{name} (from {origin}): sha256 {actual} does not match the pinned {expected}")
