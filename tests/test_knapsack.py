"""The knapsack on whole seconds (``casekit.cases.knapsack``): exact against brute force on small groups."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from casekit.cases.knapsack import best_selection, best_selections


def brute_force(values, lengths, budget, penalty=None) -> float:
    """The best value over every subset of the items (with the neighbour penalty, if any)."""
    best = 0.0
    for bits in itertools.product((False, True), repeat=len(values)):
        taken = np.array(bits, dtype=bool)
        if lengths[taken].sum() <= budget:
            best = max(best, value_of(taken, values, penalty))
    return best


def value_of(taken, values, penalty=None) -> float:
    together = 0.0 if penalty is None else float((penalty[1:] * (taken[1:] & taken[:-1])).sum())
    return float(values[taken].sum()) - together


def random_group(rng, size):
    return rng.normal(1.0, 1.5, size).round(2), rng.integers(1, 7, size), int(rng.integers(0, 18))


@pytest.mark.parametrize("with_penalty", [False, True], ids=["plain", "neighbour-penalty"])
def test_the_selection_is_as_valuable_as_the_best_subset_and_fits_the_budget(with_penalty):
    rng = np.random.default_rng(11)
    for _ in range(150):
        values, lengths, budget = random_group(rng, int(rng.integers(0, 11)))
        penalty = rng.uniform(0.0, 3.0, values.size) if with_penalty else None
        taken = best_selection(values, lengths, budget, penalty)
        assert lengths[taken].sum() <= budget
        assert value_of(taken, values, penalty) == pytest.approx(brute_force(values, lengths, budget, penalty))


@pytest.mark.parametrize("with_penalty", [False, True], ids=["plain", "neighbour-penalty"])
def test_groups_side_by_side_are_cut_as_each_alone(with_penalty):
    rng = np.random.default_rng(3)
    groups = [random_group(rng, int(rng.integers(0, 9))) for _ in range(12)]
    penalties = [rng.uniform(0.0, 2.0, len(values)) for values, _, _ in groups]
    values = np.concatenate([group[0] for group in groups])
    lengths = np.concatenate([group[1] for group in groups]).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum([len(group[0]) for group in groups])])
    budgets = np.array([group[2] for group in groups])
    penalties_flat = np.concatenate(penalties) if with_penalty else None
    together = best_selections(values, lengths, offsets, budgets, penalties_flat)
    alone = np.concatenate([best_selection(group_values, group_lengths, budget, penalty if with_penalty else None)
                            for (group_values, group_lengths, budget), penalty
                            in zip(groups, penalties, strict=True)])
    assert together.tolist() == alone.tolist()


def test_an_item_longer_than_the_budget_or_worth_nothing_is_never_taken():
    taken = best_selection(np.array([9.0, 0.0, -1.0, 2.0]), np.array([11, 1, 1, 1]), 10)
    assert taken.tolist() == [False, False, False, True]


def test_ties_are_broken_the_same_way_every_time():
    values, lengths = np.ones(30), np.full(30, 2)
    assert len({tuple(best_selection(values, lengths, 20).tolist()) for _ in range(3)}) == 1


@pytest.mark.parametrize(("lengths", "budget", "message"), [
    (np.array([1.5, 2.0]), 3, "whole seconds"),
    (np.array([0, 2]), 3, "at least 1"),
    (np.array([1, 2]), -1, "budgets"),
])
def test_lengths_and_budgets_must_be_whole_seconds(lengths, budget, message):
    with pytest.raises(ValueError, match=message):
        best_selection(np.array([1.0, 2.0]), lengths, budget)
