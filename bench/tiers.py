"""What tiers cost: the tiering itself, and a review at 1,000 vs 2,000 bootstrap resamples.

    python bench/tiers.py [SCALE]

1. ``assign_tiers`` on 20 and 100 candidates (simulated draws), at 1,000 and 2,000 resamples:
   the tier walk plus the Holm-adjusted test of every pair.
2. ``casekit review`` (in process, one job, not tracked) of 10 bare files on the synthetic
   fake-news case at SCALE (default 1.0): the strong baseline's predictions with 0%, 10%, ...
   90% of the rows replaced by the trivial baseline's. Each resample count is timed once with
   the baselines' scores already cached at that count (their one-off scoring is timed apart),
   so the figure is what the candidates and the tiers cost.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from casekit.instances.instance import open_instance
from casekit.instances.issue import new_project
from casekit.metrics.bootstrap import DEFAULT_SEED
from casekit.review.batch import review_batch
from casekit.review.records import ReviewOptions
from casekit.scoring.baselines import baseline_scores, ensure_baselines
from casekit.scoring.tiers import assign_tiers

COUNTS = (1_000, 2_000)
CANDIDATES = 10


def time_tiering() -> None:
    rng = np.random.default_rng(0)
    for n in (20, 100):
        for resamples in COUNTS:
            values = np.linspace(0.78, 0.54, n)
            draws = values[:, None] + rng.normal(0, 0.02, resamples) + rng.normal(0, 0.003, (n, resamples))
            started = time.perf_counter()
            standings = assign_tiers([f"c{i}" for i in range(n)], values.tolist(), draws, higher_is_better=True)
            print(f"assign_tiers, {n} candidates, {resamples:,} resamples: {time.perf_counter() - started:.2f} s "
                  f"({standings[-1].tier} tiers)")


def time_review(scale: float) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-tiers-"))
    keys = root / "keys"
    project = new_project("fake-news", output=root / "project", seed=5, source="synthetic", scale=scale,
                          keys_dir=keys, candidate="bench").path
    instance = open_instance(project, keys)
    files = {item.baseline.tier: pd.read_csv(item.path) for item in ensure_baselines(instance)}
    strong, trivial = files["strong"], files["trivial"]
    arguments = []
    for index in range(CANDIDATES):
        mixed = strong.copy()
        replaced = np.random.default_rng(index).random(len(mixed)) < index / CANDIDATES
        mixed[replaced] = trivial[replaced]
        path = root / f"candidate-{index}.csv"
        mixed.to_csv(path, index=False)
        arguments.append(f"C{index}={path}")
    print(f"fake-news synthetic at scale {scale:g}: {instance.truth.n_units:,} test rows, {CANDIDATES} candidates")
    for resamples in COUNTS:
        started = time.perf_counter()
        baseline_scores(instance, resamples=resamples, seed=DEFAULT_SEED)
        scored = time.perf_counter() - started
        options = ReviewOptions(output=root / f"review-{resamples}", keys_dir=keys,
                                instance=instance.bundle.instance_id, resamples=resamples, track=False)
        started = time.perf_counter()
        batch = review_batch(arguments, options)
        tiers = max(standing.tier for standing in batch.tiers.standings.values()) if batch.tiers else 0
        print(f"{resamples:,} resamples: review {time.perf_counter() - started:.1f} s ({tiers} tiers); "
              f"baselines' scores (once per instance and count) {scored:.1f} s")


if __name__ == "__main__":
    time_tiering()
    time_review(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
