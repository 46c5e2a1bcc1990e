"""What ranks a candidate (the submitted file or what the code reproduces), the flag the leaderboard
shows, and the re-run's output taken out of its scratch copy; pure functions, no re-run."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from casekit.review.batch_review import BatchReview
from casekit.review.batch_tiers import BatchTiers
from casekit.review.final_score import EngineeringChecks, ScoreWeights, final_score
from casekit.review.leaderboard import rank, verification_note
from casekit.review.records import CandidateReview, ReviewOptions
from casekit.review.rerun import PredictionCheck, RerunResult, keep_regenerated
from casekit.review.verification import verify
from casekit.scoring.tiers import assign_tiers

SCORED = SimpleNamespace(card=None, primary_draws=np.zeros(3))  # stands in for the regenerated file's scores


def rerun(status: str, submitted: float, regenerated: float | None, summary: str = "") -> RerunResult:
    scored = SCORED if regenerated is not None else None
    check = PredictionCheck([], "macro_f1", submitted, regenerated, 0.01, scored) if status in (
        "reproduced", "differs") else None
    return RerunResult(status, summary or status, None, None, None, None, None, check)


def test_a_rerun_within_the_tolerance_ranks_the_submitted_file():
    verification = verify(rerun("reproduced", 0.80, 0.805), 0.80, "")
    assert verification.verdict == "reproduced" and verification.ranked and not verification.ranks_rerun


def test_a_rerun_that_scores_otherwise_ranks_the_reruns_predictions_with_both_scores_and_the_difference():
    verification = verify(rerun("differs", 1.0, 0.33), 1.0, "")
    assert verification.ranks_rerun and verification.ranked
    assert verification.flag == "submission not reproduced"
    assert verification.describe() == ("submission not reproduced: ranked on the re-run's 0.3300; submitted 1.0000, "
                                       "difference -0.6700")


def test_a_failed_rerun_leaves_the_submitted_file_unproven_and_unranked_with_the_reason():
    verification = verify(rerun("timed_out", 0.80, None, "the pipeline exceeded its time limit of 15 s"), 0.80, "")
    assert verification.verdict == "unproven" and not verification.ranked
    assert "timed out: the pipeline exceeded its time limit of 15 s" in verification.reason


def test_regenerated_predictions_that_cannot_be_scored_leave_the_submitted_file_unproven():
    verification = verify(rerun("differs", 0.80, None, "the regenerated predictions differ: 3 ids missing"), 0.80, "")
    assert not verification.ranked and "3 ids missing" in verification.reason


def test_without_a_rerun_the_submitted_file_ranks_unverified():
    verification = verify(None, 0.80, "not re-run; pass --rerun")
    assert verification.verdict == "unverified" and verification.ranked and "pass --rerun" in verification.reason


def test_an_unproven_file_earns_no_metric_part():
    card = SimpleNamespace(comparisons=[], primary=SimpleNamespace(title="Macro-F1"))
    final = final_score(card, 1.0, "complete", EngineeringChecks(True, False, True), ScoreWeights(0.5, 0.3, 0.2),
                        unproven="the re-run timed out")
    metric = final.parts[0]
    assert metric.value == 0.0 and metric.explanation == "counts 0: the re-run timed out"


def test_a_candidate_whose_rerun_failed_is_listed_unranked_with_the_reason():
    ranked = CandidateReview("Ada", "ada", "project", "ada", "i", "scored", primary_value=0.8,
                             verification=verify(rerun("reproduced", 0.8, 0.8), 0.8, ""))
    failed = CandidateReview("Bo", "bo", "project", "bo", "i", "scored", primary_value=0.9,
                             verification=verify(rerun("failed", 0.9, None, "the pipeline failed (exit code 1)"),
                                                 0.9, ""))
    standings = assign_tiers(["ada"], [0.8], np.full((1, 10), 0.8), higher_is_better=True)
    tiers = BatchTiers({standing.name: standing for standing in standings}, "the same resamples",
                       {"bo": failed.verification.reason})
    rows = rank(BatchReview(Path("."), [ranked, failed], [], True, 1.0, tiers=tiers))
    bo = next(row for row in rows if row.name == "Bo")
    assert bo.rank == "" and bo.tier is None and bo.value is None
    assert bo.tier_test.startswith("not ranked: the re-run gave no predictions to score (failed: the pipeline failed")


def test_without_rerun_the_leaderboard_says_the_submissions_are_unverified():
    batch = BatchReview(Path("."), [], [], True, 1.0)
    assert verification_note(batch, ReviewOptions(Path("."))).startswith("Submissions are unverified")


def test_a_regenerated_file_that_links_out_of_its_copy_is_not_read(tmp_path):
    answers = tmp_path / "answers.csv"  # on the reviewer's disk: the sandbox cannot see it, this process can
    answers.write_text("ticket_id,category\nT-1,bug\n")
    copy = tmp_path / "copy"
    (copy / "submission").mkdir(parents=True)
    os.symlink(answers, copy / "submission" / "predictions.csv")
    problem = keep_regenerated(copy, tmp_path / "kept")
    assert isinstance(problem, str) and "symbolic link out of the project's copy" in problem
    assert not (tmp_path / "kept" / "predictions.csv").exists()


def test_the_regenerated_file_and_its_decision_are_kept_out_of_the_copy(tmp_path):
    copy = tmp_path / "copy"
    (copy / "submission").mkdir(parents=True)
    (copy / "submission" / "predictions.csv").write_text("id,prob\n1,0.5\n")
    (copy / "submission" / "decision.json").write_text('{"threshold": 0.3}')
    kept = keep_regenerated(copy, tmp_path / "kept")
    assert kept == tmp_path / "kept" / "predictions.csv" and kept.read_text() == "id,prob\n1,0.5\n"
    assert (tmp_path / "kept" / "decision.json").read_text() == '{"threshold": 0.3}'
