"""Tiers from paired bootstrap differences: planted batches whose true order is known.

Draws are simulated as a bootstrap would give them: each candidate's metric on resample ``r``
is its true value, plus what every candidate shares on that resample (the luck of the test
set: large), plus its own wobble (small). So intervals are wide and overlap, while paired
differences are sharp.
"""

from __future__ import annotations

import numpy as np
import pytest

from casekit.metrics.bootstrap import percentile_interval
from casekit.scoring.tiers import Standing, assign_tiers, gap_to_baseline, holm, paired_p_value

RESAMPLES = 1_000
SHARED, OWN = 0.02, 0.003


def simulate(values: list[float], seed: int = 0, shared: np.ndarray | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    luck = rng.normal(0.0, SHARED, RESAMPLES) if shared is None else shared
    return np.array([value + luck + rng.normal(0.0, OWN, RESAMPLES) for value in values])


def tiers_by_name(standings: list[Standing]) -> dict[str, int]:
    return {standing.name: standing.tier for standing in standings}


def intervals_overlap(a: np.ndarray, b: np.ndarray) -> bool:
    first, second = percentile_interval(a), percentile_interval(b)
    return first.high >= second.low and second.high >= first.low


# A and B are tied by design; C is 0.02 below them, which their wide intervals cannot show.
PLANTED = {"A": 0.80, "B": 0.80, "C": 0.78, "D": 0.74, "E": 0.70}


@pytest.fixture(scope="module")
def planted() -> tuple[list[str], np.ndarray, list[Standing]]:
    names = list(PLANTED)
    draws = simulate(list(PLANTED.values()))
    values = draws.mean(axis=1).tolist()
    return names, draws, assign_tiers(names, values, draws, higher_is_better=True)


def test_the_planted_order_is_recovered(planted):
    _names, _draws, standings = planted
    assert tiers_by_name(standings) == {"A": 1, "B": 1, "C": 2, "D": 3, "E": 4}


def test_a_pair_whose_intervals_overlap_but_whose_paired_difference_excludes_zero_is_split(planted):
    names, draws, standings = planted
    b, c = draws[names.index("B")], draws[names.index("C")]
    assert intervals_overlap(b, c)
    assert percentile_interval(b - c).low > 0
    assert tiers_by_name(standings)["C"] > tiers_by_name(standings)["B"]


def test_a_pair_tied_by_design_shares_a_tier_and_cannot_be_told_apart(planted):
    _names, _draws, standings = planted
    by_name = {standing.name: standing for standing in standings}
    assert by_name["A"].tier == by_name["B"].tier
    assert "B" in by_name["A"].not_told_from and "A" in by_name["B"].not_told_from


def test_each_boundary_names_the_opener_it_was_tested_against(planted):
    _names, _draws, standings = planted
    boundaries = {s.name: s.compared_with for s in standings if s.opens_tier and s.compared_with}
    opener_of_tier_1 = standings[0].name
    assert boundaries == {"C": opener_of_tier_1, "D": "C", "E": "D"}


def test_a_candidate_is_tested_against_the_tier_opener_not_the_one_just_above():
    # One step (0.006) is within the noise of a paired difference (sd 0.0042), two steps are not.
    names, values = ["first", "second", "third"], [0.800, 0.794, 0.788]
    draws = simulate(values, seed=3)
    standings = assign_tiers(names, values, draws, higher_is_better=True)
    assert paired_p_value(draws[0] - draws[1]) > 0.05 and paired_p_value(draws[1] - draws[2]) > 0.05
    assert tiers_by_name(standings) == {"first": 1, "second": 1, "third": 2}
    assert standings[2].compared_with == "first"


def test_small_steps_do_not_chain_a_hundred_candidates_into_one_tier():
    values = np.linspace(0.78, 0.54, 100)
    names = [f"candidate {index:03d}" for index in range(100)]
    standings = assign_tiers(names, values.tolist(), simulate(values.tolist(), seed=1), higher_is_better=True)
    tiers = [standing.tier for standing in standings]
    assert tiers == sorted(tiers) and tiers[-1] > 1
    assert tiers.count(1) < 100


def test_for_a_loss_the_lowest_value_opens_tier_1():
    draws = simulate([0.30, 0.40], seed=2)
    standings = assign_tiers(["worse", "better"], [0.40, 0.30], draws[::-1], higher_is_better=False)
    assert [(s.name, s.tier) for s in standings] == [("better", 1), ("worse", 2)]


def test_candidates_of_different_instances_are_tiered_by_their_gaps_to_the_baseline():
    # Instance "easy" lifts everyone by 0.15: on the raw metric Y and Z sit above X.
    rng = np.random.default_rng(4)
    instances = {"hard": rng.normal(0.0, SHARED, RESAMPLES), "easy": rng.normal(0.0, SHARED, RESAMPLES)}
    baseline = {"hard": 0.60, "easy": 0.75}
    entrants = {"X": ("hard", 0.70), "Y": ("easy", 0.80), "Z": ("easy", 0.85)}
    baseline_draws = {name: simulate([value], seed=5, shared=instances[name])[0] for name, value in baseline.items()}
    gaps = {}
    for seed, (name, (instance, value)) in enumerate(entrants.items(), start=6):
        draws = simulate([value], seed=seed, shared=instances[instance])[0]
        gaps[name] = gap_to_baseline(value, draws, baseline[instance], baseline_draws[instance])
    names = list(gaps)
    standings = assign_tiers(names, [gaps[name][0] for name in names], np.array([gaps[name][1] for name in names]),
                             higher_is_better=True)
    assert tiers_by_name(standings) == {"X": 1, "Z": 1, "Y": 2}


def test_a_gap_needs_the_same_resamples_as_its_baseline():
    with pytest.raises(ValueError, match="same resamples"):
        gap_to_baseline(0.8, np.zeros(10), 0.7, np.zeros(20))


def test_holm_matches_the_published_example():
    # Holm's step-down on p = (0.01, 0.04, 0.03, 0.005), as R's p.adjust(method = "holm") gives it.
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_over_a_larger_family_never_adjusts_less():
    seen = [0.001, 0.2, 0.01]
    assert np.all(holm(seen, family_size=10) >= holm(seen))


def test_the_paired_p_value_is_twice_the_share_on_the_far_side_of_zero():
    differences = np.concatenate([np.full(90, 0.01), np.full(10, -0.01)])
    assert paired_p_value(differences) == pytest.approx(0.2)


def test_identical_candidates_have_p_value_one():
    assert paired_p_value(np.zeros(100)) == 1.0


def test_names_values_and_draws_must_agree():
    with pytest.raises(ValueError, match="one row of draws per candidate"):
        assign_tiers(["a", "b"], [0.1, 0.2], np.zeros((3, 10)), higher_is_better=True)
