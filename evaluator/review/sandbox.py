"""Run one command of a candidate's as a separate process, within limits, and measure it.

The process gets its own session (so it and everything it starts are killed together), an
address-space limit (``RLIMIT_AS``: allocations beyond it fail), a file-size limit
(``RLIMIT_FSIZE``), a cap on its processes (:mod:`casekit.review.process_limit`), a disk
limit on the folder it may write to (watched while it runs; the step is killed past it), a
wall-clock limit (the whole process group is killed at the deadline), no core dumps, and only
the environment it is given: nothing of the reviewer's, such as ``CASEKIT_KEYS_DIR`` or
``MLFLOW_TRACKING_URI``, leaks in. Peak memory is the largest resident set among the process
and the children it waited for, as the kernel reports it when the process is reaped.

These are limits, not isolation: :mod:`casekit.review.bubblewrap` wraps the command so that
it runs in a sandbox, and the limits then hold around the sandbox.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from casekit.review.process_limit import ProcessLimit, process_limit

Outcome = Literal["passed", "failed", "timed_out", "over_disk_limit"]
POLL_SECONDS = 0.1
DISK_POLL_SECONDS = 1.0
LOG_TAIL_CHARS = 4000


@dataclass(frozen=True)
class DiskLimit:
    """At most ``megabytes`` written under ``folder`` (checked every second while the step runs)."""

    folder: Path
    megabytes: int


@dataclass(frozen=True)
class StepResult:
    """How one limited command ended."""

    name: str
    command: list[str]
    outcome: Outcome
    exit_code: int | None
    seconds: float
    peak_memory_mb: float
    log: Path
    log_tail: str
    limits: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    @property
    def out_of_memory(self) -> bool:
        return self.outcome == "failed" and "MemoryError" in self.log_tail


def run_limited(
    name: str,
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    log: Path,
    time_limit: float,
    memory_limit_mb: int | None,
    max_processes: int | None = None,
    disk_limit: DiskLimit | None = None,
) -> StepResult:
    """Run ``command`` in ``cwd`` with ``env``, its output going to ``log``, within the limits.

    ``disk_limit`` also caps the size of any one file the step writes.
    """
    limit_bytes = None if memory_limit_mb is None else memory_limit_mb * 2**20
    file_bytes = None if disk_limit is None else disk_limit.megabytes * 2**20
    processes = process_limit(max_processes) if max_processes is not None else None

    def apply_limits() -> None:  # runs in the child, between fork and exec
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
        if file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        if processes is not None:
            processes.enter()

    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    stopped_for: Outcome | None = None
    try:
        with log.open("wb") as output:
            process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=output,
                                       stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=apply_limits)
            next_disk_check = started + DISK_POLL_SECONDS
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                now = time.monotonic()
                if now - started > time_limit:
                    stopped_for = "timed_out"
                elif disk_limit is not None and now >= next_disk_check:
                    next_disk_check = now + DISK_POLL_SECONDS
                    if _disk_usage(disk_limit.folder) > disk_limit.megabytes * 2**20:
                        stopped_for = "over_disk_limit"
                if stopped_for:
                    _stop(process.pid, processes)
                    _, status, usage = os.wait4(process.pid, 0)
                    break
                time.sleep(POLL_SECONDS)
            seconds = time.monotonic() - started
            # Whatever the command left running in the background goes with it.
            _stop(process.pid, processes)
            process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if processes is not None:
            processes.kill_all()
    exit_code = None if stopped_for else process.returncode
    outcome: Outcome = stopped_for or ("passed" if exit_code == 0 else "failed")
    return StepResult(name, command, outcome, exit_code, round(seconds, 2), round(usage.ru_maxrss / 1024, 1), log,
                      _tail(log), _describe(time_limit, memory_limit_mb, disk_limit, processes))


def _stop(pgid: int, processes: ProcessLimit | None) -> None:
    _kill_group(pgid)
    if processes is not None:
        processes.kill_all()


def _describe(time_limit: float, memory_limit_mb: int | None, disk_limit: DiskLimit | None,
              processes: ProcessLimit | None) -> str:
    parts = [f"{time_limit:g} s wall clock"]
    if memory_limit_mb is not None:
        parts.append(f"{memory_limit_mb:,} MB of address space per process")
    if disk_limit is not None:
        parts.append(f"{disk_limit.megabytes:,} MB of disk (and per file)")
    if processes is not None:
        parts.append(processes.description)
    return ", ".join(parts)


def _disk_usage(folder: Path) -> int:
    """Bytes allocated under ``folder`` (sparse files count what they really take)."""
    total = 0
    for root, _folders, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
    return total


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _tail(log: Path) -> str:
    with log.open("rb") as stream:
        stream.seek(max(0, log.stat().st_size - LOG_TAIL_CHARS))
        return stream.read().decode("utf-8", errors="replace")
