"""Simulated review panels with planted noise: the agreement casekit reports against the noise.

    python bench/panel_agreement.py [--candidates 30] [--resamples 1000]

Each simulated candidate has a quality drawn uniformly in [0, 3]; their true score on each of
the ten rubric criteria is that quality plus N(0, 0.6), rounded and clipped to 0-3. Each of
three reviewers then moves every score one level up or down (clipped) with probability
``noise``. For each noise level it prints the overall ordinal alpha with its 95% bootstrap
interval over candidates, the degenerate resamples skipped, the median per-criterion alpha,
the criteria reported as anchors to rewrite, the cells flagged for a third reviewer, and the
time the bootstrap took. Then simulated reviewers with the same noise calibrate on the places
case's gold answers: their mean absolute deviation from the reference and their alpha with it.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from casekit import cases
from casekit.review.agreement import (
    PanelScores,
    anchors_to_rewrite,
    ordinal_alpha,
    panel_agreement,
    panel_scores,
)
from casekit.review.gold import load_gold_answers
from casekit.review.rubric import load_case_rubric

NOISE = (0.0, 0.1, 0.2, 0.3, 0.5)
REVIEWERS = 3
CRITERIA = 10


def truth(candidates: int, rng: np.random.Generator) -> np.ndarray:
    quality = rng.uniform(0, 3, size=(candidates, 1))
    return np.clip(np.rint(quality + rng.normal(0, 0.6, size=(candidates, CRITERIA))), 0, 3)


def reviewed(true: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    shape = (REVIEWERS, *true.shape)
    shifts = rng.choice([-1, 1], size=shape) * (rng.random(shape) < noise)
    return np.clip(true + shifts, 0, 3)


def batch(candidates: int, resamples: int) -> None:
    print(f"{REVIEWERS} reviewers x {candidates} candidates x {CRITERIA} criteria, {resamples} resamples")
    print(f"{'noise':>6} {'alpha':>7} {'95% interval':>17} {'skipped':>8} {'median by criterion':>20} "
          f"{'to rewrite':>11} {'third reviewer':>15} {'seconds':>8}")
    for noise in NOISE:
        rng = np.random.default_rng(20241207)
        cube = reviewed(truth(candidates, rng), noise, rng)
        panel = PanelScores(tuple(f"r{i + 1}" for i in range(REVIEWERS)), tuple(f"c{i}" for i in range(candidates)),
                            tuple(f"k{i}" for i in range(CRITERIA)), cube)
        started = time.perf_counter()
        agreement = panel_agreement(panel, resamples=resamples)
        seconds = time.perf_counter() - started
        overall = agreement.overall
        interval = f"[{overall.interval[0]:.3f}, {overall.interval[1]:.3f}]" if overall.interval else "-"
        by_criterion = [a.alpha for a in agreement.by_criterion.values() if a.alpha is not None]
        flagged = sum(score.flagged for score in panel_scores(panel))
        print(f"{noise:>6.1f} {overall.alpha:>7.3f} {interval:>17} {overall.degenerate:>8} "
              f"{np.median(by_criterion):>20.3f} {len(anchors_to_rewrite(panel, agreement)):>11} "
              f"{flagged:>15} {seconds:>8.2f}")


def calibration(reviewers: int = 200) -> None:
    case = cases.get("places")
    rubric = load_case_rubric(case)
    reference = np.array([[answer.scores[c.key] for c in rubric.criteria]
                          for answer in load_gold_answers(case, rubric)], dtype=float)
    print(f"\ncalibration on the {case.slug} gold answers (3 answers x {len(rubric.criteria)} criteria), "
          f"{reviewers} simulated reviewers per noise level: mean [5th, 95th percentile]")
    print(f"{'noise':>6} {'mean |deviation|':>24} {'alpha with reference':>24}")
    for noise in NOISE:
        rng = np.random.default_rng(11)
        deviations, alphas = [], []
        for _ in range(reviewers):
            scores = reviewed(reference, noise, rng)[0]
            deviations.append(np.abs(scores - reference).mean())
            alphas.append(ordinal_alpha(np.stack([scores.ravel(), reference.ravel()])))
        print(f"{noise:>6.1f} {_spread(deviations):>24} {_spread(alphas):>24}")


def _spread(values: list) -> str:
    low, high = np.percentile(values, [5, 95])
    return f"{np.mean(values):.3f} [{low:.3f}, {high:.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--resamples", type=int, default=1000)
    arguments = parser.parse_args()
    batch(arguments.candidates, arguments.resamples)
    batch(6, arguments.resamples)
    calibration()


if __name__ == "__main__":
    main()
