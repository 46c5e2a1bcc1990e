"""The leaderboard's rows from a batch's tiers: order, tier numbers, the test that placed each
candidate, and the baselines' reference rows; and the time on record beside the score: elapsed
time against the box, the past-box flag, and when each submission was received."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from casekit.errors import UsageError
from casekit.instances.time_record import CandidateClock, Issue
from casekit.outputs.report import render_page
from casekit.review.batch_review import BatchReview
from casekit.review.batch_tiers import BatchTiers
from casekit.review.leaderboard import CSV_COLUMNS, rank, to_csv
from casekit.review.records import CandidateReview
from casekit.review.time_on_record import (
    FIRST_SEEN,
    GIVEN,
    RECEIVED_FILE,
    Receipt,
    TimeOnRecord,
    parse_received,
    record_receipts,
)
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


ISSUED = "2026-06-03T09:00:00+00:00"


def on_record(received: str, issued: str | None = ISSUED, box: int = 240, grace: int = 30) -> TimeOnRecord:
    return TimeOnRecord(Issue(issued, box) if issued else None, Receipt(received, FIRST_SEEN), grace, None)


def test_a_submission_received_past_the_box_plus_the_grace_is_flagged():
    late = on_record("2026-06-03T13:31:00+00:00")
    assert late.past_box is True
    assert (late.elapsed_text(), late.past_box_text()) == ("4h31m of 4h", "yes, 31m over the box")


def test_a_submission_received_within_the_grace_is_not_flagged():
    in_grace = on_record("2026-06-03T13:30:00+00:00")
    assert in_grace.past_box is False and in_grace.past_box_text() == "no"


def test_a_started_minute_counts_so_a_flagged_submission_never_reads_as_within_the_box():
    late = on_record("2026-06-03T13:00:20+00:00", grace=0)
    assert late.past_box and (late.elapsed_text(), late.past_box_text()) == ("4h01m of 4h", "yes, 1m over the box")


def test_a_grace_of_zero_flags_a_minute_past_the_box():
    assert on_record("2026-06-03T13:01:00+00:00", grace=0).past_box is True


def test_elapsed_time_is_not_recorded_when_the_issue_is_not():
    old = on_record("2026-06-03T13:31:00+00:00", issued=None)
    assert (old.elapsed_minutes, old.past_box) == (None, None)
    assert (old.elapsed_text(), old.past_box_text(), old.box_text()) == ("not recorded",) * 3


def test_a_candidates_clock_that_packs_after_the_receipt_is_said_to_disagree_and_changes_nothing():
    clock = CandidateClock(runs=3, first_run="2026-06-03T09:30:00+00:00", last_run="2026-06-03T12:00:00+00:00",
                           packed_at="2026-06-03T18:00:00+00:00")
    time = replace(on_record("2026-06-03T12:30:00+00:00"), clock=clock)
    assert time.clock_disagrees() and time.past_box is False
    section = render_page("time_section.html.j2", who="Ada", time=time, grace="30m")
    assert "The candidate's clock disagrees with the reviewer's" in section and "2026-06-03T18:00:00+00:00" in section


def test_a_candidates_clock_within_the_issue_and_the_receipt_agrees():
    clock = CandidateClock(runs=1, first_run="2026-06-03T09:30:00+00:00", last_run="2026-06-03T09:30:00+00:00",
                           packed_at="2026-06-03T12:00:00+00:00")
    assert not replace(on_record("2026-06-03T12:30:00+00:00"), clock=clock).clock_disagrees()


def test_the_csv_gives_elapsed_minutes_the_box_and_the_flag_beside_the_final_score():
    rows = rank(batch([baseline("trivial", 0.5)]))
    times = {"ada": on_record("2026-06-03T13:31:00+00:00"), "bob": on_record("2026-06-03T12:00:00+00:00"),
             "cy": on_record("2026-06-03T12:00:00+00:00", issued=None)}
    written = {row["candidate"]: row for row in csv.DictReader(io.StringIO(to_csv(rows, times)))}
    at = CSV_COLUMNS.index("final_score")
    assert CSV_COLUMNS[at + 1:at + 4] == ["elapsed_minutes", "time_box_minutes", "past_box"]
    assert [written[name]["past_box"] for name in ("Ada", "Bob", "Cy")] == ["yes", "no", "not recorded"]
    assert (written["Ada"]["elapsed_minutes"], written["Ada"]["time_box_minutes"]) == ("271.0", "240")
    assert written["Cy"]["issued_at"] == "not recorded" and written["Ada"]["received"] == FIRST_SEEN
    assert written["baseline: trivial"]["past_box"] == ""


def test_a_submission_is_received_once_and_a_later_review_keeps_that_time(tmp_path):
    first = record_receipts(tmp_path, ["Ada"], {})
    again = record_receipts(tmp_path, ["Ada", "Bob"], {})
    assert again["Ada"] == first["Ada"] and again["Ada"].how == FIRST_SEEN
    assert set(json.loads((tmp_path / RECEIVED_FILE).read_text())) == {"Ada", "Bob"}


def test_a_time_the_reviewer_gives_replaces_the_receipt_on_record(tmp_path):
    record_receipts(tmp_path, ["Ada"], {})
    given = record_receipts(tmp_path, ["Ada"], parse_received(["Ada=2026-06-03T15:40+02:00"]))
    assert given["Ada"] == Receipt("2026-06-03T13:40:00+00:00", GIVEN)
    assert record_receipts(tmp_path, ["Ada"], {})["Ada"] == given["Ada"]


# The time to come is fixed, not computed from now: xdist's workers must collect the same ids.
@pytest.mark.parametrize("value", ["Ada=2026-06-03T15:40", "Ada=yesterday", "=2026-06-03T15:40Z",
                                   "Ada=2999-01-01T00:00:00+00:00"])
def test_a_received_time_without_its_offset_or_still_to_come_is_refused(value):
    with pytest.raises(UsageError, match=r"^--received "):
        parse_received([value])


def test_a_received_time_for_someone_not_in_the_batch_is_refused(tmp_path):
    with pytest.raises(UsageError, match="'Bob', who is not a candidate of this batch"):
        record_receipts(tmp_path, ["Ada"], {"Bob": "2026-06-03T13:40:00+00:00"})
