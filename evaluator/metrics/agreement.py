"""How alike two candidates' predictions are, beyond what their scores make them.

Two candidates who share code, or predictions, agree on test rows more than their scores
imply. Both measures give 1 for identical predictions and about 0 for two independent
candidates with these scores; a review flags the pairs near 1 (see
:mod:`casekit.review.similarity`).
"""

from __future__ import annotations

import numpy as np


def label_agreement(a: np.ndarray, b: np.ndarray, truth: np.ndarray) -> float:
    """Agreement of two label vectors beyond what their confusion matrices imply.

    The agreement expected of two independent candidates is taken from each one's confusion
    matrix (the chance that both give the same label to a row of true class ``y``, summed over
    labels); the result is Cohen's-kappa-like excess agreement
    ``(observed - expected) / (1 - expected)``.

    Parameters
    ----------
    a, b : ndarray of str, shape (n,)
        The two candidates' labels, row by row.
    truth : ndarray of str, shape (n,)
        The true labels.

    Returns
    -------
    float
        1 for identical labels, 0 for candidates as alike as their confusion matrices make them.
    """
    observed = float(np.mean(a == b))
    expected = 0.0
    for label in np.unique(truth):
        rows = truth == label
        share = rows.mean()
        labels_a, counts_a = np.unique(a[rows], return_counts=True)
        given_a = dict(zip(labels_a, counts_a / rows.sum(), strict=True))
        labels_b, counts_b = np.unique(b[rows], return_counts=True)
        expected += share * sum(given_a.get(value, 0.0) * count / rows.sum()
                                for value, count in zip(labels_b, counts_b, strict=True))
    if expected >= 1.0:
        return 1.0 if observed >= 1.0 else 0.0
    return (observed - expected) / (1.0 - expected)


def error_correlation(a: np.ndarray, b: np.ndarray, truth: np.ndarray) -> float:
    """The correlation of two probability vectors' errors ``p - y``.

    Parameters
    ----------
    a, b : ndarray of float, shape (n,)
        The two candidates' probabilities of the positive class, row by row.
    truth : ndarray of float, shape (n,)
        1.0 where the row is positive, else 0.0.

    Returns
    -------
    float
        1 for identical errors; independent models stay well below it.
    """
    errors_a, errors_b = a - truth, b - truth
    if errors_a.std() == 0 or errors_b.std() == 0:
        return 1.0 if np.allclose(errors_a, errors_b) else 0.0
    return float(np.corrcoef(errors_a, errors_b)[0, 1])
