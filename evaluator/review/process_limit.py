"""A cap on the number of processes a re-run step may have at once (a fork bomb's end).

``RLIMIT_NPROC`` cannot do it for every reviewer: it counts all the processes of a user, and
the kernel never applies it to root, which is who runs CI and many review machines. The
kernel's ``pids`` cgroup controller can: every process the step starts lands in a cgroup of
its own whose ``pids.max`` makes ``fork`` fail beyond the cap, and the cgroup also lists every
process left to kill when the step ends. It is used where this process may create cgroups
(root on cgroup v1's ``/sys/fs/cgroup/pids``, or a writable cgroup v2 hierarchy, as systemd
delegates to a user's service); elsewhere the step falls back to ``RLIMIT_NPROC`` on top of
what the user already runs, which does hold for a reviewer who is not root.
"""

from __future__ import annotations

import os
import resource
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup/unified"), Path("/sys/fs/cgroup"))


@dataclass
class ProcessLimit:
    """How a step's processes are capped; ``enter`` runs in the step's child before it execs."""

    maximum: int
    cgroup: Path | None
    nproc: int | None = None  # the RLIMIT_NPROC fallback, counted before the fork

    @property
    def description(self) -> str:
        if self.cgroup is not None:
            return f"at most {self.maximum} processes (cgroup pids.max)"
        if os.geteuid() == 0:
            return "no process limit (no writable pids cgroup, and RLIMIT_NPROC does not bind root)"
        return f"at most {self.maximum} more processes than the user already runs (RLIMIT_NPROC)"

    def enter(self) -> None:
        if self.cgroup is not None:
            (self.cgroup / "cgroup.procs").write_text(str(os.getpid()))
        elif self.nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (self.nproc, self.nproc))

    def kill_all(self) -> None:
        """SIGKILL every process left in the cgroup, then remove it."""
        if self.cgroup is None or not self.cgroup.is_dir():
            return
        for _ in range(50):
            pids = [int(pid) for pid in (self.cgroup / "cgroup.procs").read_text().split()]
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        try:
            self.cgroup.rmdir()
        except OSError:
            pass  # a process still exiting; the empty cgroup costs nothing


def process_limit(maximum: int) -> ProcessLimit:
    """A fresh cgroup capped at ``maximum`` processes where one can be made, else the fallback."""
    for root in CGROUP_ROOTS:
        if not (root / "cgroup.procs").is_file():
            continue
        if root.name != "pids" and "pids" not in _v2_controllers(root):
            continue
        group = root / f"casekit-{uuid.uuid4().hex[:12]}"
        try:
            group.mkdir()
        except OSError:
            continue
        try:
            (group / "pids.max").write_text(str(maximum))
            return ProcessLimit(maximum, group)
        except OSError:
            group.rmdir()
    return ProcessLimit(maximum, None, None if os.geteuid() == 0 else _processes_of_user() + maximum)


def _v2_controllers(root: Path) -> set[str]:
    try:
        return set((root / "cgroup.subtree_control").read_text().split())
    except OSError:
        return set()


def _processes_of_user() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count
