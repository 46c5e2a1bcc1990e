"""What a test set can tell apart: the smallest difference in the primary metric it can detect.

Two models scored on the same test units differ on each bootstrap resample by a little more
or less than their point difference; the spread of that paired difference is what the test
set's size and makeup allow. casekit measures it between two reference models every instance
has, the classical and the strong baseline: the half-width of the 95% percentile interval of
their paired difference. A gap between two candidates smaller than that is within what a
resample of these test units moves, so no ranking should rest on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from casekit.cases.spec import Baseline, BaselineTier
from casekit.metrics.bootstrap import DEFAULT_CONFIDENCE, percentile_interval

# The two reference models whose paired difference measures the test set.
BETWEEN: tuple[BaselineTier, BaselineTier] = ("classical", "strong")


@dataclass(frozen=True)
class DetectableDifference:
    """The smallest difference in ``metric`` the test set can detect, and how it was measured."""

    metric: str
    value: float
    lower: str
    upper: str
    confidence: float

    def describe(self, metric_title: str) -> str:
        """The figure and its method in one sentence, for reports."""
        return (f"This test set can tell apart differences in {metric_title} of about {self.value:.4f} or more: "
                f"the half-width of the {self.confidence:.0%} paired bootstrap interval between the {self.lower} "
                f"and the {self.upper} baselines; two candidates closer than that cannot be ranked on it.")


def paired_half_width(draws: np.ndarray, other_draws: np.ndarray, confidence: float = DEFAULT_CONFIDENCE) -> float:
    """Half the width of the percentile interval of ``draws - other_draws`` (the same resamples).

    ``(q_high - q_low) / 2`` of the paired differences, where ``q`` are the interval's
    percentiles. NaN when the difference is undefined on every resample.

    Examples
    --------
    >>> paired_half_width(np.arange(101.0), np.zeros(101), confidence=0.9)
    45.0
    """
    interval = percentile_interval(np.asarray(draws, dtype=float) - np.asarray(other_draws, dtype=float),
                                   confidence)
    return (interval.high - interval.low) / 2.0


def detectable_difference(metric: str, baselines: Sequence[Baseline], draws: Mapping[str, np.ndarray],
                          confidence: float = DEFAULT_CONFIDENCE) -> DetectableDifference | None:
    """The detectable difference of an instance from its baselines' draws on ``metric``.

    ``draws`` maps each baseline's name to its metric on the instance's shared resamples.
    None when the instance lacks the classical or the strong baseline.
    """
    by_tier = {baseline.tier: baseline for baseline in baselines if baseline.name in draws}
    if not all(tier in by_tier for tier in BETWEEN):
        return None
    lower, upper = (by_tier[tier] for tier in BETWEEN)
    value = paired_half_width(draws[upper.name], draws[lower.name], confidence)
    return DetectableDifference(metric, float(value), lower.tier, upper.tier, confidence)
