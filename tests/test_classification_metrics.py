"""The vectorised classification metrics agree with sklearn.metrics with sample weights, and the
multiclass task's registered metrics at unit weights with their point values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

from casekit.metrics.classification import (
    accuracy_from_confusion,
    confusion_counts,
    f1_from_confusion,
    weighted_roc_auc,
)
from casekit.tasks.metric import NoParameters
from casekit.tasks.multiclass import REGISTRY, ClassPredictions, ClassScoring, ClassTruth

K = 6


@pytest.fixture
def predictions():
    rng = np.random.default_rng(7)
    n = 2_000
    y_true = rng.choice(K, size=n, p=[0.4, 0.25, 0.15, 0.1, 0.07, 0.03])
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, K, n))
    proba = rng.dirichlet(np.ones(K), n)
    proba[np.arange(n), y_pred] += 1.0
    proba = np.round(proba / proba.sum(axis=1, keepdims=True), 2)  # rounding creates ties
    proba /= proba.sum(axis=1, keepdims=True)
    weights = rng.integers(0, 4, size=(5, n)).astype(float)
    return y_true, y_pred, proba, weights


def test_weighted_confusion_matches_sklearn(predictions):
    y_true, y_pred, _, weights = predictions
    ours = confusion_counts(weights, y_true, y_pred, K)
    for row, w in enumerate(weights):
        expected = metrics.confusion_matrix(y_true, y_pred, labels=range(K), sample_weight=w)
        np.testing.assert_allclose(ours[row], expected)


@pytest.mark.parametrize("average", ["macro", "weighted"])
def test_f1_from_confusion_matches_sklearn(predictions, average):
    y_true, y_pred, _, weights = predictions
    ours = f1_from_confusion(confusion_counts(weights, y_true, y_pred, K), average)
    expected = [metrics.f1_score(y_true, y_pred, labels=range(K), average=average, sample_weight=w,
                                 zero_division=np.nan) for w in weights]
    np.testing.assert_allclose(ours, expected, rtol=1e-12)


def test_macro_f1_leaves_out_a_class_absent_from_truth_and_predictions():
    y_true, y_pred = np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1])
    ours = f1_from_confusion(confusion_counts(np.ones((1, 4)), y_true, y_pred, 3), "macro")
    expected = metrics.f1_score(y_true, y_pred, labels=[0, 1, 2], average="macro", zero_division=np.nan)
    assert ours[0] == pytest.approx(expected)
    assert ours[0] == pytest.approx(metrics.f1_score(y_true, y_pred, average="macro"))


def test_accuracy_from_confusion_matches_sklearn(predictions):
    y_true, y_pred, _, weights = predictions
    ours = accuracy_from_confusion(confusion_counts(weights, y_true, y_pred, K))
    expected = [metrics.accuracy_score(y_true, y_pred, sample_weight=w) for w in weights]
    np.testing.assert_allclose(ours, expected)


def test_weighted_roc_auc_matches_sklearn_with_ties(predictions):
    y_true, _, proba, weights = predictions
    for k in range(K):
        ours = weighted_roc_auc(weights, y_true == k, proba[:, k])
        expected = [metrics.roc_auc_score(y_true == k, proba[:, k], sample_weight=w) for w in weights]
        np.testing.assert_allclose(ours, expected, rtol=1e-12)


def scoring(y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray | None) -> ClassScoring:
    truth = ClassTruth(pd.Index(range(y_true.size)), y_true, tuple(f"c{k}" for k in range(K)))
    return ClassScoring(truth, ClassPredictions(y_pred, proba))


def test_resampled_log_loss_matches_sklearn(predictions):
    y_true, y_pred, proba, weights = predictions
    ours = REGISTRY.definitions["log_loss"].resampled(scoring(y_true, y_pred, proba), NoParameters())(weights)
    expected = [metrics.log_loss(y_true, proba, labels=range(K), sample_weight=w) for w in weights]
    np.testing.assert_allclose(ours, expected, rtol=1e-10)


@pytest.mark.parametrize("name", sorted(REGISTRY.definitions))
def test_a_resampled_metric_with_unit_weights_equals_its_point_value(predictions, name):
    y_true, y_pred, proba, _ = predictions
    definition, scored = REGISTRY.definitions[name], scoring(y_true, y_pred, proba)
    resampled = definition.resampled(scored, NoParameters())(np.ones((1, y_true.size)))
    assert resampled[0] == pytest.approx(definition.point(scored, NoParameters()), rel=1e-10)


@pytest.mark.parametrize(("name", "reference"), [
    ("accuracy", lambda y, p, proba: metrics.accuracy_score(y, p)),
    ("macro_f1", lambda y, p, proba: metrics.f1_score(y, p, average="macro")),
    ("weighted_f1", lambda y, p, proba: metrics.f1_score(y, p, average="weighted")),
    ("log_loss", lambda y, p, proba: metrics.log_loss(y, proba)),
    ("roc_auc_ovr", lambda y, p, proba: metrics.roc_auc_score(y, proba, multi_class="ovr", average="macro")),
])
def test_a_point_value_matches_sklearn(predictions, name, reference):
    y_true, y_pred, proba, _ = predictions
    ours = REGISTRY.definitions[name].point(scoring(y_true, y_pred, proba), NoParameters())
    assert ours == pytest.approx(reference(y_true, y_pred, proba), rel=1e-10)
