"""Bootstrap resampling, percentile intervals and paired verdicts."""

from __future__ import annotations

import numpy as np
import pytest

from casekit.metrics.bootstrap import Interval, bootstrap_metrics, percentile_interval, resample_counts, verdict


def test_each_resample_draws_exactly_n_units():
    for block in resample_counts(1_000, 300, seed=1):
        assert np.all(block.sum(axis=1) == 1_000)


def test_resamples_come_in_blocks_that_add_up_to_the_requested_number():
    assert sum(block.shape[0] for block in resample_counts(2_000_000, 7, seed=1)) == 7


def test_the_same_seed_gives_the_same_resamples():
    first = np.vstack(list(resample_counts(50, 20, seed=3)))
    again = np.vstack(list(resample_counts(50, 20, seed=3)))
    other = np.vstack(list(resample_counts(50, 20, seed=4)))
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_resample_counts_have_the_multinomial_mean_and_variance():
    counts = np.vstack(list(resample_counts(200, 2_000, seed=5)))
    assert counts.mean() == pytest.approx(1.0, abs=0.01)
    assert counts.var() == pytest.approx(1.0 - 1.0 / 200, abs=0.03)


def test_interval_of_a_mean_matches_the_normal_approximation():
    rng = np.random.default_rng(0)
    values = rng.normal(size=5_000)
    draws = bootstrap_metrics(lambda w: {"mean": w @ values / w.sum(axis=1)}, values.size, 2_000, seed=1)
    interval = percentile_interval(draws["mean"], 0.95)
    half_width = 1.96 * values.std() / np.sqrt(values.size)
    assert interval.low == pytest.approx(values.mean() - half_width, abs=0.2 * half_width)
    assert interval.high == pytest.approx(values.mean() + half_width, abs=0.2 * half_width)


def test_interval_ignores_resamples_where_the_metric_is_undefined():
    assert percentile_interval(np.array([np.nan, 1.0, 2.0, 3.0]), 0.5) == Interval(1.5, 2.5)


@pytest.mark.parametrize(
    ("delta", "higher_is_better", "expected"),
    [
        (Interval(0.01, 0.02), True, "beats"),
        (Interval(-0.02, -0.01), True, "loses to"),
        (Interval(-0.01, 0.02), True, "ties"),
        (Interval(-0.02, -0.01), False, "beats"),
        (Interval(0.01, 0.02), False, "loses to"),
    ],
)
def test_verdict_reads_the_paired_interval_in_the_metric_direction(delta, higher_is_better, expected):
    assert verdict(delta, higher_is_better) == expected


def test_paired_resampling_separates_models_that_unpaired_intervals_cannot():
    rng = np.random.default_rng(2)
    difficulty = rng.normal(size=3_000)
    a = difficulty + 0.05  # the same rows are hard for both models
    b = difficulty
    draws = bootstrap_metrics(lambda w: {"a": w @ a / w.sum(1), "b": w @ b / w.sum(1)}, 3_000, 1_000, seed=3)
    separate_a, separate_b = percentile_interval(draws["a"]), percentile_interval(draws["b"])
    assert separate_a.low < separate_b.high  # the unpaired intervals overlap
    assert verdict(percentile_interval(draws["a"] - draws["b"]), True) == "beats"
