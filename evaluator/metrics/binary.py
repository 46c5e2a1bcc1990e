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

import numpy as np

DEFAULT_BINS = 10


def roc_auc(positive: np.ndarray, proba: np.ndarray) -> float:
    """Probability that a random positive row gets a higher probability than a random negative
    one, ties counting one half (sklearn's ``roc_auc_score``); NaN with a single class.

    Examples
    --------
    >>> roc_auc(np.array([False, False, True, True]), np.array([0.1, 0.6, 0.4, 0.8]))
    0.75
    """
    from sklearn import metrics

    if not positive.any() or positive.all():
        return float("nan")
    return float(metrics.roc_auc_score(positive, proba))


def average_precision(positive: np.ndarray, proba: np.ndarray) -> float:
    """Precision averaged over the recall steps of the ranking by probability (sklearn's
    ``average_precision_score``); NaN without a positive row.

    Examples
    --------
    >>> round(average_precision(np.array([False, False, True, True]), np.array([0.1, 0.6, 0.4, 0.8])), 3)
    0.833
    """
    from sklearn import metrics

    if not positive.any():
        return float("nan")
    return float(metrics.average_precision_score(positive, proba))


def log_loss(positive: np.ndarray, proba: np.ndarray) -> float:
    """Mean of -log p(true class) (sklearn's ``log_loss``).

    Examples
    --------
    >>> round(log_loss(np.array([False, True]), np.array([0.2, 0.8])), 3)
    0.223
    """
    from sklearn import metrics

    return float(metrics.log_loss(positive, proba, labels=[False, True]))


def brier(positive: np.ndarray, proba: np.ndarray) -> float:
    """Mean squared difference between the probability and the outcome (sklearn's ``brier_score_loss``).

    Examples
    --------
    >>> round(brier(np.array([False, True]), np.array([0.2, 0.8])), 3)
    0.04
    """
    from sklearn import metrics

    return float(metrics.brier_score_loss(positive, proba, pos_label=True))


def precision_at(positive: np.ndarray, proba: np.ndarray, threshold: float) -> float:
    """Share of the flagged rows (``proba >= threshold``) that are positive; NaN when none is flagged.

    Examples
    --------
    >>> precision_at(np.array([False, False, True, True]), np.array([0.1, 0.6, 0.4, 0.8]), 0.5)
    0.5
    """
    from sklearn import metrics

    return float(metrics.precision_score(positive, proba >= threshold, zero_division=np.nan))


def recall_at(positive: np.ndarray, proba: np.ndarray, threshold: float) -> float:
    """Share of the positive rows that are flagged; NaN without a positive row.

    Examples
    --------
    >>> recall_at(np.array([False, False, True, True]), np.array([0.1, 0.6, 0.4, 0.8]), 0.5)
    0.5
    """
    from sklearn import metrics

    return float(metrics.recall_score(positive, proba >= threshold, zero_division=np.nan))


def f1_at(positive: np.ndarray, proba: np.ndarray, threshold: float) -> float:
    """Harmonic mean of precision and recall of the flags at ``threshold``.

    Examples
    --------
    >>> f1_at(np.array([False, False, True, True]), np.array([0.1, 0.6, 0.4, 0.8]), 0.5)
    0.5
    """
    from sklearn import metrics

    return float(metrics.f1_score(positive, proba >= threshold, zero_division=np.nan))


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
