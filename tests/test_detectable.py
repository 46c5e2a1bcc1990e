"""The smallest detectable difference: the half-width of the baselines' paired interval."""

from __future__ import annotations

import numpy as np
import pytest

from casekit.cases.spec import Baseline
from casekit.scoring.detectable import detectable_difference, paired_half_width


def baseline(name: str, tier: str) -> Baseline:
    return Baseline(name=name, title=name, tier=tier, description="", build="")  # type: ignore[arg-type]


BASELINES = [baseline("majority", "trivial"), baseline("linear", "classical"), baseline("boosted", "strong")]


def test_the_half_width_of_a_normal_paired_difference_is_1_96_standard_deviations():
    rng = np.random.default_rng(0)
    shared = rng.normal(0.0, 0.05, 20_000)  # cancels in the pair: only the own noise remains
    first, second = 0.7 + shared + rng.normal(0, 0.01, 20_000), 0.8 + shared + rng.normal(0, 0.01, 20_000)
    assert paired_half_width(second, first) == pytest.approx(1.96 * 0.01 * np.sqrt(2), rel=0.03)


def test_it_is_measured_between_the_classical_and_the_strong_baseline():
    rng = np.random.default_rng(1)
    draws = {"majority": rng.normal(0.3, 0.5, 1000), "linear": rng.normal(0.7, 0.01, 1000),
             "boosted": rng.normal(0.8, 0.01, 1000)}
    found = detectable_difference("macro_f1", BASELINES, draws)
    assert found is not None and (found.lower, found.upper) == ("classical", "strong")
    assert found.value == pytest.approx(paired_half_width(draws["boosted"], draws["linear"]))


def test_without_a_strong_baseline_there_is_no_figure():
    draws = {"majority": np.zeros(10), "linear": np.ones(10)}
    assert detectable_difference("macro_f1", BASELINES, draws) is None
