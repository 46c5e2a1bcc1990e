"""A throwaway PostgreSQL cluster, for the tests' real ``mlflow server`` on PostgreSQL.

``initdb`` makes a cluster in a temporary folder, ``pg_ctl`` starts it on a free port on
127.0.0.1 (and a socket in that folder), ``createdb`` makes the ``mlflow`` database, whose URI
is the server's backend store, as in the README's team setup. Everything stops, and the folder
goes, when the ``with`` ends.

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
import subprocess
import tempfile
from pathlib import Path

from tracking_server import free_port

INSTALL_HINT = "PostgreSQL is not installed (Debian: apt-get install postgresql)"


def bin_dir() -> Path | None:
    """The folder of initdb and pg_ctl: the newest /usr/lib/postgresql/*/bin, else PATH's."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


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


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
