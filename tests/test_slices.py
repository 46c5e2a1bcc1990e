"""Slices: the primary metric per part of the test set, paired with the overall resamples,
and the rule that flags a slice as much worse than overall."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from casekit import cases, tasks
from casekit.cases.spec import MetricSpec, SliceSpec
from casekit.cases.submission_schemas import BinarySubmission
from casekit.metrics.bootstrap import bootstrap_metrics, percentile_interval
from casekit.metrics.classification import weighted_roc_auc
from casekit.metrics.ranking import RelevantSets, hit_matrix, ndcg_at_k
from casekit.scoring.slices import MUCH_WORSE_MARGIN, score_slices, slice_members
from casekit.tasks.binary import BinaryPredictions, BinaryTruth
from casekit.tasks.ranking import RankedLists, RankingTruth

RESAMPLES, SEED = 300, 5
# A binary case sliced by source: the ticket case's spec with a binary scoring contract.
SPEC = replace(
    cases.get("tickets"),
    task="binary",
    id_column="post_id",
    submission=BinarySubmission("post_id", probability_prefix="prob_", positive_label="fake"),
    metrics=(MetricSpec("roc_auc", "ROC-AUC"), MetricSpec("log_loss", "Log loss")),
    primary_metric="roc_auc",
    slices=(SliceSpec("source", "Source", min_rows=100),),
)
TASK = tasks.for_case(SPEC)


@pytest.fixture
def scored():
    """2,000 rows from three sources; the model is good on two of them and guesses on 'c'."""
    rng = np.random.default_rng(0)
    n = 2_000
    source = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2])
    positive = rng.random(n) < 0.4
    informative = np.clip(0.4 + 0.35 * (positive - 0.4) + rng.normal(0, 0.15, n), 0, 1)
    proba = np.where(source == "c", rng.random(n), informative)
    ids = pd.Index([f"P-{i:05d}" for i in range(n)])
    columns = pd.DataFrame({"source": source})  # one row per unit, in the truth's order
    return TASK, columns, BinaryTruth(ids, positive, "fake"), BinaryPredictions(proba, 0.5), source


def overall(truth, prediction) -> float:
    return float(roc_auc_score(truth.positive, prediction.proba))


def test_members_split_multi_valued_cells_and_keep_the_most_frequent_values():
    test = pd.DataFrame({"subject": ["tax,jobs", "tax", "jobs,health", "tax", "health", "", "jobs"]})
    found = slice_members(test, (SliceSpec("subject", "Subject", min_rows=2, max_slices=2, separator=","),))
    assert [(value, mask.sum()) for _, value, mask in found] == [("jobs", 3), ("tax", 3)]


def test_a_slice_scores_exactly_its_rows(scored):
    task, columns, truth, prediction, source = scored
    result = score_slices(task, columns, truth, prediction, overall(truth, prediction),
                          resamples=RESAMPLES, seed=SEED, confidence=0.95)
    for row in result.slices:
        rows = source == row.value
        assert row.units == rows.sum()
        assert row.point == pytest.approx(roc_auc_score(truth.positive[rows], prediction.proba[rows]), rel=1e-12)


def test_a_slice_interval_comes_from_the_overall_resamples(scored):
    task, columns, truth, prediction, source = scored
    result = score_slices(task, columns, truth, prediction, overall(truth, prediction),
                          resamples=RESAMPLES, seed=SEED, confidence=0.95)
    mask = (source == "b").astype(float)
    draws = bootstrap_metrics(lambda weights: {"roc_auc": weighted_roc_auc(weights * mask, truth.positive,
                                                                           prediction.proba)},
                              truth.n_units, RESAMPLES, SEED)["roc_auc"]
    expected = percentile_interval(draws)
    row = next(row for row in result.slices if row.value == "b")
    assert (row.ci_low, row.ci_high) == pytest.approx((expected.low, expected.high), rel=1e-12)


def test_only_the_slice_where_the_model_guesses_is_flagged(scored):
    task, columns, truth, prediction, _ = scored
    result = score_slices(task, columns, truth, prediction, overall(truth, prediction),
                          resamples=RESAMPLES, seed=SEED, confidence=0.95)
    flagged = {row.value: row.much_worse for row in result.slices}
    assert flagged == {"a": False, "b": False, "c": True}
    weak = next(row for row in result.slices if row.value == "c")
    assert weak.ci_high < result.overall - MUCH_WORSE_MARGIN


def test_for_a_loss_a_slice_is_flagged_when_its_interval_lies_above_overall(scored):
    task, columns, truth, prediction, _source = scored
    task = tasks.for_case(replace(SPEC, primary_metric="log_loss"))
    loss = log_loss(truth.positive, prediction.proba, labels=[False, True])
    result = score_slices(task, columns, truth, prediction, loss, resamples=RESAMPLES, seed=SEED, confidence=0.95)
    flagged = {row.value: row.much_worse for row in result.slices}
    assert flagged == {"a": False, "b": False, "c": True}
    weak = next(row for row in result.slices if row.value == "c")
    assert weak.ci_low > loss + MUCH_WORSE_MARGIN


def test_ranking_slices_score_each_group_of_users_on_their_own_lists():
    spec = replace(cases.get("recommendations"),
                   slices=(SliceSpec("history", "History", min_rows=1, bins=(1, 5)),))
    task = tasks.for_case(spec)
    rng = np.random.default_rng(3)
    n_users, n_items = 300, 50
    relevant = RelevantSets.from_pairs(np.repeat(np.arange(n_users), 2), rng.integers(0, n_items, 2 * n_users),
                                       n_users)
    truth = RankingTruth(pd.Index([f"U{u}" for u in range(n_users)]), relevant, pd.Index(range(n_items)), None)
    lists = RankedLists(np.stack([rng.permutation(n_items)[:10] for _ in range(n_users)]), n_items)
    history = rng.integers(0, 12, n_users)
    ndcg = ndcg_at_k(hit_matrix(lists.recommended, relevant, n_items), relevant.counts, 10)
    result = score_slices(task, pd.DataFrame({"history": history}), truth, lists, float(ndcg.mean()),
                          resamples=RESAMPLES, seed=SEED, confidence=0.95)
    assert [row.value for row in result.slices] == ["< 1", "1-4", "5+"]
    for row, members in zip(result.slices, (history < 1, (history >= 1) & (history < 5), history >= 5), strict=True):
        assert row.units == members.sum()
        assert row.point == pytest.approx(ndcg[members].mean(), rel=1e-12)
        assert row.ci_low <= row.point <= row.ci_high
