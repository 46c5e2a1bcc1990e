"""Regression metrics over a predicted number per row, point and resampled.

The bootstrap needs every metric for a thousand weightings of the rows at once; the
``weighted_*`` functions take a ``(b, n)`` weight matrix (how many times each row was drawn in
each resample) and return ``b`` values, and the tests check them against sklearn with
``sample_weight``. Point estimates of MAE and pinball loss come from :mod:`sklearn.metrics`;
RMSE and R² are the weighted functions with unit weights, because of squares:

errors are ``e = y - y_hat``, and squares are taken of values divided by their largest
magnitude, then scaled back, so a submission of ``1e200`` gets an RMSE of about ``1e200``
where a plain mean of squares overflows to infinity. R² is undefined (NaN) when the truth has
no variance, as with sklearn's ``force_finite=False``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error, ``mean(|y - y_hat|)`` (sklearn's ``mean_absolute_error``).

    Examples
    --------
    >>> mae(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 2.0, 6.0]))
    0.75
    """
    from sklearn import metrics

    return float(metrics.mean_absolute_error(y_true, y_pred))


def pinball(y_true: np.ndarray, y_pred: np.ndarray, quantile: float) -> float:
    """Mean pinball loss at ``quantile`` (sklearn's ``mean_pinball_loss``; see :func:`weighted_pinball`).

    Examples
    --------
    >>> pinball(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 2.0, 6.0]), quantile=0.9)
    0.275
    """
    from sklearn import metrics

    return float(metrics.mean_pinball_loss(y_true, y_pred, alpha=quantile))


def unweighted(weighted: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
               y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """A ``weighted_*`` metric with every row weighing 1: the point value of RMSE and R².

    Examples
    --------
    >>> y, p = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 2.0, 6.0])
    >>> unweighted(weighted_rmse, y, p), unweighted(weighted_r2, y, p)
    (1.118033988749895, 0.0)
    """
    return float(weighted(np.ones((1, y_true.size)), y_true, y_pred)[0])


def weighted_rmse(weights: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Root mean squared error under each row of ``weights``.

    ``RMSE_r = sqrt(sum_s w[r, s] e_s^2 / sum_s w[r, s])``.

    Examples
    --------
    >>> weighted_rmse(np.array([[1.0, 1.0], [2.0, 0.0]]), np.array([0.0, 0.0]), np.array([3.0, 4.0])).tolist()
    [3.5355339059327378, 3.0]
    """
    return _scaled_root_mean_square(y_true - y_pred, weights)


def weighted_mae(weights: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Mean absolute error under each row of ``weights``: ``sum w |e| / sum w``.

    Examples
    --------
    >>> weighted_mae(np.array([[1.0, 3.0]]), np.array([0.0, 0.0]), np.array([2.0, -1.0])).tolist()
    [1.25]
    """
    return weights @ np.abs(y_true - y_pred) / weights.sum(axis=1)


def weighted_r2(weights: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Coefficient of determination under each row of ``weights``.

    ``R²_r = 1 - SSE_r / SST_r`` with ``SSE_r = sum w e^2`` and ``SST_r = sum w (y - ybar_r)^2``,
    ``ybar_r`` the weighted mean of the truth. ``SST_r`` is computed as
    ``sum w y'^2 - (sum w y')^2 / sum w`` on the truth centred on its plain mean (``y'``),
    which keeps the subtraction from cancelling on targets far from zero.

    Examples
    --------
    >>> weighted_r2(np.array([[1.0, 1.0, 1.0, 1.0]]), np.array([1.0, 2.0, 3.0, 4.0]),
    ...             np.array([1.0, 2.0, 2.0, 6.0])).tolist()
    [0.0]
    """
    totals = weights.sum(axis=1)
    errors = y_true - y_pred
    error_scale = _scale(errors)
    sse = weights @ (errors / error_scale) ** 2
    centred = y_true - y_true.mean()
    truth_scale = _scale(centred)
    scaled = centred / truth_scale
    sst = weights @ scaled**2 - (weights @ scaled) ** 2 / totals
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # numpy, not Python, floats: a square that overflows is inf, not an OverflowError.
        factor = np.float64(error_scale / truth_scale) ** 2
        ratio = (sse / np.where(sst > 1e-12 * totals, sst, 0.0)) * factor
    return 1.0 - ratio


def weighted_pinball(weights: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, quantile: float) -> np.ndarray:
    """Mean pinball (quantile) loss under each row of ``weights``.

    Per row, ``L = q e`` when ``e >= 0`` (the truth is above the prediction) and
    ``(q - 1) e`` otherwise: a prediction of the ``q``-th quantile minimises its mean.

    Examples
    --------
    >>> weighted_pinball(np.array([[1.0, 1.0]]), np.array([10.0, 10.0]), np.array([8.0, 12.0]), 0.9).tolist()
    [1.0]
    """
    errors = y_true - y_pred
    losses = np.maximum(quantile * errors, (quantile - 1.0) * errors)
    return weights @ losses / weights.sum(axis=1)


def _scaled_root_mean_square(errors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    scale = _scale(errors)
    return np.sqrt(weights @ (errors / scale) ** 2 / weights.sum(axis=1)) * scale


def _scale(values: np.ndarray) -> float:
    """The largest magnitude in ``values`` (1 when they are all zero): what they are divided by before squaring."""
    largest = float(np.abs(values).max(initial=0.0))
    return largest if largest > 0 and np.isfinite(largest) else 1.0
