"""The whole journey on the recommendations case: new, the project's make test and make run,
evaluate; on the synthetic shop (which also checks the case's calibration: better models must
visibly win) and on MovieLens from the mirror."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import casekit, needs_mirror

pytestmark = pytest.mark.slow


def journey(tmp_path_factory, *source: str):
    project = tmp_path_factory.mktemp("e2e-rec") / "recommendations"
    casekit("new", "recommendations", "--seed", "7", "--starter", "baseline", "--candidate", "e2e", "-o", project,
            *source, check=True)
    steps = {}
    for target in ("test", "run"):
        steps[target] = subprocess.run(["make", target, f"PYTHON={sys.executable}"], cwd=project,
                                       capture_output=True, text=True)
        assert steps[target].returncode == 0, steps[target].stdout + steps[target].stderr
    evaluation = casekit("evaluate", project, check=True)
    folder = sorted((project / "evaluation").iterdir())[-1]
    return project, steps, evaluation, json.loads((folder / "scorecard.json").read_text())


def baseline_ndcg(card: dict) -> dict[str, float]:
    return {b["name"]: next(m["value"] for m in b["metrics"] if m["name"] == "ndcg_at_10") for b in card["baselines"]}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return journey(tmp_path_factory)


@pytest.fixture(scope="module")
def films(tmp_path_factory):
    needs_mirror("movielens-ml-latest-small")
    return journey(tmp_path_factory, "--source", "movielens")


@pytest.mark.parametrize("name", ["shop", "films"])
def test_the_project_tests_pass_and_make_run_writes_a_scored_submission(name, request):
    project, steps, *_ = request.getfixturevalue(name)
    assert "6 passed" in steps["test"].stdout
    assert "held-out recent interactions of train" in steps["run"].stdout and "ndcg_at_10" in steps["run"].stdout
    assert "logged the run to MLflow" in steps["run"].stdout
    assert (project / "submission" / "predictions.csv").is_file()


@pytest.mark.parametrize("name", ["shop", "films"])
def test_evaluate_prints_ndcg_with_its_interval_and_the_three_baselines(name, request):
    *_, evaluation, card = request.getfixturevalue(name)
    primary = next(m for m in card["metrics"] if m["name"] == "ndcg_at_10")
    assert primary["ci_low"] < primary["value"] < primary["ci_high"]
    assert "NDCG@10 (primary)" in evaluation.stdout
    for title in ("Most popular", "Item-to-it", "LightGBM"):
        assert title in evaluation.stdout
    assert {c["baseline"] for c in card["comparisons"]} == {"popularity", "item_knn", "lightgbm_reranker"}


def test_the_shop_is_calibrated_so_that_better_models_visibly_win(shop):
    *_, card = shop
    ndcg = baseline_ndcg(card)
    assert 0.01 <= ndcg["popularity"] <= 0.06
    assert ndcg["item_knn"] - ndcg["popularity"] >= 0.015
    assert ndcg["lightgbm_reranker"] - ndcg["item_knn"] >= 0.05
    assert next(c for c in card["comparisons"] if c["baseline"] == "popularity")["verdict"] == "beats"


def test_on_movielens_personal_models_beat_popularity(films):
    *_, card = films
    ndcg = baseline_ndcg(card)
    assert ndcg["item_knn"] > ndcg["popularity"] and ndcg["lightgbm_reranker"] > ndcg["popularity"]
