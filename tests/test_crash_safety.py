"""``kill -9`` during evaluate leaves no partial scorecard or report, and the next run succeeds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import casekit, project_with_submission

pytestmark = pytest.mark.slow
KILL_AFTER_SECONDS = [0.5, 1.5, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0]


@pytest.fixture(scope="module")
def project(nlbse_project, nlbse_baselines, tmp_path_factory) -> Path:
    copy = project_with_submission(nlbse_project, nlbse_baselines, "lightgbm", tmp_path_factory.mktemp("crash"))
    casekit("evaluate", copy, "--no-track", check=True)  # warm the baseline score cache
    return copy


def visible_evaluations(project: Path) -> list[Path]:
    return [p for p in (project / "evaluation").iterdir() if not p.name.startswith(".")]


def assert_complete(folder: Path) -> None:
    json.loads((folder / "scorecard.json").read_text())
    assert (folder / "report.html").read_text().rstrip().endswith("</html>")
    assert (folder / "plots" / "confusion_matrix.png").stat().st_size > 0
    if (folder / "tracking.json").exists():
        json.loads((folder / "tracking.json").read_text())


@pytest.mark.parametrize("delay", KILL_AFTER_SECONDS)
def test_a_killed_evaluation_leaves_only_complete_results(project, tmp_path, delay):
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}"}
    # --force: the same bytes again would otherwise reuse the earlier evaluation, and write nothing.
    process = subprocess.Popen([sys.executable, "-m", "casekit", "evaluate", str(project), "--force"], cwd=tmp_path,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    for folder in visible_evaluations(project):
        assert_complete(folder)


def test_the_next_run_succeeds_and_clears_what_killed_runs_left(project, tmp_path):
    env = {"MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}"}
    casekit("evaluate", project, "--force", env=env, check=True)
    assert not list((project / "evaluation").glob(".*.partial"))
    for folder in visible_evaluations(project):
        assert_complete(folder)
