"""Binary classification metrics over a probability of the positive class, point and resampled.

Point estimates come from :mod:`sklearn.metrics`, except the expected calibration error,
which sklearn does not offer. The bootstrap needs every metric for a thousand weightings of
the rows at once; the ``weighted_*`` functions take a ``(b, n)`` weight matrix and return
``b`` values, and the tests check them against sklearn with ``sample_weight`` (and the
calibration error against a plain loop over bins).

Conventions: ``positive`` is a boolean array (the row is of the positive class, e.g. fake);
``proba`` is the predicted probability of the positive class; a row is *flagged* when
``proba >= threshold``. Precision with no flagged row and recall with no positive row are
undefined (NaN), as with sklearn's ``zero_division=np.nan``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from casekit.metrics.classification import row_log_loss, weighted_mean, weighted_roc_auc

DEFAULT_BINS = 10


def point_metrics(
    positive: np.ndarray, proba: np.ndarray, threshold: float, bins: int = DEFAULT_BINS
) -> dict[str, float]:
    """Every binary metric of one prediction.

    Parameters
    ----------
    positive : ndarray of bool, shape (n,)
        Whether each row is of the positive class.
    proba : ndarray of float, shape (n,)
        Predicted probability of the positive class.
    threshold : float
        Rows with ``proba >= threshold`` are flagged; precision, recall and F1 score the flags.
    bins : int
        Equal-width bins of the expected calibration error.

    Examples
    --------
    >>> y, p = np.array([False, False, True, True]), np.array([0.1, 0.6, 0.4, 0.8])
    >>> m = point_metrics(y, p, threshold=0.5)
    >>> m["roc_auc"], m["precision"], m["recall"]
    (0.75, 0.5, 0.5)
    """
    from sklearn import metrics

    flagged = proba >= threshold
    defined = positive.any() and not positive.all()
    return {
        "roc_auc": float(metrics.roc_auc_score(positive, proba)) if defined else float("nan"),
        "pr_auc": float(metrics.average_precision_score(positive, proba)) if positive.any() else float("nan"),
        "log_loss": float(metrics.log_loss(positive, proba, labels=[False, True])),
        "brier": float(metrics.brier_score_loss(positive, proba, pos_label=True)),
        "ece": expected_calibration_error(positive, proba, bins),
        "precision": float(metrics.precision_score(positive, flagged, zero_division=np.nan)),
        "recall": float(metrics.recall_score(positive, flagged, zero_division=np.nan)),
        "f1": float(metrics.f1_score(positive, flagged, zero_division=np.nan)),
    }


def calibration_bins(proba: np.ndarray, bins: int = DEFAULT_BINS) -> np.ndarray:
    """The bin of each probability among ``bins`` equal-width bins of [0, 1].

    Bin ``k`` holds ``k / bins < p <= (k + 1) / bins`` (bin 0 also holds 0): the convention
    of :func:`sklearn.calibration.calibration_curve`, so the reliability diagram and the
    calibration error group rows the same way.

    Examples
    --------
    >>> calibration_bins(np.array([0.0, 0.1, 0.15, 0.95, 1.0]), 10).tolist()
    [0, 0, 1, 9, 9]
    """
    edges = np.linspace(0.0, 1.0, bins + 1)
    return np.searchsorted(edges[1:-1], proba)


def expected_calibration_error(
    positive: np.ndarray, proba: np.ndarray, bins: int = DEFAULT_BINS, sample_weight: np.ndarray | None = None
) -> float:
    """Expected calibration error over equal-width bins.

    ``ECE = sum_k (W_k / W) |o_k - p_k|``, where bin ``k`` holds weight ``W_k`` of the total
    ``W``, ``o_k`` is its (weighted) share of positive rows and ``p_k`` its mean predicted
    probability. Equivalently ``sum_k |sum_{i in k} w_i (y_i - p_i)| / W``.

    Examples
    --------
    >>> y, p = np.array([False, True, True, True]), np.array([0.2, 0.2, 0.9, 0.9])
    >>> round(expected_calibration_error(y, p, bins=10), 6)
    0.2
    """
    weights = np.ones(proba.size) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    return float(weighted_expected_calibration_error(weights[None, :], positive, proba, bins)[0])


def weighted_expected_calibration_error(
    weights: np.ndarray, positive: np.ndarray, proba: np.ndarray, bins: int = DEFAULT_BINS
) -> np.ndarray:
    """The expected calibration error for each row of a ``(b, n)`` weight matrix.

    Each resample is two matrix products with the ``(n, bins)`` bin membership matrix, so
    ``b`` resamples cost ``O(b n bins)``.

    Examples
    --------
    >>> w = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 2.0, 1.0, 1.0]])
    >>> y, p = np.array([False, True, True, True]), np.array([0.2, 0.2, 0.9, 0.9])
    >>> weighted_expected_calibration_error(w, y, p).round(3).tolist()
    [0.2, 0.45]
    """
    membership = np.zeros((proba.size, bins))
    membership[np.arange(proba.size), calibration_bins(proba, bins)] = 1.0
    gap = weights @ (membership * (positive - proba)[:, None])
    return np.abs(gap).sum(axis=1) / weights.sum(axis=1)


def weighted_average_precision(weights: np.ndarray, positive: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Average precision (the area under the precision-recall curve) for each row of ``weights``.

    ``AP = sum_t (R_t - R_{t-1}) P_t`` over the distinct scores ``t`` in decreasing order,
    where ``P_t`` and ``R_t`` are the weighted precision and recall of flagging every row
    scored ``>= t`` (sklearn's ``average_precision_score``). Scores are sorted once; each
    resample is then two cumulative sums, so ``b`` resamples cost ``O(b n)``.

    Examples
    --------
    >>> y, scores = np.array([False, True, True, False]), np.array([0.1, 0.4, 0.35, 0.8])
    >>> weighted_average_precision(np.ones((1, 4)), y, scores).round(4).tolist()
    [0.5833]
    """
    order = np.argsort(-scores, kind="stable")
    sorted_scores = scores[order]
    is_positive = positive[order].astype(bool)
    # Rows in (n, b) layout: each cumulative step then touches one contiguous row.
    ordered = weights.T[order]
    true_flags = np.cumsum(np.where(is_positive[:, None], ordered, 0.0), axis=0)
    all_flags = np.cumsum(ordered, axis=0)
    # Tied scores are one threshold: keep the last row of each run of equal scores.
    last_of_group = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    true_flags, all_flags = true_flags[last_of_group], all_flags[last_of_group]
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = true_flags / true_flags[-1]
        precision = true_flags / all_flags
        gained = np.diff(recall, axis=0, prepend=0.0)
    # A threshold that adds no recall adds nothing, even where its precision is 0 / 0.
    area = np.where(gained > 0, gained * precision, 0.0).sum(axis=0)
    return np.where(true_flags[-1] > 0, area, np.nan)


def weighted_threshold_counts(
    weights: np.ndarray, positive: np.ndarray, flagged: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted true positives, false positives and false negatives of the flags, per resample.

    Examples
    --------
    >>> y, flagged = np.array([True, True, False]), np.array([True, False, True])
    >>> tp, fp, fn = weighted_threshold_counts(np.ones((1, 3)), y, flagged)
    >>> tp.tolist(), fp.tolist(), fn.tolist()
    ([1.0], [1.0], [1.0])
    """
    return (
        weights @ (positive & flagged).astype(float),
        weights @ (~positive & flagged).astype(float),
        weights @ (positive & ~flagged).astype(float),
    )


def resampled_metrics(
    positive: np.ndarray,
    proba: np.ndarray,
    threshold: float,
    names: set[str] | None = None,
    bins: int = DEFAULT_BINS,
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """A function ``weights -> {metric: values}`` for the metrics of :func:`point_metrics`
    named in ``names`` (all of them by default); metrics not asked for are not computed.
    """
    wanted = set(_RESAMPLED) if names is None else set(names) & set(_RESAMPLED)
    positive = positive.astype(bool)
    flagged = proba >= threshold
    losses = row_log_loss(positive.astype(np.int64), np.column_stack([1.0 - proba, proba]))
    squared_errors = (proba - positive) ** 2

    def evaluate(weights: np.ndarray) -> dict[str, np.ndarray]:
        values = {}
        if "roc_auc" in wanted:
            values["roc_auc"] = weighted_roc_auc(weights, positive, proba)
        if "pr_auc" in wanted:
            values["pr_auc"] = weighted_average_precision(weights, positive, proba)
        if "log_loss" in wanted:
            values["log_loss"] = weighted_mean(weights, losses)
        if "brier" in wanted:
            values["brier"] = weighted_mean(weights, squared_errors)
        if "ece" in wanted:
            values["ece"] = weighted_expected_calibration_error(weights, positive, proba, bins)
        if wanted & {"precision", "recall", "f1"}:
            tp, fp, fn = weighted_threshold_counts(weights, positive, flagged)
            with np.errstate(invalid="ignore", divide="ignore"):
                values["precision"] = tp / (tp + fp)
                values["recall"] = tp / (tp + fn)
                values["f1"] = 2 * tp / (2 * tp + fp + fn)
        return {name: value for name, value in values.items() if name in wanted}

    return evaluate


_RESAMPLED = ("roc_auc", "pr_auc", "log_loss", "brier", "ece", "precision", "recall", "f1")
