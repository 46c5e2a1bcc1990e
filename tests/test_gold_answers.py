"""Gold answers: every built-in case ships a weak, an adequate and a strong DESIGN.md answer,
scored on every criterion of its rubric, rising from weak to strong; malformed ones are named."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from casekit import cases
from casekit.authoring.new_case import AuthoringOptions, author_case
from casekit.review.gold import (
    GOLD_DIR,
    LEVELS,
    REFERENCE_FILE,
    TEMPLATE_MARK,
    GoldAnswersError,
    NoGoldAnswersError,
    check_gold,
    falling_scores,
    load_gold_answers,
    template_files,
)
from casekit.review.rubric import load_case_rubric, written_words

# "Several hundred words" each; the weak answers are the shortest, a little under 400.
MIN_WORDS = 300


@pytest.mark.parametrize("case", cases.all(), ids=lambda case: case.slug)
def test_every_case_ships_three_gold_answers_scored_on_every_criterion(case):
    rubric = load_case_rubric(case)
    answers = load_gold_answers(case, rubric)
    assert [answer.level for answer in answers] == list(LEVELS)
    for answer in answers:
        assert set(answer.scores) == {criterion.key for criterion in rubric.criteria}
        assert sum(written_words(answer.path.read_text(encoding="utf-8")).values()) >= MIN_WORDS


@pytest.mark.parametrize("case", cases.all(), ids=lambda case: case.slug)
def test_every_cases_gold_scores_rise_from_weak_to_strong(case):
    answers = load_gold_answers(case, load_case_rubric(case))
    assert falling_scores(answers) == []
    assert sum(answers[0].scores.values()) < sum(answers[1].scores.values()) < sum(answers[2].scores.values())


@pytest.fixture
def places_copy(tmp_path):
    """The places case with its gold folder copied where a test may break it."""
    case = cases.get("places")
    shutil.copytree(case.folder / "gold", tmp_path / "gold")
    shutil.copyfile(case.rubric_path, tmp_path / "rubric.toml")
    return replace(case, folder=tmp_path)


def edit_reference(case, old: str, new: str) -> None:
    reference = case.folder / "gold" / REFERENCE_FILE
    text = reference.read_text()
    assert old in text
    reference.write_text(text.replace(old, new, 1))


def test_a_criterion_without_a_reference_score_is_named(places_copy):
    edit_reference(places_copy, "objective = 0\n", "")
    with pytest.raises(GoldAnswersError, match=r"\[\[answers\]\] 'weak': scores\.objective = None"):
        load_gold_answers(places_copy, load_case_rubric(places_copy))


def test_a_criterion_without_a_reason_is_named(places_copy):
    reference = places_copy.folder / "gold" / REFERENCE_FILE
    lines = reference.read_text().splitlines(keepends=True)
    first_reason = next(i for i, line in enumerate(lines) if line.startswith('objective = "'))
    reference.write_text("".join(lines[:first_reason] + lines[first_reason + 1:]))
    with pytest.raises(GoldAnswersError, match=r"'weak': reasons\.objective is missing"):
        load_gold_answers(places_copy, load_case_rubric(places_copy))


def test_an_unknown_criterion_is_named(places_copy):
    edit_reference(places_copy, "objective = 0\n", "objective = 0\nobjectivity = 1\n")
    with pytest.raises(GoldAnswersError, match="'weak': unknown criterion 'objectivity'"):
        load_gold_answers(places_copy, load_case_rubric(places_copy))


def test_a_missing_answer_file_is_named(places_copy):
    (places_copy.folder / "gold" / "adequate.md").unlink()
    with pytest.raises(GoldAnswersError, match=r"'adequate': file = 'adequate\.md' is not a file"):
        load_gold_answers(places_copy, load_case_rubric(places_copy))


def test_a_score_that_falls_from_adequate_to_strong_is_a_problem(places_copy):
    reference = places_copy.folder / "gold" / REFERENCE_FILE
    strong = reference.read_text().index('level = "strong"')
    text = reference.read_text()
    reference.write_text(text[:strong] + text[strong:].replace("design = 3", "design = 1", 1))
    check = check_gold(places_copy, load_case_rubric(places_copy))
    assert check.problems == ("design: strong scores 1, below adequate's 2",)


def test_a_case_without_a_gold_folder_has_none(places_copy):
    shutil.rmtree(places_copy.folder / "gold")
    check = check_gold(places_copy, load_case_rubric(places_copy))
    assert check.answers == () and check.problems == () and "has no gold answers" in check.missing


def test_the_authoring_template_counts_as_no_gold_answers_yet(places_copy):
    rubric = load_case_rubric(places_copy)
    shutil.rmtree(places_copy.folder / "gold")
    write_template(places_copy.folder / "gold", template_files(rubric))
    with pytest.raises(NoGoldAnswersError, match=re.escape(f"still holds the template's {TEMPLATE_MARK}")):
        load_gold_answers(places_copy, rubric)


def test_the_template_once_written_by_the_team_loads(places_copy):
    rubric = load_case_rubric(places_copy)
    files = template_files(rubric)
    for level in LEVELS:
        files[f"{level}.md"] = f"# Design\n\n## Design\n\nThe {level} answer.\n"
    reference = files[REFERENCE_FILE].replace(f"# {TEMPLATE_MARK}", "#")
    for score in (1, 2, 3):  # the levels in order: each answer's commented scores get its own
        reference = reference.replace("# clarifying_questions = ", f"clarifying_questions = {score}", 1)
    for criterion in rubric.criteria[1:]:
        reference = reference.replace(f"# {criterion.key} = ", f"{criterion.key} = 2")
    reference = reference.replace(' = ""', ' = "why"')
    files[REFERENCE_FILE] = reference
    shutil.rmtree(places_copy.folder / "gold")
    write_template(places_copy.folder / "gold", files)
    answers = load_gold_answers(places_copy, rubric)
    assert [answer.scores["clarifying_questions"] for answer in answers] == [1, 2, 3]


def write_template(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)


def test_an_authored_case_starts_with_a_gold_template_in_its_package(tmp_path):
    table = tmp_path / "table.csv"
    rng = np.random.default_rng(0)
    pd.DataFrame({"amount": rng.gamma(2.0, 5.0, 200), "label": rng.choice(["a", "b"], 200)}).to_csv(table, index=False)
    authored = author_case(AuthoringOptions(slug="churn", table=table, output=tmp_path / "case", target="label"))
    gold = authored.path / authored.names.package / GOLD_DIR
    assert sorted(path.name for path in gold.iterdir()) == sorted([*(f"{level}.md" for level in LEVELS),
                                                                    REFERENCE_FILE])
    assert all(TEMPLATE_MARK in path.read_text() for path in gold.iterdir())
    headings = [line[3:] for line in (gold / "strong.md").read_text().splitlines() if line.startswith("## ")]
    assert "Clarifying questions" in headings and "Deployment and monitoring" in headings
