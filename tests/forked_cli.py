"""``casekit`` commands in real processes forked from one that has imported the kit already.

A short command spends most of its time importing: ``casekit evaluate`` imports pandas,
scikit-learn, MLflow and matplotlib for about three of its four seconds, and the suite runs
hundreds of commands. A fork server (``multiprocessing``'s ``forkserver``) imports them once
per test worker; each command is a new process forked from it, with its own arguments,
environment, working folder, standard streams and exit code, as ``python -m casekit`` has.

What a fork cannot give is a new interpreter: the server's hash seed, and the state that its
imports made. Tests of that (byte-identical output under any hash seed, Ctrl-C, a process's
start-up) start ``python -m casekit`` themselves, and ``review``, which starts Dask workers and
re-runs of its own, always runs in a new interpreter.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import tempfile
import threading
import traceback
from pathlib import Path

# What the server imports once: the command line and the heavy modules its commands load.
PRELOADED = ("casekit.cli", "casekit.evaluation", "casekit.public", "mlflow", "mlflow.store.tracking.sqlalchemy_store",
             "sklearn.metrics", "matplotlib.figure", "lightgbm", "cookiecutter.main")

# Commands that start processes of their own from ``sys.executable`` and its ``__main__``.
NEW_INTERPRETER = {"review"}

_context: multiprocessing.context.ForkServerContext | None = None


def _server() -> multiprocessing.context.ForkServerContext:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload([__name__, *PRELOADED])
    return _context


def forks(args: list[str]) -> bool:
    """Whether the command ``args`` may run in a forked process."""
    return not NEW_INTERPRETER.intersection(args[:1])


def run(args: list[str], cwd: Path | None, env: dict[str, str]) -> tuple[int, str, str]:
    """Run ``casekit args`` in a process forked from the server: its exit code, stdout, stderr."""
    with tempfile.TemporaryDirectory(prefix="casekit-cli-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        process = _server().Process(target=_command, args=(args, str(cwd or os.getcwd()), env, str(out), str(err)))
        process.start()
        process.join()
        code = process.exitcode if process.exitcode is not None else -1
        return code, out.read_text(errors="replace"), err.read_text(errors="replace")


def _command(args: list[str], cwd: str, env: dict[str, str], out: str, err: str) -> None:
    """In the forked process: become ``python -m casekit args`` in ``cwd`` with ``env``."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(handle, fd)
        os.close(handle)
    sys.argv = ["casekit", *args]
    from casekit.outputs import console

    # The consoles read COLUMNS and the terminal when made, in the server; made again here.
    console.console.__init__()  # type: ignore[misc]
    console.errors.__init__(stderr=True)  # type: ignore[misc]
    from casekit.cli import app

    code: int | str | None = 0
    try:
        app(args=args, prog_name="casekit")
    except SystemExit as exit:
        code = exit.code
    except BaseException:
        traceback.print_exc()
        code = 1
    # As the interpreter ends: wait for the threads it would wait for, then the exit handlers.
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    sys.exit(code)
