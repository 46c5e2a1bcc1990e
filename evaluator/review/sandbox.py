"""Run one command of a candidate's as a separate process, within limits, and measure it.

The process gets its own session (so it and everything it starts are killed together), an
address-space limit (``RLIMIT_AS``: allocations beyond it fail), a wall-clock limit (the
whole process group is killed at the deadline), no core dumps, and only the environment it
is given: nothing of the reviewer's, such as ``CASEKIT_KEYS_DIR`` or ``MLFLOW_TRACKING_URI``,
leaks in. Peak memory is the largest resident set among the process and the children it
waited for, as the kernel reports it when the process is reaped.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Outcome = Literal["passed", "failed", "timed_out"]
POLL_SECONDS = 0.1
LOG_TAIL_CHARS = 4000


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
) -> StepResult:
    """Run ``command`` in ``cwd`` with ``env``, its output going to ``log``, within the limits."""
    limit_bytes = None if memory_limit_mb is None else memory_limit_mb * 2**20

    def apply_limits() -> None:  # runs in the child, between fork and exec
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=apply_limits)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > time_limit:
                timed_out = True
                _kill_group(process.pid)
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(POLL_SECONDS)
        seconds = time.monotonic() - started
        # Whatever the command left running in the background goes with it.
        _kill_group(process.pid)
        process.returncode = os.waitstatus_to_exitcode(status)
    exit_code = None if timed_out else process.returncode
    outcome: Outcome = "timed_out" if timed_out else "passed" if exit_code == 0 else "failed"
    return StepResult(name, command, outcome, exit_code, round(seconds, 2),
                      round(usage.ru_maxrss / 1024, 1), log, _tail(log))


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(log: Path) -> str:
    with log.open("rb") as stream:
        stream.seek(max(0, log.stat().st_size - LOG_TAIL_CHARS))
        return stream.read().decode("utf-8", errors="replace")
