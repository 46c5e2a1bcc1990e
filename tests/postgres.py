"""A throwaway PostgreSQL cluster and a real ``mlflow server`` on it, for the tests.

``initdb`` makes a cluster in a temporary folder, ``pg_ctl`` starts it on a free port on
127.0.0.1 (and a socket in that folder), ``createdb`` makes the ``mlflow`` database, then
``mlflow server --backend-store-uri postgresql://...`` runs with a local artifact root, as the
README's team setup does. Everything stops, and the folder goes, when the ``with`` ends.

PostgreSQL refuses to run as root (a compromised server would own the machine), and CI runs
as root: then the cluster belongs to, and runs as, the ``postgres`` user that Debian's
package creates (else ``nobody``), switched to for each command with ``subprocess``'s
``user=``/``group=``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

INSTALL_HINT = "PostgreSQL is not installed (Debian: apt-get install postgresql)"


def bin_dir() -> Path | None:
    """The folder of initdb and pg_ctl: the newest /usr/lib/postgresql/*/bin, else PATH's."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, serving 127.0.0.1 on a free port."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="casekit-postgres-"))
        self.account = None
        if os.geteuid() == 0:
            name = "postgres" if _user_exists("postgres") else "nobody"
            self.account = pwd.getpwnam(name)
            os.chown(self.root, self.account.pw_uid, self.account.pw_gid)
        self.uri = f"postgresql://mlflow@127.0.0.1:{self.port}/mlflow"

    def _run(self, *command: str) -> None:
        kwargs = {}
        if self.account is not None:
            kwargs = {"user": self.account.pw_uid, "group": self.account.pw_gid, "extra_groups": []}
        result = subprocess.run([str(self.binaries / command[0]), *command[1:]], cwd=self.root, capture_output=True,
                                text=True, env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}, **kwargs)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {result.returncode}: {result.stdout}{result.stderr}")

    def __enter__(self) -> PostgresCluster:
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-U", "mlflow", "--auth=trust", "--encoding=UTF8", "--locale=C",
                  "--no-sync")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c max_connections=200"
        try:
            self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "mlflow", "mlflow")
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if (self.root / "data" / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class MlflowServer:
    """``mlflow server`` on the cluster's database with a local artifact root."""

    def __init__(self, backend: str, artifacts: Path) -> None:
        self.backend, self.artifacts = backend, artifacts
        self.port = free_port()
        self.uri = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = artifacts.parent / "mlflow-server.log"

    def __enter__(self) -> MlflowServer:
        mlflow = Path(sys.executable).with_name("mlflow")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(mlflow), "server", "--backend-store-uri", self.backend, "--artifacts-destination",
                 str(self.artifacts), "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mlflow server exited {self.process.returncode}: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.uri}/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        self.__exit__(None, None, None)
        raise RuntimeError("mlflow server did not start within 180 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
