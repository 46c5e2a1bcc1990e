"""How far a panel of reviewers agrees on rubric scores, and what the panel's score is.

The scores of a panel form a cube: reviewers x candidates x criteria, each cell a rubric score
(0-3) or missing. From it:

* the panel's score of a candidate on a criterion is the median of the reviewers' scores,
  shown with its spread (max - min); two reviewers two or more anchor levels apart flag the
  cell for a third reviewer;
* agreement is Krippendorff's alpha for ordinal data, per criterion (the candidates are the
  units) and overall (every candidate x criterion is a unit), with a percentile bootstrap
  interval over candidates (the point estimate from the krippendorff package; the resamples
  all at once from the same formula, tested against the package);
* a criterion whose alpha is below :data:`RELIABLE_ALPHA` has anchors to rewrite, shown with
  the pairs of scores that disagreed most.

Pure functions over arrays and small records; nothing here reads or writes a file.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The krippendorff package: maintained, it takes missing values (NaN) as they come and has the
# ordinal metric built in, and it reproduces the values Krippendorff published for his examples.
import krippendorff
import numpy as np

from casekit.errors import CasekitError
from casekit.metrics.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from casekit.review.rubric import SCORES

# The lowest alpha from which Krippendorff (Content Analysis, 2004) allows tentative conclusions.
RELIABLE_ALPHA = 0.667
# Two reviewers this many anchor levels apart on a candidate's criterion call for a third.
THIRD_REVIEWER_GAP = 2
# Below this many candidates a bootstrap over candidates says nothing: no interval is given.
MIN_CANDIDATES_FOR_INTERVAL = 5
CONFIDENCE = 0.95


class PanelScoresError(CasekitError):
    """The panel's scores are not a reviewers x candidates x criteria cube of rubric scores."""


@dataclass(frozen=True)
class PanelScores:
    """Every reviewer's score of every candidate on every criterion.

    ``scores[r, c, k]`` is reviewer ``r``'s score of candidate ``c`` on criterion ``k``, one of
    :data:`SCORES`, or NaN where that reviewer has not scored it.
    """

    reviewers: tuple[str, ...]
    candidates: tuple[str, ...]
    criteria: tuple[str, ...]
    scores: np.ndarray

    def __post_init__(self) -> None:
        shape = (len(self.reviewers), len(self.candidates), len(self.criteria))
        if self.scores.shape != shape:
            raise PanelScoresError(f"scores have shape {self.scores.shape}, expected {shape} "
                                   "(reviewers x candidates x criteria)")
        given = self.scores[~np.isnan(self.scores)]
        if not np.isin(given, SCORES).all():
            raise PanelScoresError(f"a rubric score is one of {SCORES}, got {sorted(set(given.tolist()))}")

    @classmethod
    def from_mapping(cls, scores: Mapping[str, Mapping[str, Mapping[str, int | None]]],
                     criteria: Sequence[str]) -> PanelScores:
        """From ``{reviewer: {candidate: {criterion: score or None}}}``; a candidate or criterion
        a reviewer left out is missing for that reviewer."""
        reviewers = tuple(scores)
        candidates = tuple(dict.fromkeys(name for by_candidate in scores.values() for name in by_candidate))
        cube = np.full((len(reviewers), len(candidates), len(criteria)), np.nan)
        for r, reviewer in enumerate(reviewers):
            for c, candidate in enumerate(candidates):
                given = scores[reviewer].get(candidate, {})
                for k, criterion in enumerate(criteria):
                    if given.get(criterion) is not None:
                        cube[r, c, k] = given[criterion]
        return cls(reviewers, candidates, tuple(criteria), cube)


@dataclass(frozen=True)
class PanelScore:
    """The panel's score of one candidate on one criterion."""

    candidate: str
    criterion: str
    scores: dict[str, int]  # by reviewer, only those who scored it
    median: float | None  # None when nobody has scored it
    spread: int  # max - min of the scores
    flagged: bool  # two reviewers are THIRD_REVIEWER_GAP or more levels apart

    @property
    def awaits_third_reviewer(self) -> bool:
        """Flagged, and no third reviewer has scored it yet."""
        return self.flagged and len(self.scores) < 3


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha (ordinal) with its percentile bootstrap interval over candidates.

    ``alpha`` is None when it is undefined: every score the same, or no unit scored twice.
    ``interval`` is None with fewer than :data:`MIN_CANDIDATES_FOR_INTERVAL` candidates.
    ``degenerate`` counts the resamples skipped because their alpha was undefined.
    """

    alpha: float | None
    interval: tuple[float, float] | None
    resamples: int
    degenerate: int


@dataclass(frozen=True)
class ScorePair:
    """Two reviewers' scores of one candidate on one criterion."""

    candidate: str
    reviewers: tuple[str, str]
    scores: tuple[int, int]

    @property
    def gap(self) -> int:
        return abs(self.scores[0] - self.scores[1])


@dataclass(frozen=True)
class AnchorsToRewrite:
    """A criterion the panel does not agree on, with the pairs of scores that disagreed most."""

    criterion: str
    alpha: float
    pairs: tuple[ScorePair, ...]


@dataclass(frozen=True)
class PanelAgreement:
    overall: Agreement
    by_criterion: dict[str, Agreement]


def ordinal_alpha(reliability: np.ndarray, levels: Sequence[float] = SCORES) -> float | None:
    """Krippendorff's alpha for ordinal data, or None where it is undefined.

    ``reliability`` is a coders x units matrix of values from ``levels`` (in their order), NaN
    where a coder gave none. With
    ``D_o`` the observed and ``D_e`` the expected disagreement between pairs of values within a
    unit, under the ordinal metric ``delta(c, k)^2 = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2``
    (``n_g``: how often value ``g`` was given in units scored at least twice)::

        alpha = 1 - D_o / D_e

    It is undefined when fewer than two values can be paired (no unit scored twice) or all of
    them are the same (``D_e = 0``).

    Examples
    --------
    Two reviewers who differ once, by one level (3 against 2): ``D_o = 8 / 8``,
    ``D_e = 624 / (8 * 7)``, so alpha = 1 - 56 / 624:

    >>> round(ordinal_alpha(np.array([[0, 1, 2, 3], [0, 1, 2, 2]])), 4)
    0.9103
    >>> ordinal_alpha(np.array([[2, 2, np.nan], [2, 2, 3]])) is None
    True
    """
    values = np.asarray(reliability, dtype=float)
    paired = values[:, (~np.isnan(values)).sum(axis=0) >= 2]
    if np.unique(paired[~np.isnan(paired)]).size < 2:
        return None
    return float(krippendorff.alpha(reliability_data=paired, value_domain=levels,
                                    level_of_measurement="ordinal"))


def panel_scores(panel: PanelScores) -> list[PanelScore]:
    """The median and spread of every candidate x criterion, flagged where reviewers are far apart.

    Examples
    --------
    >>> panel = PanelScores(("r1", "r2"), ("ada",), ("design",), np.array([[[1.0]], [[3.0]]]))
    >>> score = panel_scores(panel)[0]
    >>> score.median, score.spread, score.flagged, score.awaits_third_reviewer
    (2.0, 2, True, True)
    """
    results = []
    for c, candidate in enumerate(panel.candidates):
        for k, criterion in enumerate(panel.criteria):
            given = {reviewer: int(panel.scores[r, c, k]) for r, reviewer in enumerate(panel.reviewers)
                     if not np.isnan(panel.scores[r, c, k])}
            values = list(given.values())
            spread = max(values) - min(values) if values else 0
            results.append(PanelScore(candidate, criterion, given, float(np.median(values)) if values else None,
                                      spread, spread >= THIRD_REVIEWER_GAP))
    return results


def resampled_alphas(cube: np.ndarray, draws: np.ndarray, levels: Sequence[float] = SCORES) -> np.ndarray:
    """Ordinal alpha of many resamples of candidates at once: NaN where it is undefined.

    ``cube`` is reviewers x candidates x criteria (NaN: not scored), every candidate x criterion
    a unit; ``draws[b]`` holds the candidates (indices) resample ``b`` drew. Coincidences add up
    over units: a unit scored ``m_u >= 2`` times, ``n_uv`` times with value ``v``, contributes
    ``o_u[c, k] = (n_uc n_uk - [c = k] n_uc) / (m_u - 1)``, and a resample weighs each candidate's
    units by how often it was drawn. With ``n_c = sum_k o_ck`` and ``n = sum_c n_c``::

        alpha = 1 - (n - 1) sum_ck o_ck delta_ck / sum_ck n_c n_k delta_ck
        delta_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2

    which is :func:`ordinal_alpha` (the krippendorff package), to 1e-9, for every resample in a
    few array operations: the package takes about a millisecond a call, and an interval needs
    a thousand resamples of every criterion.

    Examples
    --------
    >>> cube = np.array([[[0], [1], [2], [3]], [[0], [1], [2], [2]]], dtype=float)
    >>> resampled_alphas(cube, np.array([[0, 1, 2, 3], [0, 0, 1, 1], [2, 2, 2, 2]])).round(4).tolist()
    [0.9103, 1.0, nan]
    """
    values = np.asarray(levels, dtype=float)
    counts = (cube[..., None] == values).sum(axis=0)  # candidates x criteria x levels; NaN equals no level
    scored = counts.sum(axis=-1)[..., None, None]
    pairs = counts[..., :, None] * counts[..., None, :] - np.eye(values.size) * counts[..., None, :]
    per_unit = np.where(scored >= 2, pairs / np.maximum(scored - 1, 1), 0.0)
    weights = np.zeros((len(draws), cube.shape[1]))
    np.add.at(weights, (np.arange(len(draws))[:, None], draws), 1)
    coincidences = np.tensordot(weights, per_unit.sum(axis=1), axes=(1, 0))  # resamples x levels x levels
    totals = coincidences.sum(axis=-1)
    cumulative = np.cumsum(totals, axis=-1)
    delta = (cumulative[:, None, :] - cumulative[:, :, None] + (totals[:, :, None] - totals[:, None, :]) / 2) ** 2
    observed = (coincidences * delta).sum(axis=(1, 2)) * (totals.sum(axis=-1) - 1)
    expected = (totals[:, :, None] * totals[:, None, :] * delta).sum(axis=(1, 2))
    defined = expected > 0  # zero when every paired value is the same, or none is paired
    alphas = np.full(len(draws), np.nan)
    alphas[defined] = 1 - observed[defined] / expected[defined]
    return alphas


def bootstrap_alpha(cube: np.ndarray, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> Agreement:
    """Ordinal alpha of a reviewers x candidates x criteria cube, with a bootstrap over candidates.

    Every candidate x criterion is a unit. A resample draws as many candidates as there are,
    with replacement, and keeps all their criteria; the interval is the 2.5th and 97.5th
    percentiles of the resamples' alphas (:func:`resampled_alphas`). A resample whose alpha is
    undefined (every score the same) is skipped and counted in ``degenerate``. With fewer than
    :data:`MIN_CANDIDATES_FOR_INTERVAL` candidates no resample is drawn.

    Examples
    --------
    >>> cube = np.array([[[0], [1], [2], [3], [1]], [[0], [1], [2], [2], [1]]], dtype=float)
    >>> agreement = bootstrap_alpha(cube, resamples=200, seed=0)
    >>> round(agreement.alpha, 3), agreement.resamples, agreement.interval[1]
    (0.952, 200, 1.0)
    """
    reviewers, candidates, criteria = cube.shape
    alpha = ordinal_alpha(cube.reshape(reviewers, candidates * criteria))
    if alpha is None or candidates < MIN_CANDIDATES_FOR_INTERVAL:
        return Agreement(alpha, None, 0, 0)
    draws = np.random.default_rng(seed).integers(0, candidates, size=(resamples, candidates))
    alphas = resampled_alphas(cube, draws)
    defined = alphas[~np.isnan(alphas)]
    degenerate = resamples - defined.size
    if defined.size == 0:
        return Agreement(alpha, None, resamples, degenerate)
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return Agreement(alpha, (float(low), float(high)), resamples, degenerate)


def panel_agreement(panel: PanelScores, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
                    ) -> PanelAgreement:
    """Alpha per criterion (its candidates are the units) and overall, each with its interval.

    Every alpha is bootstrapped on the same resamples of candidates (same ``seed``).
    """
    by_criterion = {criterion: bootstrap_alpha(panel.scores[:, :, [k]], resamples, seed)
                    for k, criterion in enumerate(panel.criteria)}
    return PanelAgreement(bootstrap_alpha(panel.scores, resamples, seed), by_criterion)


def anchors_to_rewrite(panel: PanelScores, agreement: PanelAgreement, threshold: float = RELIABLE_ALPHA,
                       pairs: int = 3) -> list[AnchorsToRewrite]:
    """The criteria whose alpha is below ``threshold``, each with its ``pairs`` widest score pairs.

    Pairs are ordered by their gap (widest first), then by candidate and reviewers.

    Examples
    --------
    >>> cube = np.array([[[0], [3], [1], [2], [0]], [[2], [1], [1], [0], [3]]], dtype=float)
    >>> panel = PanelScores(("r1", "r2"), tuple("abcde"), ("design",), cube)
    >>> rewrite = anchors_to_rewrite(panel, panel_agreement(panel, resamples=100))
    >>> [(pair.candidate, pair.scores) for pair in rewrite[0].pairs]
    [('e', (0, 3)), ('a', (0, 2)), ('b', (3, 1))]
    """
    found = []
    for k, criterion in enumerate(panel.criteria):
        alpha = agreement.by_criterion[criterion].alpha
        if alpha is None or alpha >= threshold:
            continue
        disagreeing = []
        for c, candidate in enumerate(panel.candidates):
            for (i, first), (j, second) in itertools.combinations(enumerate(panel.reviewers), 2):
                a, b = panel.scores[i, c, k], panel.scores[j, c, k]
                if not (np.isnan(a) or np.isnan(b)) and a != b:
                    disagreeing.append(ScorePair(candidate, (first, second), (int(a), int(b))))
        disagreeing.sort(key=lambda pair: (-pair.gap, pair.candidate, pair.reviewers))
        found.append(AnchorsToRewrite(criterion, alpha, tuple(disagreeing[:pairs])))
    return found
