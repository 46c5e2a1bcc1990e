"""Metrics of a selection under a budget, one value per group (a day, a video) and reference.

Items are given flat, group after group: group ``g`` holds items ``offsets[g]:offsets[g + 1]``.
A *reference* is one human's judgement of every item: a selection (how much of each item is in
that editor's cut, 0 to 1: a fraction when ties make the cut ambiguous) or an importance score;
NaN marks an item of a group the reference did not judge. The task averages these per-group
values over groups (see :mod:`casekit.tasks.selection`).

- :func:`time_f1`: F1 of the selected time against a reference cut (TVSum / SumMe protocol);
- :func:`importance_share`: the importance captured, over the best achievable;
- :func:`rank_correlations`: Kendall's tau-b and Spearman's rho of predicted item scores against
  a reference's importance (Otani et al., CVPR 2019), from :mod:`scipy.stats`;
- :func:`highlight_average_precision` and :func:`highlight_hit_at_one`: QVHighlights' highlight
  detection metrics (Lei et al., NeurIPS 2021), as its official ``standalone_eval`` computes them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def group_sums(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Sum ``values`` (last axis) within each group; an empty group sums to 0.

    Examples
    --------
    >>> group_sums(np.array([1.0, 2.0, 3.0]), np.array([0, 2, 2, 3])).tolist()
    [3.0, 0.0, 3.0]
    """
    cumulative = np.concatenate([np.zeros((*values.shape[:-1], 1)), np.cumsum(values, axis=-1)], axis=-1)
    return cumulative[..., offsets[1:]] - cumulative[..., offsets[:-1]]


def time_f1(selected: np.ndarray, references: np.ndarray, lengths: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """F1 of the selected time against each reference cut, per group.

    With ``S`` the selected seconds, ``R`` the reference's and ``O`` the seconds in both,
    precision is ``O / S``, recall ``O / R`` and ``F1 = 2 O / (S + R)``. Items do not overlap,
    so seconds in both add up item by item, a fractional reference counting in proportion.

    Parameters
    ----------
    selected : array of bool, shape (n_items,)
    references : array of float, shape (n_references, n_items)
        How much of each item each reference's cut holds (0 to 1), NaN where it did not judge.
    lengths : array, shape (n_items,)
    offsets : array of int, shape (n_groups + 1,)

    Returns
    -------
    ndarray, shape (n_groups, n_references)
        NaN where the reference did not judge the group or its cut is empty; 0 for an empty
        selection against a non-empty cut.

    Examples
    --------
    >>> f1 = time_f1(np.array([True, True, False]), np.array([[1.0, 0.0, 1.0]]), np.array([10, 20, 10]),
    ...              np.array([0, 3]))
    >>> round(float(f1[0, 0]), 4)  # 2 * 10 / (30 + 20)
    0.4
    """
    judged = group_sums((~np.isnan(references)).astype(float), offsets) > 0
    membership = np.nan_to_num(references)
    seconds = np.asarray(lengths, dtype=float)
    chosen = group_sums(np.where(selected, seconds, 0.0), offsets)
    reference = group_sums(membership * seconds, offsets)
    both = group_sums(membership * np.where(selected, seconds, 0.0), offsets)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = 2.0 * both / (chosen[None, :] + reference)
    f1[~judged | (reference <= 0)] = np.nan
    return f1.T


def importance_share(selected: np.ndarray, value: np.ndarray, offsets: np.ndarray, best: np.ndarray) -> np.ndarray:
    """The value of the selection over the best value any selection within budget achieves.

    ``value`` is each item's worth (e.g. mean human importance x seconds); ``best`` is the
    knapsack oracle's total per group. NaN where nothing is worth anything (``best`` is 0).

    Examples
    --------
    >>> importance_share(np.array([True, False]), np.array([2.0, 6.0]), np.array([0, 2]), np.array([6.0])).tolist()
    [0.3333333333333333]
    """
    captured = group_sums(np.where(selected, value, 0.0), offsets)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(best > 0, captured / best, np.nan)


def rank_correlations(scores: np.ndarray, references: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kendall's tau-b and Spearman's rho of the scores against each reference, per group.

    Both come from :func:`scipy.stats.kendalltau` and :func:`scipy.stats.spearmanr` (ties get
    their average rank). A group where either side is constant has no correlation (NaN).

    Returns
    -------
    tau, rho : ndarray, shape (n_groups, n_references)

    Examples
    --------
    >>> tau, rho = rank_correlations(np.array([1.0, 2.0, 3.0]), np.array([[1.0, 3.0, 2.0]]), np.array([0, 3]))
    >>> round(float(tau[0, 0]), 4), round(float(rho[0, 0]), 4)
    (0.3333, 0.5)
    """
    n_groups, n_references = offsets.size - 1, references.shape[0]
    tau = np.full((n_groups, n_references), np.nan)
    rho = np.full((n_groups, n_references), np.nan)
    for group in range(n_groups):
        start, stop = offsets[group], offsets[group + 1]
        predicted = scores[start:stop]
        if stop - start < 2 or np.ptp(predicted) == 0:
            continue
        for reference in range(n_references):
            truth = references[reference, start:stop]
            if np.isnan(truth).any() or np.ptp(truth) == 0:
                continue
            tau[group, reference] = stats.kendalltau(predicted, truth).statistic
            rho[group, reference] = stats.spearmanr(predicted, truth).statistic
    return tau, rho


def highlight_average_precision(scores: np.ndarray, relevant: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Interpolated average precision of the scores against each reference's relevant items.

    As QVHighlights' official evaluation (``standalone_eval``, ``get_ap``) computes it with
    :func:`sklearn.metrics.precision_recall_curve`: one point per distinct score (ties cross
    the threshold together), precision made monotone (each point takes the best precision at
    any higher recall), averaged over the points where recall grows. A group whose items are
    all relevant scores 1, none 0. Vectorised over groups; the tests check it against that
    sklearn computation and the official figures.

    Parameters
    ----------
    relevant : array of float, shape (n_references, n_items)
        1 where the reference finds the item relevant (e.g. rated "Very Good"), 0 where not,
        NaN where it did not judge the group.

    Returns
    -------
    ndarray, shape (n_groups, n_references)

    Examples
    --------
    >>> ap = highlight_average_precision(np.array([0.9, 0.8, 0.1]), np.array([[1.0, 0.0, 1.0]]), np.array([0, 3]))
    >>> round(float(ap[0, 0]), 4)  # relevant at ranks 1 and 3: (1 + 2/3) / 2
    0.8333
    """
    n_groups, n_references = offsets.size - 1, relevant.shape[0]
    group = np.repeat(np.arange(n_groups), np.diff(offsets))
    order = np.lexsort((-scores, group))
    ranked_scores, ranked_group = scores[order], group[order]
    # The last item of each run of equal scores in a group: one point of the curve each.
    point = np.ones(order.size, dtype=bool)
    point[:-1] = (ranked_group[1:] != ranked_group[:-1]) | (ranked_scores[1:] != ranked_scores[:-1])
    point_group = ranked_group[point]
    above = (np.arange(order.size) - offsets[ranked_group] + 1)[point]
    first_point = np.ones(point_group.size, dtype=bool)
    first_point[1:] = point_group[1:] != point_group[:-1]
    ap = np.full((n_groups, n_references), np.nan)
    for reference in range(n_references):
        ranked = relevant[reference, order]
        cumulative = np.cumsum(np.nan_to_num(ranked))
        before = np.concatenate([[0.0], cumulative])[offsets[ranked_group]]
        hits = (cumulative - before)[point]
        precision = hits / above
        # Monotone precision: the best at this point or any later one (lower scores, higher recall).
        best_after = pd.Series(precision[::-1]).groupby(point_group[::-1]).cummax().to_numpy()[::-1]
        earlier = np.concatenate([[0.0], hits[:-1]])
        earlier[first_point] = 0.0
        grows = hits > earlier
        total = np.bincount(point_group[grows], weights=best_after[grows], minlength=n_groups)
        counted = np.bincount(point_group[grows], minlength=n_groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            ap[:, reference] = np.where(counted > 0, total / counted, 0.0)
        unjudged = group_sums(np.isnan(relevant[reference]).astype(float), offsets) > 0
        ap[unjudged | (np.diff(offsets) == 0), reference] = np.nan
    return ap


def highlight_hit_at_one(scores: np.ndarray, relevant: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Whether each reference finds the top-scored item of each group relevant (first on ties).

    Returns
    -------
    ndarray, shape (n_groups, n_references)
        1.0 or 0.0; NaN where the reference did not judge the group, or the group is empty.

    Examples
    --------
    >>> highlight_hit_at_one(np.array([0.2, 0.9, 0.9]), np.array([[0.0, 1.0, 0.0]]), np.array([0, 3])).tolist()
    [[1.0]]
    """
    n_groups = offsets.size - 1
    hits = np.full((n_groups, relevant.shape[0]), np.nan)
    sizes = np.diff(offsets)
    filled = np.flatnonzero(sizes > 0)
    if filled.size:
        top = np.array([offsets[g] + int(np.argmax(scores[offsets[g]:offsets[g + 1]])) for g in filled])
        hits[filled] = relevant[:, top].T
    return hits
