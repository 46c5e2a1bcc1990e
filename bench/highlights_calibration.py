"""Calibrate the show-highlights case: a random cut and the three baselines, on every metric.

    python bench/highlights_calibration.py [--seeds 5,6,7] [--scale 1.0] [--qvhighlights]

For each seed of the synthetic season (at ``--scale``) and, with ``--qvhighlights``, the real
source (its first seed), prints a markdown table: every metric of the case with its 95%
bootstrap interval over test groups (1,000 resamples, the evaluator's seed), for

- a random cut: the group's items in a random order, each taken while it fits the budget, with
  random scores (what Otani et al. ask every summary metric to be read against);
- the three baselines (evenly spaced, hand-weighted + knapsack, LightGBM + knapsack);

then the paired intervals of classical - trivial and strong - classical on the primary metric
(the tiers the conformance suite checks). Real datasets come from ``CASEKIT_DATA_MIRROR``.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from casekit import cases, tasks
from casekit.cases.highlights import baselines
from casekit.metrics.bootstrap import DEFAULT_SEED, bootstrap_metrics, percentile_interval

BASELINES = ("evenly_spaced", "hand_weighted", "lightgbm_knapsack")


def random_cut(test: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Items in a random order, each taken while it fits; random scores."""
    group, item = test.columns[0], test.columns[1]
    rng = np.random.default_rng(seed)
    selected = np.zeros(len(test), dtype=int)
    lengths = test["duration"].to_numpy()
    for rows in test.groupby(group, sort=False).indices.values():
        left = int(test["budget"].to_numpy()[rows[0]])
        for row in rng.permutation(rows):
            if lengths[row] <= left:
                selected[row] = 1
                left -= lengths[row]
    return pd.DataFrame({group: test[group], item: test[item], "selected": selected,
                         "score": rng.random(len(test)).round(6)})


def calibrate(source: str, seed: int, scale: float) -> None:
    task = tasks.load_case("highlights", source)
    data_source = cases.get("highlights").source(source)
    prepared = task.spec.prepare(data_source.load_tables(seed, scale if data_source.synthetic else 1.0), seed)
    answers = prepared.answers.astype(str).replace({"<NA>": "", "nan": ""})
    truth = task.truth(answers, prepared.labels)
    test = prepared.inputs["test"]
    submissions = {"random": random_cut(test, seed)}
    for name in BASELINES:
        submissions[name] = getattr(baselines, name)().fit(prepared.inputs).select(test)
    size = f"scale {scale:g}" if data_source.synthetic else "its own size"
    print(f"\n### {source}, seed {seed} ({size}): {truth.n_units} test groups\n")
    print("| cut | " + " | ".join(metric.title for metric in task.metrics) + " |")
    print("|---|" + "---|" * len(task.metrics))
    draws = {}
    for name, frame in submissions.items():
        predictions = task.decode(frame.astype(str), prepared.labels, truth.ids)
        points = task.point_metrics(truth, predictions)
        draws[name] = bootstrap_metrics(task.resampled_metrics(truth, predictions, set(points)), truth.n_units,
                                        1000, DEFAULT_SEED)
        cells = []
        for metric in task.metrics:
            if metric.name not in points:
                cells.append("-")
                continue
            interval = percentile_interval(draws[name][metric.name])
            cells.append(f"{points[metric.name]:.3f} [{interval.low:.3f}, {interval.high:.3f}]")
        print(f"| {name} | " + " | ".join(cells) + " |")
    primary = task.primary.name
    for better, worse in (("hand_weighted", "evenly_spaced"), ("lightgbm_knapsack", "hand_weighted")):
        interval = percentile_interval(draws[better][primary] - draws[worse][primary])
        print(f"\n{better} - {worse} on {task.primary.title}: [{interval.low:+.3f}, {interval.high:+.3f}]", end="")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="5,6,7")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--qvhighlights", action="store_true")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    for seed in seeds:
        calibrate("synthetic", seed, args.scale)
    if args.qvhighlights:
        calibrate("qvhighlights", seeds[0], 1.0)


if __name__ == "__main__":
    main()
