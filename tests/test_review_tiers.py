"""A review's tiers on real scored files: the strong baseline's predictions submitted twice (tied
by design), the trivial baseline's below them, on one instance and across two instances.

Issued as the conformance suite issues the synthetic fake-news case (same seed and scale, same
key store), so the baselines are trained once for both.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import shared_key_store

from casekit.instances.bundle import DEFAULT_SUBMISSION
from casekit.instances.instance import open_instance
from casekit.instances.issue import new_project
from casekit.review.batch import review_batch
from casekit.review.records import ReviewOptions
from casekit.scoring.baselines import ensure_baselines

pytestmark = pytest.mark.slow

SLUG, SOURCE, SCALE, SEEDS = "fake-news", "synthetic", 0.25, (5, 6)
RESAMPLES = 200


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> SimpleNamespace:
    """Two instances of the case, and each one's baseline predictions by tier."""
    root, keys = tmp_path_factory.mktemp("review-tiers"), shared_key_store()
    projects, files = {}, {}
    for seed in SEEDS:
        projects[seed] = new_project(SLUG, output=root / f"seed-{seed}", seed=seed, source=SOURCE, scale=SCALE,
                                     keys_dir=keys, candidate=f"seed {seed}").path
        instance = open_instance(projects[seed], keys)
        # Copied out of the key store: a review never scores a file inside it.
        files[seed] = {item.baseline.tier: Path(shutil.copy(item.path, root / f"{seed}-{item.baseline.tier}.csv"))
                       for item in ensure_baselines(instance)}
    twin = Path(shutil.copy(files[5]["strong"], root / "twin.csv"))
    return SimpleNamespace(root=root, keys=keys, projects=projects, files=files, twin=twin,
                           instance=open_instance(projects[5], keys).bundle.instance_id)


def candidate_project(issued: SimpleNamespace, seed: int, submission: Path, name: str) -> str:
    """A copy of the instance's project holding ``submission`` as its own, as an INPUT."""
    folder = issued.root / "projects" / name
    shutil.copytree(issued.projects[seed], folder)
    shutil.copy(submission, folder / DEFAULT_SUBMISSION)
    return f"{name}={folder}"


def review(arguments: list[str], output: Path, **options) -> SimpleNamespace:
    batch = review_batch(arguments, ReviewOptions(output=output, resamples=RESAMPLES, track=False, **options))
    with (output / "leaderboard.csv").open(newline="") as stream:
        rows = {row["candidate"]: row for row in csv.DictReader(stream) if row["kind"] == "candidate"}
    return SimpleNamespace(batch=batch, rows=rows, output=output,
                           summary=json.loads((output / "summary.json").read_text()))


@pytest.fixture(scope="module")
def one_instance(issued) -> SimpleNamespace:
    files = issued.files[5]
    return review([f"Strong={files['strong']}", f"Twin={issued.twin}", f"Trivial={files['trivial']}"],
                  issued.root / "one-instance", keys_dir=issued.keys, instance=issued.instance)


@pytest.fixture(scope="module")
def two_instances(issued) -> SimpleNamespace:
    inputs = [candidate_project(issued, 5, issued.files[5]["strong"], "First"),
              candidate_project(issued, 6, issued.files[6]["strong"], "Second"),
              candidate_project(issued, 6, issued.files[6]["trivial"], "Trivial")]
    return review(inputs, issued.root / "two-instances", keys_dir=issued.keys)


def tiers(reviewed: SimpleNamespace) -> dict[str, str]:
    return {name: row["tier"] for name, row in reviewed.rows.items()}


def test_the_tie_by_design_shares_tier_1_and_the_trivial_predictions_open_tier_2(one_instance):
    assert tiers(one_instance) == {"Strong": "1", "Twin": "1", "Trivial": "2"}


def test_the_leaderboard_says_which_comparison_opened_each_tier(one_instance):
    assert one_instance.rows["Trivial"]["tier_test"].startswith("opens tier 2: significantly below Strong (p = ")
    assert one_instance.rows["Twin"]["tier_test"].startswith("stays in tier 1: not significantly below Strong")
    html = (one_instance.output / "leaderboard.html").read_text()
    assert "opens tier 2: significantly below Strong" in html


def test_the_tied_candidates_list_each_other_as_not_told_apart(one_instance):
    assert one_instance.rows["Strong"]["not_told_from"] == "Twin"
    assert one_instance.rows["Trivial"]["not_told_from"] == ""


def test_a_candidates_report_names_those_it_could_not_be_told_from(one_instance):
    report = (one_instance.output / one_instance.rows["Twin"]["report"]).read_text()
    assert "Tier 1 of 2" in report and "Twin could not be told from: Strong." in report


def test_without_rerun_the_leaderboard_says_the_submissions_are_unverified(one_instance):
    html = (one_instance.output / "leaderboard.html").read_text()
    assert '<p id="verification" class="note warning">Submissions are unverified' in html
    assert one_instance.summary["verification"].startswith("Submissions are unverified: no candidate's code was re-run")
    assert one_instance.rows["Strong"]["verification"].startswith("unverified: ranked on the submitted file")


def test_where_a_candidate_stands_against_the_baselines_has_its_own_column(one_instance):
    assert one_instance.rows["Strong"]["versus_baselines"] == "ties strong"


def test_each_candidate_keeps_its_primary_draws_beside_its_review_not_in_the_summary(one_instance):
    strong = next(item for item in one_instance.summary["candidates"] if item["name"] == "Strong")
    draws = np.load(one_instance.output / strong["draws"])
    assert draws.shape == (RESAMPLES,)
    assert longest_list(one_instance.summary) < RESAMPLES


def longest_list(value: object) -> int:
    if isinstance(value, dict):
        return max((longest_list(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return max([len(value), *(longest_list(item) for item in value)])
    return 0


def test_the_leaderboard_and_every_scorecard_give_the_smallest_detectable_difference(one_instance):
    detectable = one_instance.summary["detectable_difference"]
    assert list(detectable) == [one_instance.batch.reviews[0].instance_id]
    assert 0 < detectable[one_instance.batch.reviews[0].instance_id]["value"] < 0.2
    report = one_instance.output / one_instance.rows["Strong"]["report"]
    card = json.loads((report.parent / "scorecard.json").read_text())
    assert card["detectable"] == detectable[one_instance.batch.reviews[0].instance_id]
    assert "This test set can tell apart differences in ROC-AUC" in report.read_text()


def test_across_instances_candidates_are_tiered_by_their_gap_to_their_own_strong_baseline(two_instances):
    assert "gap to the strong baseline" in two_instances.summary["tier_basis"]
    assert tiers(two_instances) == {"First": "1", "Second": "1", "Trivial": "2"}
    assert len(two_instances.summary["detectable_difference"]) == 2
