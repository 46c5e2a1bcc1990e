"""One model's scores: its point metrics, and its metric values on every bootstrap resample.

Resamples depend only on the bootstrap seed and the number of test units, so scores computed
at different times pair exactly: the baselines' scores are computed once per instance and
cached (see :mod:`casekit.scoring.baselines`), and each candidate is resampled the same way.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from casekit.metrics.bootstrap import bootstrap_metrics
from casekit.tasks.base import Task, Truth, Units


@dataclass(frozen=True)
class ModelScores:
    """One model's point metrics and its metric values on each bootstrap resample."""

    points: dict[str, float]
    draws: dict[str, np.ndarray]


def score_model(task: Task, truth: Truth, predictions: Units, *, resamples: int, seed: int) -> ModelScores:
    """Point metrics and bootstrap draws of one model's decoded predictions."""
    with_interval = {metric.name for metric in task.metrics if metric.interval}
    resampled = task.resampled_metrics(truth, predictions, with_interval)
    # The point estimates (sklearn) and the bootstrap are both mostly numpy work that releases
    # the GIL, so on two cores they overlap.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(task.point_metrics, truth, predictions)
        draws = bootstrap_metrics(resampled, truth.n_units, resamples, seed)
        points = pending.result()
    return ModelScores(points, draws)
