"""Tiers: candidates grouped by what the test set can tell apart, from paired bootstrap draws.

Each candidate brings its primary metric and its values on the bootstrap resamples. Within
one instance these are the metric itself on the instance's shared resamples (the resamples
depend only on the seed and the number of test units, so every candidate and baseline of an
instance is scored on the same ones, which pairs them). Across instances they are each
candidate's *gap* to a named baseline of its own instance (:func:`gap_to_baseline`): the
paired gap takes out the instance's difficulty, and gaps from different instances are
independent, so their difference is bootstrapped by subtracting the draws resample by
resample.

The rule (:func:`assign_tiers`):

1. sort by the metric, best first in its direction;
2. the best candidate opens tier 1;
3. going down, each candidate is tested against the candidate that *opened* the current tier
   (not the one just above it, so that small steps cannot chain a whole batch into one tier);
   it opens a new tier when the difference is significant: a two-sided bootstrap p-value
   (:func:`paired_p_value`), Holm-adjusted over the tier-opening tests made, below 0.05.

Separately, every pair is tested the same way, Holm-adjusted over all pairs, to list for each
candidate the others it could not be told from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ALPHA = 0.05


@dataclass(frozen=True)
class Standing:
    """Where one candidate lands.

    ``compared_with`` is the candidate that opened the tier above or the current one, tested
    against this one; ``p_value`` and ``p_adjusted`` are that test's raw and Holm-adjusted
    p-values (all three None for the best candidate, which is not tested). ``opens_tier`` says
    whether that test made a tier boundary. ``not_told_from`` lists the candidates whose paired
    difference with this one is not significant after Holm's correction over all pairs.
    """

    name: str
    value: float
    tier: int
    compared_with: str | None
    p_value: float | None
    p_adjusted: float | None
    opens_tier: bool
    not_told_from: list[str]


def paired_p_value(differences: np.ndarray) -> float:
    """The two-sided bootstrap p-value that a paired difference is zero.

    ``p = min(1, 2 * min(P(d <= 0), P(d >= 0)))`` over the resamples where ``d`` is finite:
    twice the share of resamples on the less likely side of 0. It is below ``alpha`` exactly
    when 0 lies outside the ``1 - alpha`` percentile interval of ``d``, so it agrees with the
    paired intervals the scorecard shows. With ``B`` resamples its resolution is ``2 / B``; 0
    means no resample crossed 0. Undefined everywhere (no finite draw) gives 1.

    Examples
    --------
    >>> paired_p_value(np.array([0.1, 0.2, 0.3, -0.1]))
    0.5
    >>> paired_p_value(np.array([0.1, 0.2, 0.3, 0.4]))
    0.0
    """
    finite = np.asarray(differences, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return 1.0
    return float(min(1.0, 2.0 * min(np.mean(finite <= 0), np.mean(finite >= 0))))


def holm(p_values: Sequence[float] | np.ndarray, family_size: int | None = None) -> np.ndarray:
    """Holm's step-down adjusted p-values, in the order given.

    With the ``k`` p-values sorted ascending, ``p_(1) <= ... <= p_(k)`` and ``m`` the family
    size, ``adjusted_(j) = max over l <= j of min(1, (m - l + 1) * p_(l))``. A hypothesis is
    rejected at level ``alpha`` when its adjusted p-value is below ``alpha``. ``family_size``
    defaults to ``k``; a larger one counts tests not (yet) seen, which can only raise the
    adjusted values.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, 0.005]).round(4).tolist()
    [0.03, 0.06, 0.06, 0.02]
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p) if family_size is None else family_size
    if m < len(p):
        raise ValueError(f"family_size {m} is smaller than the {len(p)} p-values given")
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, (m - np.arange(len(p))) * p[order])
    adjusted = np.empty_like(p)
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted


def gap_to_baseline(value: float, draws: np.ndarray, baseline_value: float,
                    baseline_draws: np.ndarray) -> tuple[float, np.ndarray]:
    """A candidate's paired gap to a baseline of its own instance: the point and its draws.

    ``gap = candidate - baseline``, resample by resample on the instance's shared resamples,
    so the instance's difficulty cancels and candidates of different instances compare.

    Examples
    --------
    >>> point, draws = gap_to_baseline(0.8, np.array([0.78, 0.83]), 0.7, np.array([0.69, 0.72]))
    >>> round(point, 4), draws.round(4).tolist()
    (0.1, [0.09, 0.11])
    """
    draws, baseline_draws = np.asarray(draws, dtype=float), np.asarray(baseline_draws, dtype=float)
    if draws.shape != baseline_draws.shape:
        raise ValueError(f"the candidate has {draws.shape} draws and the baseline {baseline_draws.shape}: "
                         f"a paired gap needs the same resamples")
    return value - baseline_value, draws - baseline_draws


def assign_tiers(names: Sequence[str], values: Sequence[float], draws: np.ndarray, *, higher_is_better: bool,
                 alpha: float = ALPHA) -> list[Standing]:
    """Group candidates into tiers (see the module docstring); best first.

    Parameters
    ----------
    names : sequence of str
        Distinct candidate names.
    values : sequence of float
        Each candidate's primary metric (or gap to the named baseline), in ``names``' order.
    draws : ndarray of shape (n_candidates, n_resamples)
        Each candidate's values on the same resamples (or its gap's draws).
    higher_is_better : bool
        The metric's direction.
    alpha : float
        The family-wise level of the tier-opening tests and of the pairwise lists.

    Returns
    -------
    list of Standing
        Sorted by the metric (best first; equal values by name).

    Notes
    -----
    **Holm over the tier-opening tests, made one at a time.** Every candidate below the best is
    tested exactly once (against the opener of the tier it reaches), so the family has
    ``m = n - 1`` tests, known before the first is made; which opener each is tested against,
    though, depends on the earlier outcomes, so the tests cannot all be made first and adjusted
    after. Test ``k`` is therefore decided on Holm's adjusted p-value of the ``k`` tests made so
    far with the family size ``m``. Tests still to come can only lower that value (a smaller
    p-value sorted ahead lowers the multiplier of those after it, and adds a term no larger than
    one already there), so every boundary drawn would also stand under Holm's adjustment of all
    ``m`` tests once made: the procedure is Holm's, made conservative where it must decide early.
    ``p_adjusted`` is the value the decision was made on.

    **Could not be told from.** Every pair is tested with :func:`paired_p_value`, and the
    ``n (n - 1) / 2`` p-values are Holm-adjusted together: the list answers "which others could
    this one be, for all the test set can say", a claim over every pair at once.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> shared = rng.normal(0, 0.02, 1000)  # what every candidate shares: the test set's luck
    >>> draws = np.array([value + shared + rng.normal(0, 0.003, 1000) for value in (0.80, 0.80, 0.76)])
    >>> [(s.name, s.tier) for s in assign_tiers(["a", "b", "c"], [0.80, 0.80, 0.76], draws,
    ...                                          higher_is_better=True)]
    [('a', 1), ('b', 1), ('c', 2)]
    """
    draws = np.asarray(draws, dtype=float)
    n = len(names)
    if len(set(names)) != n or len(values) != n or draws.ndim != 2 or draws.shape[0] != n:
        raise ValueError(f"assign_tiers needs distinct names, one value and one row of draws per candidate; got "
                         f"{n} names ({len(set(names))} distinct), {len(values)} values, draws of shape {draws.shape}")
    sign = -1.0 if higher_is_better else 1.0
    order = sorted(range(n), key=lambda i: (sign * values[i], names[i].casefold(), names[i]))
    unclear = _not_told_apart(draws, alpha)

    standings: list[Standing] = []
    made: list[float] = []
    tier, opener = 1, order[0] if order else 0
    for position, index in enumerate(order):
        alike = [names[j] for j in order if j != index and unclear[index, j]]
        if position == 0:
            standings.append(Standing(names[index], float(values[index]), 1, None, None, None, True, alike))
            continue
        p_value = paired_p_value(draws[opener] - draws[index])
        made.append(p_value)
        adjusted = float(holm(made, family_size=n - 1)[-1])
        compared_with = names[opener]
        opens = adjusted < alpha
        if opens:
            tier, opener = tier + 1, index
        standings.append(Standing(names[index], float(values[index]), tier, compared_with, p_value, adjusted, opens,
                                  alike))
    return standings


def _not_told_apart(draws: np.ndarray, alpha: float) -> np.ndarray:
    """``(n, n)`` booleans: True where the pair's Holm-adjusted paired p-value is at least ``alpha``."""
    n = draws.shape[0]
    rows, columns = np.triu_indices(n, k=1)
    p_values = np.array([paired_p_value(draws[i] - draws[j]) for i, j in zip(rows, columns, strict=True)])
    unclear = np.zeros((n, n), dtype=bool)
    if len(p_values):
        adjusted = holm(p_values)
        unclear[rows, columns] = unclear[columns, rows] = adjusted >= alpha
    return unclear
