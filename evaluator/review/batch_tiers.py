"""The tiers of a review batch: each scored candidate's bootstrap draws, paired, then tiered.

Each candidate's review keeps its primary metric's values on the bootstrap resamples of the
predictions scored (the re-run's, when it did not reproduce the submission) in its
folder (:data:`DRAWS_FILE`, a ``.npy`` of ``resamples`` floats). When every candidate answered
the same instance the draws pair directly: the resamples depend only on the seed and the test
set, the same for all. When candidates answered different instances, each is placed by its
paired gap to its own instance's strong baseline, which takes out how hard each instance is;
the strong baseline is the one whose predictions are closest to a good candidate's, so the
gap varies least. :func:`casekit.scoring.tiers.assign_tiers` does the rest.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from casekit.instances.instance import Instance
from casekit.metrics.bootstrap import DEFAULT_SEED
from casekit.review.records import CandidateReview
from casekit.scoring.baselines import baseline_scores
from casekit.scoring.detectable import DetectableDifference, detectable_difference
from casekit.scoring.tiers import Standing, assign_tiers, gap_to_baseline

DRAWS_FILE = "primary_draws.npy"
GAP_BASELINE = "strong"


@dataclass(frozen=True)
class BatchTiers:
    """The standings of a batch's scored candidates, by slug, and what they were computed on.

    ``basis`` says in words what was compared; ``untiered`` maps a scored candidate left out to
    the reason (its re-run failed, its draws could not be read); ``detectable`` gives each
    instance's smallest detectable difference (None without a classical and a strong baseline).
    """

    standings: dict[str, Standing]
    basis: str
    untiered: dict[str, str] = field(default_factory=dict)
    detectable: dict[str, DetectableDifference | None] = field(default_factory=dict)


def draws_bytes(draws: np.ndarray) -> bytes:
    """The ``.npy`` bytes of a candidate's primary-metric draws."""
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(draws, dtype=np.float64), allow_pickle=False)
    return buffer.getvalue()


def batch_tiers(reviews: list[CandidateReview], output: Path, instances: Mapping[str, Instance], *,
                resamples: int, higher_is_better: bool) -> BatchTiers:
    """Tier the scored ``reviews`` (see the module docstring); ``instances`` by instance id."""
    baselines = {instance_id: baseline_scores(instance, resamples=resamples, seed=DEFAULT_SEED)
                 for instance_id, instance in instances.items()}
    primary = {instance_id: instance.task.primary.name for instance_id, instance in instances.items()}
    detectable = {instance_id: detectable_difference(primary[instance_id], instance.spec.baselines,
                                                     {name: scores.draws[primary[instance_id]]
                                                      for name, scores in baselines[instance_id].items()})
                  for instance_id, instance in instances.items()}
    across = len(instances) > 1
    slugs, values, rows, untiered = [], [], [], {}
    for review in reviews:
        if review.status != "scored" or review.primary_value is None:
            continue
        if review.verification is not None and not review.verification.ranked:
            untiered[review.slug] = review.verification.reason  # never ranked on an unproven file
            continue
        draws = _read_draws(output, review, resamples)
        if isinstance(draws, str):
            untiered[review.slug] = draws
            continue
        value = review.primary_value
        if across:
            instance = instances[review.instance_id]
            named = next(b.name for b in instance.spec.baselines if b.tier == GAP_BASELINE)
            reference = baselines[review.instance_id][named]
            value, draws = gap_to_baseline(value, draws, reference.points[primary[review.instance_id]],
                                           reference.draws[primary[review.instance_id]])
        slugs.append(review.slug)
        values.append(value)
        rows.append(draws)
    standings = assign_tiers(slugs, values, np.array(rows).reshape(len(rows), resamples),
                             higher_is_better=higher_is_better)
    basis = (f"each candidate's paired gap to the {GAP_BASELINE} baseline of its own instance "
             f"({len(instances)} instances)" if across else "the paired difference on the instance's shared resamples")
    return BatchTiers({standing.name: standing for standing in standings}, basis, untiered, detectable)


def _read_draws(output: Path, review: CandidateReview, resamples: int) -> np.ndarray | str:
    """The candidate's draws, or why they cannot be used."""
    if not review.draws:
        return "its review kept no bootstrap draws (reviewed by an earlier casekit)"
    try:
        draws = np.load(output / review.draws, allow_pickle=False)
    except (OSError, ValueError) as error:
        return f"its bootstrap draws could not be read: {error}"
    if draws.shape != (resamples,):
        return f"its bootstrap draws have shape {draws.shape}, not ({resamples},)"
    return draws
