"""The regression metrics agree with sklearn.metrics, with and without sample weights."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics

from casekit.metrics.regression import (
    weighted_mae,
    weighted_pinball,
    weighted_r2,
    weighted_rmse,
)
from casekit.tasks.metric import NoParameters
from casekit.tasks.regression import REGISTRY, AtQuantile, ValueScoring


@pytest.fixture
def predictions():
    rng = np.random.default_rng(11)
    n = 3_000
    # Far from zero, skewed, with ties: what a price or a duration looks like.
    y_true = 1_000.0 + np.round(rng.lognormal(3.0, 1.0, n), 1)
    y_pred = y_true + rng.normal(0, 15.0, n) + 5.0
    weights = rng.integers(0, 4, size=(6, n)).astype(float)
    return y_true, y_pred, weights


def test_weighted_rmse_matches_sklearn(predictions):
    y_true, y_pred, weights = predictions
    expected = [metrics.root_mean_squared_error(y_true, y_pred, sample_weight=w) for w in weights]
    np.testing.assert_allclose(weighted_rmse(weights, y_true, y_pred), expected, rtol=1e-12)


def test_weighted_mae_matches_sklearn(predictions):
    y_true, y_pred, weights = predictions
    expected = [metrics.mean_absolute_error(y_true, y_pred, sample_weight=w) for w in weights]
    np.testing.assert_allclose(weighted_mae(weights, y_true, y_pred), expected, rtol=1e-12)


def test_weighted_r2_matches_sklearn_on_a_target_far_from_zero(predictions):
    y_true, y_pred, weights = predictions
    expected = [metrics.r2_score(y_true, y_pred, sample_weight=w) for w in weights]
    np.testing.assert_allclose(weighted_r2(weights, y_true, y_pred), expected, rtol=1e-9)


@pytest.mark.parametrize("quantile", [0.1, 0.5, 0.9])
def test_weighted_pinball_matches_sklearn(predictions, quantile):
    y_true, y_pred, weights = predictions
    expected = [metrics.mean_pinball_loss(y_true, y_pred, alpha=quantile, sample_weight=w) for w in weights]
    np.testing.assert_allclose(weighted_pinball(weights, y_true, y_pred, quantile), expected, rtol=1e-12)


def point_metric(name: str, y_true: np.ndarray, y_pred: np.ndarray, params: object = NoParameters()) -> float:
    """The regression task's registered metric ``name`` on the whole set."""
    return REGISTRY.definitions[name].point(ValueScoring(y_true, y_pred), params)


@pytest.mark.parametrize(("name", "params", "reference"), [
    ("rmse", NoParameters(), lambda y, p: metrics.root_mean_squared_error(y, p)),
    ("mae", NoParameters(), metrics.mean_absolute_error),
    ("r2", NoParameters(), metrics.r2_score),
    ("pinball", AtQuantile(quantile=0.8), lambda y, p: metrics.mean_pinball_loss(y, p, alpha=0.8)),
])
def test_point_metrics_match_sklearn(predictions, name, params, reference):
    y_true, y_pred, _ = predictions
    assert point_metric(name, y_true, y_pred, params) == pytest.approx(reference(y_true, y_pred), rel=1e-10)


def test_half_the_mae_is_the_pinball_loss_at_the_median(predictions):
    y_true, y_pred, _ = predictions
    median = AtQuantile(quantile=0.5)
    assert point_metric("pinball", y_true, y_pred, median) == pytest.approx(point_metric("mae", y_true, y_pred) / 2)


def test_huge_predictions_give_a_huge_rmse_not_an_overflow():
    y_true, y_pred = np.array([1.0, 2.0, 3.0]), np.array([1e200, 2.0, 3.0])
    with np.errstate(over="raise"):
        rmse = point_metric("rmse", y_true, y_pred)
    assert rmse == pytest.approx(1e200 / np.sqrt(3))
    assert point_metric("r2", y_true, y_pred) < -1e300


@pytest.mark.parametrize("y_pred", [[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]], ids=["wrong", "right"])
def test_r2_of_a_truth_that_does_not_vary_is_what_sklearn_says_without_forcing_it_finite(y_pred):
    y_true, y_pred = np.array([2.0, 2.0, 2.0]), np.array(y_pred)
    expected = metrics.r2_score(y_true, y_pred, force_finite=False)  # -inf when wrong, NaN when right
    np.testing.assert_equal(weighted_r2(np.ones((1, 3)), y_true, y_pred)[0], expected)
