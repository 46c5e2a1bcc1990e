"""Write files and folders so that readers see all of them or none of them.

Everything is first written under a temporary name in the destination's own folder (so the
final rename stays on one filesystem, where POSIX makes it atomic), then renamed into place.
A crash, even ``kill -9``, leaves at most a hidden temporary that the next run ignores.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_PARTIAL = ".partial"


def current_umask() -> int:
    """The process's umask, read without changing it where the kernel says it (Linux >= 4.7).

    Elsewhere it is read the only portable way, by setting it and putting it back, which is
    why this runs when a file is written and not when the module is imported.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(path: Path, payload: bytes) -> None:
    """Atomically replace ``path`` with ``payload``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates files readable by the owner only; give them the usual permissions.
        os.chmod(temporary, 0o666 & ~current_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Atomically replace ``path`` with UTF-8 ``text``."""
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def staged_directory(destination: Path) -> Iterator[Path]:
    """Yield an empty staging folder that becomes ``destination`` when the block succeeds.

    ``destination`` must not exist yet. If the block raises, the staging folder is removed
    and ``destination`` is never created.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.{os.getpid()}.", suffix=_PARTIAL,
                                    dir=destination.parent))
    os.chmod(staging, 0o777 & ~current_umask())
    try:
        yield staging
        os.rename(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextmanager
def staged_file(destination: Path) -> Iterator[Path]:
    """Yield a temporary path that replaces ``destination`` when the block succeeds.

    For files written by a library that wants a path of its own (a zip archive, say) rather
    than bytes in memory. If the block raises, the temporary is removed and ``destination``
    is left as it was.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent)
    os.close(handle)
    os.chmod(temporary, 0o666 & ~current_umask())
    try:
        yield Path(temporary)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_abandoned(folder: Path) -> None:
    """Delete staging folders in ``folder`` left by processes that died (``kill -9``)."""
    if not folder.is_dir():
        return
    for entry in folder.glob(f".*{_PARTIAL}"):
        owner = entry.name.split(".")[-3]
        if owner.isdigit() and not process_alive(int(owner)):
            shutil.rmtree(entry, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a folder it owns is not abandoned)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
