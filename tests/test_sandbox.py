"""Limited steps: the wall-clock limit, the memory limit and the environment a step gets."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
import time

from casekit.review.rerun import OWNER_FILE, SCRATCH_PREFIX, remove_abandoned_scratch
from casekit.review.sandbox import run_limited


def run(tmp_path, code: str, **limits):
    settings = {"time_limit": 30.0, "memory_limit_mb": 1024, **limits}
    return run_limited("step", [sys.executable, "-c", code], cwd=tmp_path, env={"PATH": "/usr/bin:/bin"},
                       log=tmp_path / "step.log", **settings)


def test_a_step_past_its_time_limit_is_stopped_with_its_children(tmp_path):
    marker = tmp_path / "child-alive"
    child = tmp_path / "child.py"
    child.write_text(f"import time\ntime.sleep(3)\nopen({str(marker)!r}, 'w')\n")
    code = f"import subprocess, sys, time; subprocess.Popen([sys.executable, {str(child)!r}]); time.sleep(60)"
    result = run(tmp_path, code, time_limit=1.0)
    assert result.outcome == "timed_out" and result.exit_code is None
    time.sleep(4)  # the child would have written its marker by now, had it survived
    assert not marker.exists()


def test_a_step_past_its_memory_limit_fails_with_a_memory_error(tmp_path):
    result = run(tmp_path, "block = bytearray(1024 * 1024 * 1024)", memory_limit_mb=512)
    assert result.outcome == "failed" and result.out_of_memory


def test_a_step_sees_only_the_environment_it_is_given_and_reports_its_peak_memory(tmp_path):
    code = "import os; block = bytearray(200 * 1024 * 1024); print(sorted(os.environ))"
    result = run(tmp_path, code)
    assert result.passed
    # Python itself may add LC_CTYPE (locale coercion); nothing else of the parent's gets through.
    assert set(ast.literal_eval(result.log_tail.strip())) <= {"PATH", "LC_CTYPE"}
    assert result.peak_memory_mb >= 200


def test_a_scratch_copy_left_by_a_killed_rerun_is_removed_and_a_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    abandoned = tmp_path / f"{SCRATCH_PREFIX}abandoned"
    live = tmp_path / f"{SCRATCH_PREFIX}live"
    for scratch, owner in ((abandoned, finished.pid), (live, os.getpid())):
        (scratch / "project" / "data").mkdir(parents=True)
        (scratch / OWNER_FILE).write_text(str(owner))
    assert remove_abandoned_scratch() == [abandoned]
    assert not abandoned.exists() and live.is_dir()
