"""The whole journey on the default offline case: new, the project's make run, evaluate, MLflow.

It trains the real baselines on the 20k synthetic tickets, so it also checks the case's
calibration: a better model must visibly win.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import casekit
from mlflow import MlflowClient

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    project = tmp_path_factory.mktemp("e2e") / "tickets"
    casekit("new", "tickets", "--seed", "7", "--starter", "baseline", "--candidate", "e2e", "-o", project, check=True)
    run = subprocess.run(["make", "run", f"PYTHON={sys.executable}"], cwd=project, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    evaluation = casekit("evaluate", project, check=True)
    folder = sorted((project / "evaluation").iterdir())[-1]
    return project, run, evaluation, json.loads((folder / "scorecard.json").read_text()), folder


def test_make_run_scores_a_holdout_logs_it_and_writes_the_submission(journey):
    project, run, *_ = journey
    assert "held-out part of train" in run.stdout and "macro_f1" in run.stdout
    assert "logged the run to MLflow" in run.stdout
    assert (project / "submission" / "predictions.csv").is_file()


def test_evaluate_scores_the_submission_with_an_interval(journey):
    *_, evaluation, card, _ = journey
    primary = next(m for m in card["metrics"] if m["name"] == "macro_f1")
    assert primary["ci_low"] < primary["value"] < primary["ci_high"]
    assert "Macro-F1 (primary)" in evaluation.stdout


def test_the_case_is_calibrated_so_that_better_models_visibly_win(journey):
    *_, card, _ = journey
    scores = {b["name"]: next(m["value"] for m in b["metrics"] if m["name"] == "macro_f1") for b in card["baselines"]}
    assert scores["majority"] < 0.15
    assert 0.60 <= scores["tfidf_logreg"] <= 0.90
    assert abs(scores["lightgbm"] - scores["tfidf_logreg"]) >= 0.03
    assert next(c for c in card["comparisons"] if c["baseline"] == "majority")["verdict"] == "beats"


def test_an_mlflow_run_holds_the_metrics_and_artifacts(journey):
    *_, folder = journey
    run_id = json.loads((folder / "tracking.json").read_text())["run_id"]
    client = MlflowClient()
    run = client.get_run(run_id)
    assert {"macro_f1", "macro_f1_ci_low", "macro_f1_ci_high", "accuracy", "log_loss"} <= set(run.data.metrics)
    assert run.data.tags["casekit.candidate"] == "e2e"
    assert {a.path for a in client.list_artifacts(run_id)} >= {"scorecard.json", "report.html", "plots", "submission"}
    development = client.search_runs([run.info.experiment_id], "tags.`casekit.role` = 'development'")
    assert len(development) == 1 and "holdout_macro_f1" in development[0].data.metrics
