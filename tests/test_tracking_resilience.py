"""The tracking store never costs a result: concurrency on sqlite, a real server, a dead one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import casekit, project_with_submission
from mlflow import MlflowClient

pytestmark = pytest.mark.slow
PARALLEL = 8


@pytest.fixture(scope="module")
def project(nlbse_project, nlbse_baselines, tmp_path_factory) -> Path:
    """A copy of the session project with a submission, its baselines already trained."""
    return project_with_submission(nlbse_project, nlbse_baselines, "tfidf_logreg",
                                   tmp_path_factory.mktemp("resilience"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MlflowServer:
    """A real ``mlflow server`` on 127.0.0.1: sqlite backend store, local artifact root."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.uri = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> MlflowServer:
        mlflow = Path(sys.executable).with_name("mlflow")
        self.process = subprocess.Popen(
            [str(mlflow), "server", "--backend-store-uri", f"sqlite:///{self.root / 'server.db'}",
             "--artifacts-destination", str(self.root / "artifacts"), "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.healthy():
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("mlflow server did not start within 120 s")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.uri}/health", timeout=2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            self.process.wait(timeout=30)


@pytest.fixture
def server(tmp_path):
    running = MlflowServer(tmp_path, free_port()).start()
    yield running
    running.stop()


def runs(uri: str) -> list:
    client = MlflowClient(tracking_uri=uri)
    experiments = [e for e in client.search_experiments() if e.name.startswith("casekit/")]
    return [run for e in experiments for run in client.search_runs([e.experiment_id])]


def test_parallel_evaluations_on_one_sqlite_store_all_land(project, tmp_path):
    uri = f"sqlite:///{tmp_path / 'shared.db'}"
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri, "COLUMNS": "200"}
    processes = [subprocess.Popen([sys.executable, "-m", "evaluator", "evaluate", str(project), "--candidate", f"c{i}"],
                                  cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in range(PARALLEL)]
    outcomes = [(process.wait(), process.stderr.read()) for process in processes]
    assert [code for code, _ in outcomes] == [0] * PARALLEL, outcomes
    assert not any("locked" in stderr.lower() for _, stderr in outcomes)
    landed = runs(uri)
    candidates = [run for run in landed if run.data.tags["casekit.role"] == "candidate"]
    assert sorted(run.data.tags["casekit.candidate"] for run in candidates) == [f"c{i}" for i in range(PARALLEL)]
    expected = set(candidates[0].data.metrics)
    assert {"macro_f1", "macro_f1_ci_low", "log_loss", "delta_macro_f1_vs_lightgbm"} <= expected
    assert all(set(run.data.metrics) == expected for run in candidates)
    assert sorted(run.data.tags["casekit.baseline"] for run in landed if run.data.tags["casekit.role"] == "baseline") \
        == ["lightgbm", "majority", "tfidf_logreg"]


def test_evaluate_and_baselines_log_to_a_real_tracking_server(project, server):
    env = {"MLFLOW_TRACKING_URI": server.uri}
    evaluated = casekit("evaluate", project, "--candidate", "served", env=env, check=True)
    assert server.uri in evaluated.stdout
    casekit("baselines", project, env=env, check=True)
    landed = runs(server.uri)
    roles = sorted((run.data.tags["casekit.role"], run.data.tags.get("casekit.baseline", "")) for run in landed)
    assert roles == [("baseline", "lightgbm"), ("baseline", "majority"), ("baseline", "tfidf_logreg"),
                     ("candidate", "")]
    candidate = next(run for run in landed if run.data.tags["casekit.role"] == "candidate")
    artifacts = {a.path for a in MlflowClient(tracking_uri=server.uri).list_artifacts(candidate.info.run_id)}
    assert {"scorecard.json", "report.html", "plots", "submission"} <= artifacts
    assert "macro_f1_ci_high" in candidate.data.metrics


def test_an_unreachable_server_is_reported_and_the_result_kept_for_sync(project, tmp_path):
    port = free_port()  # nothing listens here yet
    env = {"MLFLOW_TRACKING_URI": f"http://127.0.0.1:{port}"}
    offline = casekit("evaluate", project, "--candidate", "offline", env=env)
    assert offline.returncode == 0, offline.stderr
    assert "unreachable" in offline.stderr and "casekit sync" in offline.stderr
    assert "Traceback" not in offline.stderr
    folder = sorted((project / "evaluation").iterdir())[-1]
    assert (folder / "scorecard.json").is_file() and (folder / "report.html").is_file()
    assert json.loads((folder / "tracking.json").read_text())["status"] == "pending"

    server = MlflowServer(tmp_path, port).start()
    try:
        synced = casekit("sync", project, env=env, check=True)
        assert folder.name in synced.stdout and "logged as run" in synced.stdout
        assert json.loads((folder / "tracking.json").read_text())["status"] == "logged"
        assert [r.data.tags["casekit.candidate"] for r in runs(server.uri)
                if r.data.tags["casekit.role"] == "candidate"] == ["offline"]
        assert "nothing to sync" in casekit("sync", project, env=env, check=True).stdout
    finally:
        server.stop()
