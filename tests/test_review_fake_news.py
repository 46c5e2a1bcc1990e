"""``casekit review`` on a fake-news instance: a bare submission file, with the threshold its
candidate declared beside it, scored against the baselines and pre-filled with the case's rubric."""

from __future__ import annotations

import csv
import json
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import casekit
from mlflow import MlflowClient

from casekit.instances.bundle import BundleMetadata

pytestmark = pytest.mark.slow

THRESHOLD = 0.4


@pytest.fixture(scope="module")
def reviewed(liar_project, tmp_path_factory) -> SimpleNamespace:
    root = tmp_path_factory.mktemp("review-fake-news")
    test = pd.read_csv(liar_project / "data" / "test.csv", dtype={"statement_id": str})
    fake = test[["barely_true_counts", "false_counts", "pants_on_fire_counts"]].sum(axis=1)
    everything = test.filter(like="_counts").sum(axis=1)
    submission = root / "dora" / "predictions.csv"
    submission.parent.mkdir()
    pd.DataFrame({"statement_id": test["statement_id"], "prob_fake": (fake + 1) / (everything + 2)}).to_csv(
        submission, index=False)
    (submission.parent / "decision.json").write_text(json.dumps({"threshold": THRESHOLD}))
    output = root / "review"
    result = casekit("review", f"Dora={submission}", "--instance", BundleMetadata.read(liar_project).instance_id,
                     "-o", output)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = sorted((output / "candidates" / "dora").iterdir())[-1]
    return SimpleNamespace(output=output, folder=folder, result=result,
                           card=json.loads((folder / "scorecard.json").read_text()))


def test_the_bare_file_is_ranked_on_roc_auc_against_the_three_baselines(reviewed):
    with (reviewed.output / "leaderboard.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    dora = next(row for row in rows if row["candidate"] == "Dora")
    assert dora["status"] == "scored" and dora["rank"] == "1"
    assert sum(row["kind"] == "baseline" for row in rows) == 3
    assert [c["baseline"] for c in reviewed.card["comparisons"]] == ["prior", "tfidf_logreg", "lightgbm"]
    assert "ROC-AUC" in reviewed.result.stdout


def test_the_declared_threshold_is_scored_kept_and_logged(reviewed):
    assert reviewed.card["details"]["decision"]["threshold"] == THRESHOLD
    assert reviewed.card["details"]["decision"]["declared"]
    assert json.loads((reviewed.folder / "submission" / "decision.json").read_text()) == {"threshold": THRESHOLD}
    run_id = json.loads((reviewed.folder / "tracking.json").read_text())["run_id"]
    assert MlflowClient().get_run(run_id).data.params["decision_threshold"] == str(THRESHOLD)


def test_the_report_has_the_slices_and_the_rubric_is_the_cases_own(reviewed):
    assert "Slices: ROC-AUC by party, subject" in (reviewed.folder / "report.html").read_text()
    rubric = (reviewed.output / "rubrics" / "dora.toml").read_text()
    assert 'case = "fake-news"' in rubric and "fact-checkers' capacity" in rubric
