"""The rubric (case files, candidate files, automatic checks) and the final-score blend."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from casekit import cases
from casekit.errors import UsageError
from casekit.instances.issue import template_dir
from casekit.review.final_score import EngineeringChecks, ScoreWeights, final_score, metric_tier
from casekit.review.rubric import (
    RubricError,
    check_design,
    load_case_rubric,
    prepare_rubric,
    tomllib,
    written_words,
)

CRITERIA = {"clarifying_questions", "objective", "metrics", "assumptions", "baseline", "design", "trade_offs",
            "optimisation", "deployment_and_monitoring", "communication"}
HOSTILE = 'Ada "the \\ hacker"\n[design]\nscore = 3'


@pytest.mark.parametrize("case", cases.all(), ids=lambda case: case.slug)
def test_every_case_ships_a_rubric_with_the_ten_criteria(case):
    rubric = load_case_rubric(case)
    assert {criterion.key for criterion in rubric.criteria} == CRITERIA
    assert all(len(criterion.anchors) == 4 and criterion.weight > 0 for criterion in rubric.criteria)


def template_design() -> str:
    return (template_dir() / "{{cookiecutter.project_slug}}" / "DESIGN.md").read_text()


def test_the_templates_prompts_do_not_count_as_written_words():
    counts = written_words(template_design())
    assert counts["design"] == 0 and counts["clarifying questions"] == 0


def test_words_under_a_heading_are_counted_beside_the_prompt():
    text = template_design().replace("## Design\n", "## Design\n\nA linear model on word counts of subject and body.\n")
    assert written_words(text)["design"] == 10


@pytest.fixture
def rubric():
    return load_case_rubric(cases.get("tickets"))


@pytest.fixture
def design(tmp_path) -> Path:
    path = tmp_path / "DESIGN.md"
    path.write_text(template_design().replace("## Design\n", "## Design\n\n" + "word " * 120 + "\n"))
    return path


def test_a_new_rubric_file_scores_empty_sections_0_and_leaves_the_rest_to_the_reviewer(rubric, design, tmp_path):
    result = prepare_rubric(rubric, tmp_path / "ada.toml", candidate="Ada", case="tickets",
                            checks=check_design(rubric, design))
    scores = {item.key: item.score for item in result.criteria}
    assert scores["design"] is None and scores["communication"] is None
    assert scores["clarifying_questions"] == 0 and scores["baseline"] == 0
    written = tomllib.loads((tmp_path / "ada.toml").read_text())
    assert "score" not in written["design"] and written["baseline"]["score"] == 0


def test_a_completed_rubric_file_is_read_back_and_not_rewritten(rubric, design, tmp_path):
    path = tmp_path / "ada.toml"
    checks = check_design(rubric, design)
    prepare_rubric(rubric, path, candidate="Ada", case="tickets", checks=checks)
    completed = path.read_text().replace("# score = ", "score = 3").replace("score = 0  #", "score = 2  #")
    path.write_text(completed)
    result = prepare_rubric(rubric, path, candidate="Ada", case="tickets", checks=checks)
    assert path.read_text() == completed
    assert {item.key: item.score for item in result.criteria}["design"] == 3
    assert result.scored == len(CRITERIA) and 2 / 3 < result.value < 1


def test_a_score_outside_0_to_3_names_the_file_and_criterion(rubric, design, tmp_path):
    path = tmp_path / "ada.toml"
    prepare_rubric(rubric, path, candidate="Ada", case="tickets", checks=check_design(rubric, design))
    path.write_text(path.read_text().replace("# score = ", "score = 4", 1))
    with pytest.raises(RubricError, match=r"ada\.toml: \[design\] score = 4"):
        prepare_rubric(rubric, path, candidate="Ada", case="tickets", checks=check_design(rubric, design))


def test_a_hostile_candidate_name_stays_a_string_in_the_rubric_file(rubric, tmp_path):
    path = tmp_path / "x.toml"
    prepare_rubric(rubric, path, candidate=HOSTILE, case="tickets", checks=check_design(rubric, None))
    written = tomllib.loads(path.read_text())
    assert written["candidate"] == HOSTILE and written["design"]["score"] == 0


def card(*verdicts: tuple[str, str]) -> SimpleNamespace:
    comparisons = [SimpleNamespace(tier=tier, verdict=verdict, title=tier) for tier, verdict in verdicts]
    return SimpleNamespace(comparisons=comparisons, primary=SimpleNamespace(title="Macro-F1"))


@pytest.mark.parametrize(("verdicts", "value", "label"), [
    ((("trivial", "beats"), ("classical", "beats"), ("strong", "beats")), 1.0, "beats strong"),
    ((("trivial", "beats"), ("classical", "beats"), ("strong", "ties")), 2.5 / 3, "ties strong"),
    ((("trivial", "beats"), ("classical", "loses to"), ("strong", "loses to")), 1 / 3, "beats trivial"),
    ((("trivial", "loses to"), ("classical", "loses to"), ("strong", "loses to")), 0.0, "below trivial"),
])
def test_the_metric_tier_is_the_highest_rung_beaten_with_half_a_rung_for_a_tie(verdicts, value, label):
    assert metric_tier(card(*verdicts)) == (pytest.approx(value), label)


def test_the_final_score_is_the_weighted_mean_of_its_parts():
    checks = EngineeringChecks(contract_tests=True, reproduces=True, within_time_box=False)
    score = final_score(card(("strong", "beats")), 0.5, "half", checks, ScoreWeights(2, 1, 1))
    assert score.total == pytest.approx((2 * 1.0 + 1 * 0.5 + 1 * 2 / 3) / 4)
    assert "failed: the pipeline runs within the time box" in score.parts[2].explanation


def test_weights_can_be_overridden_and_bad_ones_are_usage_errors():
    weights = ScoreWeights(0.5, 0.3, 0.2).override("metric=1, engineering=0")
    assert (weights.metric, weights.rubric, weights.engineering) == (1.0, 0.3, 0.0)
    for bad in ("speed=1", "metric=high", "metric=-1"):
        with pytest.raises(UsageError):
            ScoreWeights(0.5, 0.3, 0.2).override(bad)
