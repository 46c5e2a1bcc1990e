"""The baseline ladder of an instance: each baseline's primary metric with its interval, and
whether each rung clears the one below it on the paired interval (distinct tiers).

A case's three baselines should land in distinct tiers (trivial < classical < strong): that
is what makes "beats the classical baseline" mean something. The conformance suite requires
it on synthetic sources; on a team's own table it is a fact worth knowing before the case is
sent (``casekit case check`` prints it), not a promise the data must keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from casekit.instances.instance import Instance
from casekit.metrics.bootstrap import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    percentile_interval,
    verdict,
)
from casekit.scoring.baselines import baseline_scores


@dataclass(frozen=True)
class Rung:
    """One baseline's primary metric and its interval."""

    baseline: str
    title: str
    tier: str
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Step:
    """The paired difference ``upper - lower`` between neighbouring rungs, in the metric's
    better direction: ``distinct`` when the upper one beats the lower on the paired interval."""

    lower: str
    upper: str
    delta: float
    low: float
    high: float
    distinct: bool


@dataclass(frozen=True)
class Ladder:
    """The rungs from trivial to strong, on the case's primary metric, and the steps between them."""

    metric: str
    higher_is_better: bool
    rungs: list[Rung]
    steps: list[Step]

    @property
    def distinct(self) -> bool:
        return all(step.distinct for step in self.steps)


def baseline_ladder(instance: Instance, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED,
                    confidence: float = DEFAULT_CONFIDENCE) -> Ladder:
    """The ladder of ``instance``'s baselines (trained and scored once, then cached)."""
    primary = instance.task.primary
    scores = baseline_scores(instance, resamples=resamples, seed=seed)
    order = {"trivial": 0, "classical": 1, "strong": 2}
    baselines = sorted(instance.spec.baselines, key=lambda baseline: order[baseline.tier])
    rungs = []
    for baseline in baselines:
        interval = percentile_interval(scores[baseline.name].draws[primary.name], confidence)
        rungs.append(Rung(baseline.name, baseline.title, baseline.tier, scores[baseline.name].points[primary.name],
                          interval.low, interval.high))
    steps = []
    for lower, upper in pairwise(baselines):
        draws = scores[upper.name].draws[primary.name] - scores[lower.name].draws[primary.name]
        interval = percentile_interval(draws, confidence)
        delta = scores[upper.name].points[primary.name] - scores[lower.name].points[primary.name]
        steps.append(Step(lower.name, upper.name, delta, interval.low, interval.high,
                          verdict(interval, primary.higher_is_better) == "beats"))
    return Ladder(primary.title, primary.higher_is_better, rungs, steps)
