"""The re-run's security boundary: a candidate's command inside a bubblewrap (``bwrap``) sandbox.

A candidate's ``make test`` and ``make run`` are hostile input. Inside the sandbox they get:

- new user, PID, IPC, UTS, cgroup and network namespaces: no network at all (not even the
  host's loopback), no view of the host's processes, another hostname, and an unprivileged
  user (uid 1000) with every capability dropped and no further user namespaces;
- the system (``/usr`` and the merged ``/bin``, ``/lib``... links) read-only, a handful of
  ``/etc`` files the toolchain reads (the loader's cache, alternatives, fonts, time zone) and a
  generated ``/etc/passwd`` naming the sandbox user, never the host's;
- the Python environment the re-run needs, and the interpreter it was made from, read-only at
  the paths they have outside (a virtual environment records absolute paths);
- the scratch copy of the project (``/sandbox/project``), a scratch home (``/sandbox/home``)
  and private ``/tmp`` and ``/dev/shm``, the only writable places, all inside the scratch
  folder, where the step's disk limit watches them;
- nothing else: the reviewer's home, the key store, caches and every other path are not in
  the sandbox's file system at all.

``--die-with-parent`` and the PID namespace make the sandbox's processes die with it: the
command is the namespace's first process (``--as-pid-1``), so when it ends (or is killed at
its time limit) the kernel kills whatever it left behind, and its peak memory (with its
children's) reaches the reviewer's side, which bubblewrap's own init would hide. Limits on
time, memory, processes and file size are applied around the ``bwrap`` process by
:mod:`casekit.review.sandbox`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from casekit.errors import CasekitError

BWRAP = "bwrap"
SANDBOX_UID = 1000
PROJECT = Path("/sandbox/project")
HOME = Path("/sandbox/home")
TMP = Path("/tmp")
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What programs read from /etc: the dynamic loader, Debian's alternatives (awk, pager...),
# fontconfig (matplotlib), the time zone. Never the whole of /etc: as root, the sandbox user
# maps to the reviewer's uid, and /etc holds files only that uid may read.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime", "nsswitch.conf",
             "mime.types")
INSTALL_HINT = ("install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap; Fedora: dnf install "
                "bubblewrap) and allow user namespaces (sysctl kernel.unprivileged_userns_clone=1 where it is 0)")


class SandboxUnavailableError(CasekitError):
    """bubblewrap cannot run on this machine; the message names the cause."""


@dataclass(frozen=True)
class SandboxFolders:
    """The scratch folders (outside) that the sandbox sees as its writable places."""

    project: Path
    home: Path
    tmp: Path
    shm: Path
    etc: Path

    @classmethod
    def make(cls, scratch: Path) -> SandboxFolders:
        folders = cls(scratch / "project", scratch / "home", scratch / "tmp", scratch / "shm", scratch / "etc")
        for folder in (folders.home, folders.tmp, folders.shm, folders.etc):
            folder.mkdir(parents=True, exist_ok=True)
        (folders.etc / "passwd").write_text(f"candidate:x:{SANDBOX_UID}:{SANDBOX_UID}::{HOME}:/bin/sh\n")
        (folders.etc / "group").write_text(f"candidate:x:{SANDBOX_UID}:\n")
        (folders.etc / "hostname").write_text("sandbox\n")
        return folders


def check_available() -> str:
    """bubblewrap's version, after a probe that starts a sandbox like the re-run's.

    Raises
    ------
    SandboxUnavailableError
        bwrap is not on PATH, or it cannot create the namespaces (its own message says why).
    """
    path = shutil.which(BWRAP)
    if path is None:
        raise SandboxUnavailableError(f"{BWRAP} is not on PATH; {INSTALL_HINT}")
    probe = [path, "--ro-bind", "/", "/", "--unshare-all", "--unshare-user", "--die-with-parent",
             "--uid", str(SANDBOX_UID), "--cap-drop", "ALL", "--disable-userns", "true"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxUnavailableError(f"{path} does not start: {error}") from error
    if result.returncode != 0:
        cause = result.stderr.strip() or f"exit code {result.returncode}"
        raise SandboxUnavailableError(f"{path} cannot create a sandbox here: {cause}; {INSTALL_HINT}")
    version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()
    return version or "bubblewrap"


def sandboxed(command: list[str], folders: SandboxFolders, readonly: list[Path]) -> list[str]:
    """``command`` wrapped to run inside the sandbox, in the project copy.

    ``readonly`` are the extra folders the command needs to read (the re-run's environment
    and the interpreter it came from), bound at their own paths.
    """
    arguments = [
        shutil.which(BWRAP) or BWRAP,
        # --as-pid-1: the command is the namespace's init, so the kernel reports its peak memory (and
        # its children's) to this side; when it ends, everything left in the namespace is killed.
        "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--as-pid-1",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--cap-drop", "ALL", "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr",
    ]
    for link in SYSTEM_LINKS:
        path = Path(link)
        if path.is_symlink():
            arguments += ["--symlink", str(path.readlink()), link]
        elif path.is_dir():
            arguments += ["--ro-bind", link, link]
    for name in ETC_FILES:
        arguments += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for name in ("passwd", "group", "hostname"):
        arguments += ["--ro-bind", str(folders.etc / name), f"/etc/{name}"]
    arguments += [
        "--proc", "/proc", "--dev", "/dev",
        "--bind", str(folders.tmp), str(TMP),
        "--bind", str(folders.shm), "/dev/shm",
        "--bind", str(folders.home), str(HOME),
        "--bind", str(folders.project), str(PROJECT),
    ]
    # After /tmp's bind, which would hide an environment that lives under /tmp.
    for folder in _outside_usr(readonly):
        arguments += ["--ro-bind", str(folder), str(folder)]
    # The sandbox's own root is a tmpfs: read-only, or it would be memory that no limit counts.
    return [*arguments, "--remount-ro", "/", "--chdir", str(PROJECT), "--", *command]


def interpreter_folders(python: Path) -> list[Path]:
    """The environment of ``python`` and the installation it was made from (read-only binds)."""
    environment = python.parent.parent
    base = Path(sys.base_prefix).resolve()
    configuration = environment / "pyvenv.cfg"
    if configuration.is_file():
        for line in configuration.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "home":
                base = Path(value.strip()).resolve().parent
    return [environment, base]


def _outside_usr(folders: list[Path]) -> list[Path]:
    """``folders`` that /usr's bind does not already show, without one inside another."""
    kept: list[Path] = []
    for folder in sorted({Path(folder).resolve() for folder in folders}):
        if folder.is_relative_to("/usr") or any(folder.is_relative_to(parent) for parent in kept):
            continue
        kept.append(folder)
    return kept
