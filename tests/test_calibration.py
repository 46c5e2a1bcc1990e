"""``casekit calibrate``: a reviewer scores the case's gold answers, sees their deviation from the
reference, and a panel sees its agreement among itself and with the reference."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from casekit import cases
from casekit.cli import app
from casekit.errors import UsageError
from casekit.review.calibration import CALIBRATION_DIR, CalibrationError, calibrate
from casekit.review.gold import LEVELS, NoGoldAnswersError, load_gold_answers
from casekit.review.rubric import load_case_rubric

CASE = cases.get("places")


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, int]]:
    return {answer.level: answer.scores for answer in load_gold_answers(CASE, load_case_rubric(CASE))}


def score_forms(folder: Path, scores: dict[str, dict[str, int]]) -> None:
    """Fill in every criterion of every form in ``folder``, as a reviewer would by hand."""
    for level, by_criterion in scores.items():
        form = folder / f"{level}.toml"
        text = form.read_text()
        for criterion, score in by_criterion.items():
            text = re.sub(rf"(\[{criterion}\]\n(?:#.*\n)*?)(# )?score = .*\n", rf"\g<1>score = {score}\n", text)
        form.write_text(text)


def calibrated(directory: Path, reviewer: str, scores: dict[str, dict[str, int]]):
    """The reviewer's first run (which writes the forms), their scoring, and the second run."""
    calibrate(CASE, reviewer, directory)
    score_forms(directory / CALIBRATION_DIR / reviewer, scores)
    return calibrate(CASE, reviewer, directory)


def test_the_first_run_writes_a_form_and_a_copy_of_each_gold_answer(tmp_path):
    calibration = calibrate(CASE, "r1", tmp_path)
    folder = tmp_path / CALIBRATION_DIR / "r1"
    assert sorted(path.name for path in calibration.written) == sorted(
        f"{level}.{suffix}" for level in LEVELS for suffix in ("md", "toml"))
    assert (folder / "strong.md").read_bytes() == (CASE.folder / "gold" / "strong.md").read_bytes()
    assert calibration.reviewer is None


def test_the_forms_hold_no_reference_score_or_reason(tmp_path, reference):
    calibrate(CASE, "r1", tmp_path)
    reasons = (CASE.folder / "gold" / "reference.toml").read_text()
    first_reason = re.search(r'^clarifying_questions = "(.{40})', reasons, re.MULTILINE).group(1)
    for level in LEVELS:
        form = (tmp_path / CALIBRATION_DIR / "r1" / f"{level}.toml").read_text()
        assert first_reason not in form
        written = [line for line in form.splitlines() if line.startswith("score = ")]
        assert all("set automatically" in line for line in written)  # only the automatic check's zeros


def test_a_reviewer_who_copies_the_reference_deviates_zero(tmp_path, reference):
    calibration = calibrated(tmp_path, "r1", reference)
    assert calibration.reviewer is not None
    assert calibration.reviewer.mean_absolute_deviation == 0
    assert all(deviation.difference == 0 for deviation in calibration.reviewer.deviations)
    assert calibration.reviewer.alpha_with_reference == 1.0


def test_a_reviewer_one_level_off_on_a_criterion_shows_it_on_that_criterion(tmp_path, reference):
    scores = {level: dict(by_criterion) for level, by_criterion in reference.items()}
    scores["weak"]["design"] += 1
    calibration = calibrated(tmp_path, "r1", scores)
    off = [(d.level, d.criterion, d.difference) for d in calibration.reviewer.deviations if d.difference]
    assert off == [("weak", "design", 1)]
    assert calibration.reviewer.mean_absolute_deviation == pytest.approx(1 / len(calibration.reviewer.deviations))


def test_one_reviewer_alone_gets_no_panel(tmp_path, reference):
    assert calibrated(tmp_path, "r1", reference).panel is None


def noisy(reference: dict[str, dict[str, int]], noise: float, seed: int) -> dict[str, dict[str, int]]:
    """The reference with each score moved one level (up or down, clipped to 0-3) with probability ``noise``."""
    rng = np.random.default_rng(seed)
    return {level: {criterion: int(np.clip(score + (rng.choice([-1, 1]) if rng.random() < noise else 0), 0, 3))
                    for criterion, score in by_criterion.items()}
            for level, by_criterion in reference.items()}


def test_a_panel_with_more_noise_planted_agrees_less(tmp_path, reference):
    """Three reviewers, each moving a score by one level with probability 0.1, 0.3 and 0.6."""
    for reviewer, noise in (("r1", 0.1), ("r2", 0.3), ("r3", 0.6)):
        calibration = calibrated(tmp_path, reviewer, noisy(reference, noise, seed=11))
    panel = calibration.panel
    assert panel is not None and [r.reviewer for r in panel.reviewers] == ["r1", "r2", "r3"]
    deviations = [r.mean_absolute_deviation for r in panel.reviewers]
    alphas = [r.alpha_with_reference for r in panel.reviewers]
    assert deviations == sorted(deviations) and alphas == sorted(alphas, reverse=True)
    assert 0 < panel.among_reviewers.alpha < 1 and panel.among_reviewers.interval is None


def test_a_reviewer_still_scoring_is_listed_as_waiting(tmp_path, reference):
    calibrated(tmp_path, "r1", reference)
    calibrate(CASE, "r3", tmp_path)
    panel = calibrated(tmp_path, "r2", noisy(reference, 0.3, seed=2)).panel
    assert [r.reviewer for r in panel.reviewers] == ["r1", "r2"]
    assert "[clarifying_questions] is not scored yet" in panel.waiting["r3"]


def test_an_incomplete_form_is_an_error_naming_the_file_and_criterion(tmp_path, reference):
    calibrate(CASE, "r1", tmp_path)
    partly = {level: dict(by_criterion) for level, by_criterion in reference.items()}
    del partly["adequate"]["trade_offs"]
    score_forms(tmp_path / CALIBRATION_DIR / "r1", partly)
    with pytest.raises(CalibrationError, match=r"adequate\.toml: \[trade_offs\] is not scored yet"):
        calibrate(CASE, "r1", tmp_path)


def test_a_score_outside_the_anchors_is_an_error_naming_the_file_and_criterion(tmp_path, reference):
    calibrate(CASE, "r1", tmp_path)
    wrong = {level: dict(by_criterion) for level, by_criterion in reference.items()}
    wrong["strong"]["metrics"] = 5
    score_forms(tmp_path / CALIBRATION_DIR / "r1", wrong)
    with pytest.raises(CalibrationError, match=r"strong\.toml: \[metrics\] score = 5"):
        calibrate(CASE, "r1", tmp_path)


def test_a_form_of_another_case_is_refused(tmp_path):
    calibrate(CASE, "r1", tmp_path)
    form = tmp_path / CALIBRATION_DIR / "r1" / "weak.toml"
    form.write_text(form.read_text().replace("places gold answer", "highlights gold answer"))
    with pytest.raises(CalibrationError, match=r"weak\.toml: written for candidate 'highlights gold answer: weak'"):
        calibrate(CASE, "r1", tmp_path)


def test_a_case_without_gold_answers_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("casekit.review.gold.GOLD_DIR", "no-such-folder")
    with pytest.raises(NoGoldAnswersError, match="case 'places' has no gold answers"):
        calibrate(CASE, "r1", tmp_path)


def test_a_reviewer_name_that_is_not_a_folder_name_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="a reviewer's name is letters"):
        calibrate(CASE, "../r1", tmp_path)


def test_the_command_says_what_to_do_then_shows_the_deviation_table(tmp_path, reference):
    runner, arguments = CliRunner(), ["calibrate", "places", "--reviewer", "r1", "--dir", str(tmp_path)]
    first = runner.invoke(app, arguments)
    assert first.exit_code == 0 and "then run 'casekit calibrate places --reviewer r1" in " ".join(first.output.split())
    scores = {level: dict(by_criterion) for level, by_criterion in reference.items()}
    scores["strong"]["baseline"] -= 1
    score_forms(tmp_path / CALIBRATION_DIR / "r1", scores)
    second = runner.invoke(app, arguments, env={"COLUMNS": "200"})
    assert second.exit_code == 0
    assert re.search(r"baseline\W+1 vs 1 \(\+0\)\W+2 vs 2 \(\+0\)\W+2 vs 3 \(-1\)\W+0\.33", second.output)
    assert "mean absolute deviation: 0.03 levels (1 of 30 scores differ" in second.output


def test_where_a_reviewer_differs_the_command_shows_the_references_reasoning(tmp_path, reference):
    arguments = ["calibrate", "places", "--reviewer", "r1", "--dir", str(tmp_path)]
    CliRunner().invoke(app, arguments)
    scores = {level: dict(by_criterion) for level, by_criterion in reference.items()}
    scores["weak"]["objective"] += 2
    score_forms(tmp_path / CALIBRATION_DIR / "r1", scores)
    output = " ".join(CliRunner().invoke(app, arguments, env={"COLUMNS": "200"}).output.split())
    reason = next(answer for answer in load_gold_answers(CASE, load_case_rubric(CASE))
                  if answer.level == "weak").reasons["objective"]
    assert f"weak, objective: you 2, the reference 0: {' '.join(reason.split())}" in output
    assert "adequate, objective: you" not in output


def test_the_command_exits_1_naming_the_incomplete_file(tmp_path):
    arguments = ["calibrate", "places", "--reviewer", "r1", "--dir", str(tmp_path)]
    CliRunner().invoke(app, arguments)
    outcome = CliRunner().invoke(app, arguments, env={"COLUMNS": "300"})
    assert outcome.exit_code == 1 and "weak.toml: [clarifying_questions] is not scored yet" in outcome.output


@pytest.mark.parametrize("case", cases.all(), ids=lambda case: case.slug)
def test_every_case_calibrates_a_reviewer_who_scores_as_the_reference(case, tmp_path):
    answers = load_gold_answers(case, load_case_rubric(case))
    calibrate(case, "r1", tmp_path)
    score_forms(tmp_path / CALIBRATION_DIR / "r1", {answer.level: answer.scores for answer in answers})
    reviewer = calibrate(case, "r1", tmp_path).reviewer
    assert reviewer is not None and reviewer.mean_absolute_deviation == 0
    assert len(reviewer.deviations) == len(answers) * len(answers[0].scores)
