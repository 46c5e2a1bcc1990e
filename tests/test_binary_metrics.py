"""The binary metrics agree with sklearn.metrics with sample weights, and the calibration
error with a plain loop over the bins."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics
from sklearn.calibration import calibration_curve

from casekit.metrics.binary import (
    calibration_bins,
    expected_calibration_error,
    weighted_average_precision,
    weighted_expected_calibration_error,
)
from casekit.tasks.binary import REGISTRY, BinaryScoring
from casekit.tasks.metric import NoParameters

THRESHOLD = 0.4


@pytest.fixture
def predictions():
    rng = np.random.default_rng(11)
    n = 3_000
    positive = rng.random(n) < 0.3
    proba = np.clip(0.3 + 0.25 * (positive - 0.3) + rng.normal(0, 0.2, n), 0, 1)
    proba = np.round(proba, 2)  # rounding creates ties, and values exactly on bin edges
    weights = rng.integers(0, 4, size=(5, n)).astype(float)
    return positive, proba, weights


def point(name: str, positive: np.ndarray, proba: np.ndarray, threshold: float = THRESHOLD) -> float:
    """The binary task's registered metric ``name`` on the whole set."""
    return REGISTRY.definitions[name].point(BinaryScoring(positive, proba, threshold), NoParameters())


def resampled(name: str, positive: np.ndarray, proba: np.ndarray, weights: np.ndarray,
              threshold: float = THRESHOLD) -> np.ndarray:
    """The binary task's registered metric ``name`` on every resample of ``weights``."""
    return REGISTRY.definitions[name].resampled(BinaryScoring(positive, proba, threshold), NoParameters())(weights)


def loop_ece(positive: np.ndarray, proba: np.ndarray, bins: int, weights: np.ndarray) -> float:
    """The textbook definition, one bin at a time: sum_k W_k / W * |o_k - p_k|."""
    total = 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    for k in range(bins):
        low, high = edges[k], edges[k + 1]
        inside = (proba > low) & (proba <= high) if k else (proba <= high)
        mass = weights[inside].sum()
        if mass > 0:
            observed = (weights[inside] * positive[inside]).sum() / mass
            predicted = (weights[inside] * proba[inside]).sum() / mass
            total += mass / weights.sum() * abs(observed - predicted)
    return total


def test_weighted_average_precision_matches_sklearn_with_ties(predictions):
    positive, proba, weights = predictions
    ours = weighted_average_precision(weights, positive, proba)
    expected = [metrics.average_precision_score(positive, proba, sample_weight=w) for w in weights]
    np.testing.assert_allclose(ours, expected, rtol=1e-12)


def test_weighted_average_precision_is_undefined_without_positive_rows():
    assert np.isnan(weighted_average_precision(np.ones((1, 3)), np.zeros(3, bool), np.array([0.2, 0.5, 0.9]))[0])


@pytest.mark.parametrize("name, reference", [
    ("log_loss", lambda y, p, w: metrics.log_loss(y, p, labels=[False, True], sample_weight=w)),
    ("brier", lambda y, p, w: metrics.brier_score_loss(y, p, pos_label=True, sample_weight=w)),
    ("precision", lambda y, p, w: metrics.precision_score(y, p >= THRESHOLD, sample_weight=w)),
    ("recall", lambda y, p, w: metrics.recall_score(y, p >= THRESHOLD, sample_weight=w)),
    ("f1", lambda y, p, w: metrics.f1_score(y, p >= THRESHOLD, sample_weight=w)),
    ("roc_auc", lambda y, p, w: metrics.roc_auc_score(y, p, sample_weight=w)),
])
def test_resampled_metric_matches_sklearn_with_sample_weights(predictions, name, reference):
    positive, proba, weights = predictions
    ours = resampled(name, positive, proba, weights)
    np.testing.assert_allclose(ours, [reference(positive, proba, w) for w in weights], rtol=1e-10)


def test_calibration_error_matches_the_loop_over_bins(predictions):
    positive, proba, _ = predictions
    for bins in (5, 10, 15):
        assert expected_calibration_error(positive, proba, bins) == pytest.approx(
            loop_ece(positive, proba, bins, np.ones(proba.size)), rel=1e-12)


def test_weighted_calibration_error_matches_the_loop_with_weights(predictions):
    positive, proba, weights = predictions
    ours = weighted_expected_calibration_error(weights, positive, proba, 10)
    np.testing.assert_allclose(ours, [loop_ece(positive, proba, 10, w) for w in weights], rtol=1e-12)


def test_calibration_bins_are_those_of_sklearn_calibration_curve(predictions):
    positive, proba, _ = predictions
    observed, predicted = calibration_curve(positive, proba, n_bins=10, strategy="uniform")
    counts = np.bincount(calibration_bins(proba, 10), minlength=10)
    counts = counts[counts > 0]
    from_sklearn = float(np.sum(counts / proba.size * np.abs(observed - predicted)))
    assert expected_calibration_error(positive, proba, 10) == pytest.approx(from_sklearn, rel=1e-12)


def test_a_calibrated_prediction_has_a_small_calibration_error_and_a_shifted_one_does_not():
    rng = np.random.default_rng(3)
    proba = rng.random(200_000)
    positive = rng.random(proba.size) < proba
    assert expected_calibration_error(positive, proba) < 0.01
    assert expected_calibration_error(positive, np.clip(proba + 0.2, 0, 1)) > 0.15


@pytest.mark.parametrize("name", sorted(REGISTRY.definitions))
def test_a_resampled_metric_with_unit_weights_equals_its_point_value(predictions, name):
    positive, proba, _ = predictions
    assert resampled(name, positive, proba, np.ones((1, proba.size)))[0] == pytest.approx(
        point(name, positive, proba), rel=1e-10)


@pytest.mark.parametrize(("name", "reference"), [
    ("roc_auc", lambda y, p: metrics.roc_auc_score(y, p)),
    ("pr_auc", lambda y, p: metrics.average_precision_score(y, p)),
    ("log_loss", lambda y, p: metrics.log_loss(y, p)),
    ("brier", lambda y, p: metrics.brier_score_loss(y, p)),
    ("precision", lambda y, p: metrics.precision_score(y, p >= THRESHOLD)),
    ("recall", lambda y, p: metrics.recall_score(y, p >= THRESHOLD)),
    ("f1", lambda y, p: metrics.f1_score(y, p >= THRESHOLD)),
])
def test_a_point_value_matches_sklearn(predictions, name, reference):
    positive, proba, _ = predictions
    assert point(name, positive, proba) == pytest.approx(reference(positive, proba), rel=1e-10)


def test_precision_is_undefined_when_nothing_is_flagged(predictions):
    positive, proba, _ = predictions
    assert np.isnan(point("precision", positive, proba, threshold=1.01))
    assert point("recall", positive, proba, threshold=1.01) == 0.0
    assert np.isnan(resampled("precision", positive, proba, np.ones((1, proba.size)), threshold=1.01)[0])
