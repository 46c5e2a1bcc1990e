"""The leaderboard's rows from a batch's tiers: order, tier numbers, the test that placed each
candidate, and the baselines' reference rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from casekit.review.batch_review import BatchReview
from casekit.review.batch_tiers import BatchTiers
from casekit.review.leaderboard import rank
from casekit.review.records import CandidateReview
from casekit.scoring.tiers import assign_tiers

VALUES = {"ada": 0.80, "bob": 0.80, "cy": 0.70}


def batch(baselines: list[dict], untiered: tuple[str, ...] = ()) -> BatchReview:
    rng = np.random.default_rng(0)
    shared = rng.normal(0, 0.02, 500)
    tiered = {slug: value for slug, value in VALUES.items() if slug not in untiered}
    draws = np.array([value + shared + rng.normal(0, 0.003, 500) for value in tiered.values()])
    standings = assign_tiers(list(tiered), list(tiered.values()), draws, higher_is_better=True)
    tiers = BatchTiers({standing.name: standing for standing in standings}, "the same resamples",
                       dict.fromkeys(untiered, "its draws could not be read"))
    reviews = [CandidateReview(slug.title(), slug, "submission", f"{slug}.csv", "instance", "scored",
                               primary_value=value, ci_low=value - 0.04, ci_high=value + 0.04)
               for slug, value in VALUES.items()]
    reviews.append(CandidateReview("Dee", "dee", "submission", "dee.csv", "instance", "invalid", "bad file"))
    return BatchReview(Path("."), reviews, baselines, True, 1.0, tiers=tiers)


def baseline(name: str, value: float) -> dict:
    return {"name": name, "tier": name, "value": value, "ci_low": value - 0.04, "ci_high": value + 0.04}


def test_rows_carry_the_tier_number_and_the_test_that_placed_each_candidate():
    rows = [row for row in rank(batch([])) if row.kind == "candidate" and row.tier is not None]
    assert [(row.rank, row.tier, row.name) for row in rows] == [("1", 1, "Ada"), ("2", 1, "Bob"), ("3", 2, "Cy")]
    assert rows[1].tier_test.startswith("stays in tier 1: not significantly below Ada")
    assert rows[2].tier_test.startswith("opens tier 2: significantly below Ada")
    assert rows[0].not_told_from == ("Bob",)


def test_baselines_sit_at_their_place_in_the_order_best_first():
    rows = rank(batch([baseline("trivial", 0.5), baseline("classical", 0.6), baseline("strong", 0.75)]))
    assert [row.name for row in rows] == ["Ada", "Bob", "baseline: strong", "Cy", "baseline: classical",
                                          "baseline: trivial", "Dee"]


def test_a_scored_candidate_without_draws_is_listed_untiered_with_the_reason():
    rows = rank(batch([baseline("trivial", 0.5)], untiered=("cy",)))
    cy = next(row for row in rows if row.name == "Cy")
    assert cy.tier is None and cy.rank == "" and cy.tier_test == "not ranked: its draws could not be read"
    assert [row.name for row in rows][-3:] == ["baseline: trivial", "Cy", "Dee"]
