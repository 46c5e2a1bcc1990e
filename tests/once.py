"""Setup that two xdist workers share: built by the first worker that needs it, then reused.

A module-scoped fixture is built once per worker that runs the module's tests; when both
workers do, a costly setup (authoring and installing a case, a journey through new, run,
evaluate and review) would be paid twice. ``once`` builds it in a folder of the test run's own
temporary directory, under a lock, and records what it returned as JSON; the other worker
waits for the lock and reads the record. (This is pytest-xdist's own recipe for session data;
``--dist loadgroup`` would keep a module on one worker, but with pytest 9.2 and xdist 3.8 the
groups are not applied: xdist sets ``item._nodeid``, which pytest 9.2 no longer reads.)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock


def once(tmp_path_factory, name: str, build: Callable[[Path], Any]) -> Any:
    """``build(folder)`` run once per test run, whichever worker asks first; its JSON-able result."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, record = root / name, root / f"{name}.json"
    with FileLock(str(root / f"{name}.lock")):
        if record.is_file():
            return json.loads(record.read_text())
        folder.mkdir(parents=True, exist_ok=True)
        result = build(folder)
        record.write_text(json.dumps(result))
        return result
