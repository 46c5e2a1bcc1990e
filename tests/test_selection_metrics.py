"""The selection metrics, against hand-computed cases, scipy, sklearn and QVHighlights' official figures."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import MIRROR, needs_mirror
from scipy import stats
from sklearn.metrics import precision_recall_curve

from casekit.metrics.selection import (
    highlight_average_precision,
    highlight_hit_at_one,
    importance_share,
    rank_correlations,
    time_f1,
)


def random_groups(rng, n_groups, low=2, high=12):
    sizes = rng.integers(low, high, n_groups)
    return np.concatenate([[0], np.cumsum(sizes)])


def test_f1_counts_seconds_in_both_cuts():
    # Selected: 10 + 20 s; editor A: 10 + 10 s (one in common), editor B half of the last item.
    selected = np.array([True, True, False])
    cuts = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 0.5]])
    f1 = time_f1(selected, cuts, np.array([10, 20, 10]), np.array([0, 3]))
    assert f1[0, 0] == pytest.approx(2 * 10 / (30 + 20))
    assert f1[0, 1] == pytest.approx(0.0)


def test_f1_is_undefined_for_an_editor_who_did_not_judge_the_group_and_zero_for_an_empty_cut():
    cuts = np.array([[1.0, 0.0, np.nan, np.nan], [1.0, 1.0, 0.0, 1.0]])
    f1 = time_f1(np.array([False, False, True, False]), cuts, np.array([5, 5, 5, 5]), np.array([0, 2, 4]))
    assert f1[0, 0] == 0.0 and np.isnan(f1[1, 0])
    assert f1[1, 1] == pytest.approx(0.0)


def test_the_importance_share_is_the_captured_value_over_the_best():
    share = importance_share(np.array([True, False, False, True]), np.array([2.0, 6.0, 1.0, 1.0]),
                             np.array([0, 2, 4]), np.array([6.0, 0.0]))
    assert share[0] == pytest.approx(2 / 6) and np.isnan(share[1])


def test_tau_and_rho_are_scipys_group_by_group():
    rng = np.random.default_rng(5)
    offsets = random_groups(rng, 20)
    scores = rng.normal(size=offsets[-1]).round(1)
    references = rng.integers(0, 5, (3, offsets[-1])).astype(float)
    tau, rho = rank_correlations(scores, references, offsets)
    for g in range(20):
        span = slice(offsets[g], offsets[g + 1])
        for r in range(3):
            if np.ptp(scores[span]) == 0 or np.ptp(references[r, span]) == 0:
                assert np.isnan(tau[g, r])
                continue
            assert tau[g, r] == pytest.approx(stats.kendalltau(scores[span], references[r, span]).statistic)
            assert rho[g, r] == pytest.approx(stats.spearmanr(scores[span], references[r, span]).statistic)


def test_a_constant_score_has_no_rank_correlation():
    tau, rho = rank_correlations(np.zeros(4), np.array([[0.0, 1.0, 2.0, 3.0]]), np.array([0, 4]))
    assert np.isnan(tau[0, 0]) and np.isnan(rho[0, 0])


def official_average_precision(truth, scores):
    """QVHighlights' ``get_ap``, as its standalone evaluation computes it (through sklearn)."""
    if truth.min() == truth.max():
        return float(truth[0])
    precision, recall, _ = precision_recall_curve(truth, scores)
    precision = np.maximum.accumulate(precision)
    return float(precision[np.where(np.diff(recall.astype(np.float32)))].mean())


def test_the_vectorised_average_precision_is_the_official_one_with_tied_scores():
    rng = np.random.default_rng(9)
    offsets = random_groups(rng, 60, 1, 30)
    scores = rng.integers(0, 5, offsets[-1]).astype(float)  # many ties
    relevant = (rng.random((2, offsets[-1])) < 0.3).astype(float)
    ap = highlight_average_precision(scores, relevant, offsets)
    for g in range(60):
        span = slice(offsets[g], offsets[g + 1])
        for r in range(2):
            assert ap[g, r] == pytest.approx(official_average_precision(relevant[r, span], scores[span]))


def test_hit_at_one_looks_at_the_first_of_the_top_scored_items():
    hits = highlight_hit_at_one(np.array([0.2, 0.9, 0.9]), np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
                                np.array([0, 3]))
    assert hits.tolist() == [[1.0, 0.0]]


@pytest.fixture(scope="module")
def moment_detr_on_val():
    """Moment-DETR's released saliency predictions on the QVHighlights validation split, with the
    raters' scores over every clip (0 where not asked), as the official evaluation builds them."""
    needs_mirror("qvhighlights")
    folder = MIRROR / "qvhighlights"
    truth = [json.loads(line) for line in (folder / "highlight_val_release.jsonl").open(encoding="utf-8")]
    predicted = {row["qid"]: row["pred_saliency_scores"]
                 for row in map(json.loads, (folder / "inference_hl_val_test_code_preds.jsonl").open(encoding="utf-8"))}
    scores, ratings, offsets = [], [], [0]
    for row in truth:
        clips = row["duration"] // 2
        rated = np.zeros((clips, 3))
        rated[row["relevant_clip_ids"]] = row["saliency_scores"]
        padded = np.zeros(clips)  # a prediction one clip short is padded with 0, as officially
        given = predicted[row["qid"]][:clips]
        padded[:len(given)] = given
        scores.append(padded)
        ratings.append(rated)
        offsets.append(offsets[-1] + clips)
    official = json.loads((folder / "inference_hl_val_test_code_preds_metrics.json").read_text())["brief"]
    return np.concatenate(scores), np.concatenate(ratings).T, np.array(offsets), official


@pytest.mark.parametrize(("name", "min_score"), [("Fair", 2), ("Good", 3), ("VeryGood", 4)])
def test_the_official_qvhighlights_figures_are_reproduced(moment_detr_on_val, name, min_score):
    scores, ratings, offsets, official = moment_detr_on_val
    relevant = (ratings >= min_score).astype(float)
    hl_map = 100 * highlight_average_precision(scores, relevant, offsets).mean()
    hit_at_one = 100 * highlight_hit_at_one(scores, relevant, offsets).max(axis=1).mean()
    assert round(hl_map, 2) == official[f"HL-min-{name}-mAP"]
    assert round(hit_at_one, 2) == official[f"HL-min-{name}-Hit1"]
