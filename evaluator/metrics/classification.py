"""Classification metrics over integer-coded labels, for point estimates and resamples.

Point estimates come straight from :mod:`sklearn.metrics`. The bootstrap needs the same
metrics for a thousand weightings of the rows at once, which sklearn would do one call at a
time; the ``weighted_*`` functions here take a ``(b, n)`` weight matrix and return ``b``
values, and the tests check them against sklearn with ``sample_weight``.

Conventions (shared by both paths): labels are integer codes ``0..K-1``; a class with no
true and no predicted rows has an undefined F1 and is left out of the macro average (sklearn's
``zero_division=np.nan``).
"""

from __future__ import annotations

import numpy as np

# sklearn's log_loss clips probabilities to [eps, 1 - eps] with the float64 machine epsilon.
_EPS = np.finfo(np.float64).eps


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of rows whose predicted class is the true one (sklearn's ``accuracy_score``).

    Examples
    --------
    >>> round(accuracy(np.array([0, 1, 1]), np.array([0, 1, 0])), 3)
    0.667
    """
    from sklearn import metrics

    return float(metrics.accuracy_score(y_true, y_pred))


def f1(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int, average: str) -> float:
    """F1 = 2 TP / (2 TP + FP + FN) per class, averaged (``"macro"``) or weighted by support
    (``"weighted"``); a class with no true and no predicted row is left out (sklearn's
    ``f1_score`` with ``zero_division=np.nan``).

    Examples
    --------
    >>> round(f1(np.array([0, 1, 1]), np.array([0, 1, 0]), 2, "macro"), 3)
    0.667
    """
    from sklearn import metrics

    labels = np.arange(n_classes)
    return float(metrics.f1_score(y_true, y_pred, labels=labels, average=average, zero_division=np.nan))


def log_loss(y_true: np.ndarray, proba: np.ndarray) -> float:
    """Mean of -log p(true class), probabilities clipped as sklearn's ``log_loss`` does.

    Examples
    --------
    >>> round(log_loss(np.array([0, 1]), np.array([[0.5, 0.5], [0.2, 0.8]])), 3)
    0.458
    """
    from sklearn import metrics

    return float(metrics.log_loss(y_true, proba, labels=np.arange(proba.shape[1])))


def macro_roc_auc_ovr(y_true: np.ndarray, proba: np.ndarray) -> float:
    """One-vs-rest ROC-AUC averaged over the classes present in ``y_true`` (NaN with one).

    Examples
    --------
    >>> macro_roc_auc_ovr(np.array([0, 1, 1]), np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]))
    1.0
    """
    from sklearn import metrics

    present = np.unique(y_true)
    if present.size < 2:
        return float("nan")
    return float(np.mean([metrics.roc_auc_score(y_true == k, proba[:, k]) for k in present]))


def confusion_counts(weights: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Weighted confusion matrices, one per row of ``weights``.

    ``C[r, i, j] = sum of weights[r, s] over rows s with y_true[s] == i and y_pred[s] == j``.

    Returns
    -------
    ndarray of shape (b, n_classes, n_classes)

    Examples
    --------
    >>> confusion_counts(np.array([[1.0, 2.0, 1.0]]), np.array([0, 1, 1]), np.array([0, 1, 0]), 2)[0]
    array([[1., 0.],
           [1., 2.]])
    """
    cells = y_true * n_classes + y_pred
    size = n_classes * n_classes
    # One bincount per resample beats a sparse product here: it streams the row once.
    stacked = np.stack([np.bincount(cells, weights=row, minlength=size) for row in weights])
    return stacked.reshape(-1, n_classes, n_classes)


def f1_from_confusion(confusion: np.ndarray, average: str = "macro") -> np.ndarray:
    """F1 from confusion matrices of shape ``(b, K, K)``.

    Per class ``k``: ``F1_k = 2 TP_k / (2 TP_k + FP_k + FN_k)``. ``macro`` is the unweighted
    mean over classes where F1 is defined; ``weighted`` weights each class by its support.

    Examples
    --------
    >>> C = np.array([[[1.0, 0.0], [1.0, 1.0]]])
    >>> f1_from_confusion(C, "macro").round(3).tolist()
    [0.667]
    """
    tp = np.diagonal(confusion, axis1=1, axis2=2)
    support = confusion.sum(axis=2)
    predicted = confusion.sum(axis=1)
    denominator = support + predicted
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(denominator > 0, 2.0 * tp / denominator, np.nan)
    if average == "macro":
        defined = np.isfinite(f1)
        return np.where(defined.any(axis=1), np.nansum(f1, axis=1) / np.maximum(defined.sum(axis=1), 1), np.nan)
    if average == "weighted":
        return np.nansum(f1 * support, axis=1) / support.sum(axis=1)
    raise ValueError(f"unknown average {average!r}")


def accuracy_from_confusion(confusion: np.ndarray) -> np.ndarray:
    """``trace(C) / sum(C)`` for each confusion matrix in a ``(b, K, K)`` stack."""
    return np.trace(confusion, axis1=1, axis2=2) / confusion.sum(axis=(1, 2))


def row_log_loss(y_true: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """Per-row cross-entropy ``-log p(y_i)``, with probabilities clipped as sklearn does.

    The weighted mean of these values is sklearn's ``log_loss`` with ``sample_weight``.
    """
    return -np.log(np.clip(proba[np.arange(y_true.size), y_true], _EPS, 1.0 - _EPS))


def weighted_mean(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``sum_s w[r, s] v[s] / sum_s w[r, s]`` for each row ``r`` of ``weights``."""
    return (weights @ values) / weights.sum(axis=1)


def weighted_roc_auc(weights: np.ndarray, positive: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """ROC-AUC for each row of ``weights``, with tied scores counted as one half.

    ``AUC = sum over positive i, negative j of w_i w_j ([s_i > s_j] + 0.5 [s_i == s_j])``,
    divided by ``W_pos * W_neg``. Scores are sorted once; each resample is then one
    cumulative sum of negative weight, so ``b`` resamples cost ``O(b n)``.

    Examples
    --------
    >>> w = np.ones((1, 4))
    >>> weighted_roc_auc(w, np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])).tolist()
    [0.75]
    """
    order = np.argsort(scores, kind="stable")
    sorted_scores = scores[order]
    is_positive = positive[order].astype(bool)
    # Rows in (n, b) layout: each cumulative step then touches one contiguous row.
    ordered = weights.T[order]
    negatives_through = np.cumsum(np.where(is_positive[:, None], 0.0, ordered), axis=0)

    group_start = np.r_[True, sorted_scores[1:] != sorted_scores[:-1]]
    group_of_row = np.cumsum(group_start) - 1
    starts = np.flatnonzero(group_start)
    ends = np.r_[starts[1:], sorted_scores.size] - 1
    zero = np.zeros((1, weights.shape[0]))
    below_group = np.concatenate([zero, negatives_through[starts[1:] - 1]])
    tied_in_group = negatives_through[ends] - below_group

    groups = group_of_row[is_positive]
    credit = below_group[groups] + 0.5 * tied_in_group[groups]
    pairs = (ordered[is_positive] * credit).sum(axis=0)
    positive_total = ordered[is_positive].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pairs / (positive_total * negatives_through[-1])


def weighted_macro_roc_auc(weights: np.ndarray, y_true: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """One-vs-rest ROC-AUC averaged over the classes present in ``y_true``."""
    present = np.unique(y_true)
    return np.mean([weighted_roc_auc(weights, y_true == k, proba[:, k]) for k in present], axis=0)
