"""An environment of a test module's own for the cases it authors and pip-installs.

A virtual environment that sees the test environment's packages through a ``.pth`` file, into
which authored case packages are installed with pip. Nothing is installed into the test
environment itself, so the other xdist worker (and any test that lists the cases) never meets
a case half-installed, and removing the folder uninstalls them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Overlay:
    """A Python that sees the test environment's packages and the case packages installed into it."""

    python: Path

    @classmethod
    def create(cls, folder: Path) -> Overlay:
        venv.EnvBuilder(with_pip=False).create(folder)
        site = next((folder / "lib").glob("python*/site-packages"))
        (site / "casekit-tests.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
        return cls(folder / "bin" / "python")

    def run(self, *args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "COLUMNS": "200"}  # one BLAS and OpenMP thread, as conftest sets for every test
        return subprocess.run([str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True)

    def casekit(self, *args: object, cwd: Path | None = None, expect: int = 0) -> subprocess.CompletedProcess:
        result = self.run(self.python, "-m", "casekit", *args, cwd=cwd)
        assert result.returncode == expect, f"casekit {' '.join(map(str, args))}:\n{result.stdout}\n{result.stderr}"
        return result

    def install(self, package: Path) -> None:
        result = self.run(sys.executable, "-m", "pip", "--python", self.python, "install", "--no-deps", "--no-input",
                          "--quiet", package)
        assert result.returncode == 0, result.stdout + result.stderr

    def author(self, table: Path, folder: Path, slug: str, *options: str) -> str:
        """``casekit case new`` then ``pip install``; what the command printed, on one line."""
        result = self.casekit("case", "new", slug, "--from", table, "-o", folder, *options)
        self.install(folder)
        return " ".join(result.stdout.split())
