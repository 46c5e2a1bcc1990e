"""``casekit whatif``: the same predictions scored under another threshold, primary metric or cut-off,
through the one scoring path, agreeing with ``casekit evaluate`` wherever the two ask the same thing."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict

import pandas as pd
import pytest
from conftest import casekit, project_with_submission
from mlflow import MlflowClient
from planted_results import evaluated, plant

from casekit.drill.whatif import WhatIf, whatif_scorecard
from casekit.errors import UsageError
from casekit.outputs.tracking import experiment_name
from casekit.scoring.baselines import ensure_baselines
from casekit.scoring.scorecard import Scorecard


def scores(card: Scorecard) -> dict:
    """What a scorecard says about the submission: metrics, comparisons, slices and the decision."""
    return {"metrics": [asdict(metric) for metric in card.metrics],
            "comparisons": [asdict(comparison) for comparison in card.comparisons],
            "slices": asdict(card.slices) if card.slices else None, "decision": card.submission.decision}


@pytest.fixture(scope="module")
def planted(fake_news_project, tmp_path_factory):
    project, _ = plant(fake_news_project, tmp_path_factory.mktemp("planted"))
    return project, evaluated(project)


def test_default_settings_agree_with_evaluate(planted):
    project, card = planted
    assert scores(whatif_scorecard(project, WhatIf(metric="roc_auc"))) == scores(card)


def test_a_threshold_agrees_with_evaluate_of_a_decision_declaring_it(planted, tmp_path):
    project, _ = planted
    declared = tmp_path / "declared"
    shutil.copytree(project, declared, ignore=shutil.ignore_patterns("evaluation"))
    (declared / "submission" / "decision.json").write_text(json.dumps({"threshold": 0.5}))
    whatif = whatif_scorecard(project, WhatIf(threshold=0.5))
    assert scores(whatif) == scores(evaluated(declared))
    assert whatif.details.decision.threshold == 0.5 and whatif.metric("precision").value is not None


def test_the_projects_own_decision_is_left_as_it_was(planted):
    project, _ = planted
    whatif_scorecard(project, WhatIf(threshold=0.5))
    assert json.loads((project / "submission" / "decision.json").read_text()) == {"threshold": 0.2}


def test_another_metric_becomes_primary_with_intervals_verdicts_and_slices(planted):
    project, card = planted
    whatif = whatif_scorecard(project, WhatIf(metric="pr_auc"))
    assert whatif.primary_metric == "pr_auc" and whatif.primary.value == card.metric("pr_auc").value
    assert {comparison.metric for comparison in whatif.comparisons} == {"pr_auc"}
    assert whatif.slices is not None and whatif.slices.metric == "pr_auc"


def test_an_unknown_metric_is_refused_listing_the_known_ones(planted):
    with pytest.raises(UsageError, match=r"--metric accuracy_at_5: case 'fake-news' has no such metric; .*pr_auc"):
        whatif_scorecard(planted[0], WhatIf(metric="accuracy_at_5"))


def test_the_command_prints_the_scorecard_and_logs_nothing(planted):
    project, card = planted
    result = casekit("whatif", project, "--threshold", "0.5", check=True)
    assert "what if: threshold 0.5 (the project's files are unchanged)" in result.stdout
    assert "ROC-AUC (primary)" in result.stdout and "Compared with the baselines" in result.stdout
    experiment = MlflowClient().get_experiment_by_name(experiment_name(card.case, card.instance_id))
    assert experiment is None or not MlflowClient().search_runs([experiment.experiment_id],
                                                                "tags.`casekit.role` = 'whatif'")


@pytest.fixture(scope="module")
def ranking(movielens_project, movielens_instance, tmp_path_factory):
    """A MovieLens project whose submission is the classical baseline's lists, and a copy whose lists
    stop at five items."""
    baselines = ensure_baselines(movielens_instance)
    classical = next(item.baseline.name for item in baselines if item.baseline.tier == "classical")
    project = project_with_submission(movielens_project, baselines, classical, tmp_path_factory.mktemp("full"))
    short = project_with_submission(movielens_project, baselines, classical, tmp_path_factory.mktemp("short"))
    lists = pd.read_csv(short / "submission" / "predictions.csv")
    lists[lists["rank"] <= 5].to_csv(short / "submission" / "predictions.csv", index=False)
    return project, short


def test_a_cut_off_scores_the_lists_at_that_k(ranking):
    project, short = ranking
    at_five = whatif_scorecard(project, WhatIf(k=5))
    assert at_five.primary_metric == "ndcg_at_5" and at_five.primary.title == "NDCG@5"
    # A hit in the top 5 of a list is a hit anywhere in that list cut at 5.
    assert at_five.metric("hit_rate_at_5").value == evaluated(short).metric("hit_rate_at_10").value
    assert {comparison.metric for comparison in at_five.comparisons} == {"ndcg_at_5"}


def test_a_threshold_on_a_ranking_case_is_refused(ranking):
    with pytest.raises(UsageError, match="--threshold: case 'recommendations' takes no threshold"):
        whatif_scorecard(ranking[0], WhatIf(threshold=0.3))
