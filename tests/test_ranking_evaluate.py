"""``casekit evaluate`` on a recommendations instance (MovieLens): intervals over users, paired
comparisons with the three baselines, slices, the users without a list, MLflow."""

from __future__ import annotations

import csv
import json
import shutil

import pandas as pd
import pytest
from conftest import casekit
from mlflow import MlflowClient

USER = "user_id"
LEFT_OUT = 7


@pytest.fixture(scope="module")
def evaluated(movielens_project, movielens_instance):
    """The kNN baseline's lists, less a few users, evaluated as if a candidate had sent them."""
    from casekit.scoring.baselines import ensure_baselines

    baselines = ensure_baselines(movielens_instance)
    knn = next(b for b in baselines if b.baseline.name == "item_knn")
    lists = pd.read_csv(knn.path, dtype=str)
    left_out = lists[USER].drop_duplicates().iloc[:LEFT_OUT]
    submission = movielens_project / "submission" / "predictions.csv"
    lists[~lists[USER].isin(left_out)].to_csv(submission, index=False)
    result = casekit("evaluate", movielens_project, check=True)
    folder = sorted((movielens_project / "evaluation").iterdir())[-1]
    yield result, folder, json.loads((folder / "scorecard.json").read_text())
    shutil.rmtree(movielens_project / "evaluation")


def test_evaluate_prints_ndcg_with_its_interval_and_the_three_comparisons(evaluated):
    result, _, card = evaluated
    primary = next(m for m in card["metrics"] if m["name"] == "ndcg_at_10")
    assert primary["ci_low"] < primary["value"] < primary["ci_high"]
    assert "NDCG@10 (primary)" in result.stdout
    assert f"[{primary['ci_low']:.4f}, {primary['ci_high']:.4f}]" in result.stdout
    assert [c["baseline"] for c in card["comparisons"]] == ["popularity", "item_knn", "lightgbm_reranker"]
    for comparison in card["comparisons"]:
        assert comparison["delta_low"] <= comparison["delta"] <= comparison["delta_high"]


def test_leaving_users_out_costs_score_against_the_same_baseline(evaluated):
    knn = next(c for c in evaluated[2]["comparisons"] if c["baseline"] == "item_knn")
    assert knn["delta"] < 0 and knn["delta_low"] < knn["delta_high"] <= 0


def test_the_users_without_a_list_are_counted_in_the_output_and_the_report(evaluated):
    result, folder, card = evaluated
    note = f"{LEFT_OUT} of {card['details']['users']['evaluated']:,} test users have no list"
    assert note in result.stdout.replace("\n", " ")
    assert card["details"]["users"]["without_list"] == LEFT_OUT
    assert note in (folder / "report.html").read_text()


def test_the_bootstrap_resamples_test_users(evaluated):
    card = evaluated[2]
    assert card["bootstrap"]["unit"] == "test user" and card["bootstrap"]["resamples"] == 1000
    coverage = next(m for m in card["metrics"] if m["name"] == "coverage_at_10")
    assert coverage["ci_low"] is None  # a property of all lists together, not a mean over users


def test_the_report_has_the_slices_and_the_recall_curve(evaluated):
    _, folder, card = evaluated
    html = (folder / "report.html").read_text()
    for title in ("Cold and warm users", "Head and long-tail items", "Who was evaluated"):
        assert title in html
    assert (folder / "plots" / "recall_at_k.png").read_bytes().startswith(b"\x89PNG")
    assert [row["slice"].split()[0] for row in card["details"]["item_slices"]] == ["head", "long-tail"]


def test_the_scorecard_slices_ndcg_by_the_users_training_history(evaluated, movielens_instance):
    _, folder, card = evaluated
    history = movielens_instance.key.answers.drop_duplicates(USER)["train_interactions"].astype(int)
    ranges = pd.cut(history, [-1, 0, 4, 19, float("inf")], labels=["< 1", "1-4", "5-19", "20+"])
    counts = ranges.value_counts()
    expected = [(name, int(counts[name])) for name in ["< 1", "1-4", "5-19", "20+"] if counts[name] >= 30]
    found = card["slices"]
    assert found["metric"] == "ndcg_at_10" and found["unit"] == "test user"
    assert [(row["value"], row["units"]) for row in found["slices"]] == expected
    for row in found["slices"]:
        assert row["ci_low"] <= row["point"] <= row["ci_high"]
    assert "Slices: NDCG@10 by training interactions" in (folder / "report.html").read_text()


def test_the_mlflow_run_holds_the_ranking_metrics(evaluated):
    tracked = json.loads((evaluated[1] / "tracking.json").read_text())
    assert tracked["status"] == "logged"
    run_id = tracked["run_id"]
    metrics = MlflowClient().get_run(run_id).data.metrics
    for name in ("ndcg_at_10", "ndcg_at_10_ci_low", "mrr", "coverage_at_10", "delta_ndcg_at_10_vs_lightgbm_reranker"):
        assert name in metrics


def test_review_scores_bare_ranked_lists_and_ranks_them_among_the_baselines(movielens_project, movielens_instance,
                                                                          tmp_path):
    from casekit.scoring.baselines import ensure_baselines

    baselines = ensure_baselines(movielens_instance)
    knn = tmp_path / "knn.csv"  # a copy: review never reads files inside the key store
    shutil.copy(next(b.path for b in baselines if b.baseline.name == "item_knn"), knn)
    output = tmp_path / "review"
    result = casekit("review", f"Kay={knn}", f"Pop={movielens_project / 'data' / 'sample_submission.csv'}",
                     "--instance", movielens_instance.bundle.instance_id, "-o", output, "--no-track")
    assert result.returncode == 0, result.stdout + result.stderr
    with (output / "leaderboard.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    candidates = [row for row in rows if row["kind"] == "candidate"]
    assert [row["candidate"] for row in candidates] == ["Kay", "Pop"]
    assert all(row["metric"] == "NDCG@10" and row["status"] == "scored" for row in candidates)
    assert float(candidates[0]["ci_low"]) < float(candidates[0]["value"]) < float(candidates[0]["ci_high"])
    assert len([row for row in rows if row["kind"] == "baseline"]) == 3
    review = json.loads((sorted((output / "candidates" / "kay").iterdir())[-1] / "review.json").read_text())
    assert review["kind"] == "submission" and review["rerun_status"] == "no code"
    assert (output / "rubrics" / "kay.toml").is_file()


def test_on_movielens_personal_models_beat_popularity(evaluated):
    ndcg = {b["name"]: next(m["value"] for m in b["metrics"] if m["name"] == "ndcg_at_10")
            for b in evaluated[2]["baselines"]}
    assert ndcg["item_knn"] > ndcg["popularity"] and ndcg["lightgbm_reranker"] > ndcg["popularity"]
