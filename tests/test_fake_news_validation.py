"""Fake-news submissions: the probability checks (binary and six-way) and the declared threshold,
each fault located by file, row/id and column."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import casekit

from casekit.public import validate_predictions

RATINGS = ["pants-fire", "false", "barely-true", "half-true", "mostly-true", "true"]


@pytest.fixture(scope="module")
def posts(fake_news_project) -> pd.DataFrame:
    """A valid binary submission for the synthetic project's test posts."""
    test = pd.read_csv(fake_news_project / "data" / "test.csv", dtype=str, usecols=["post_id"])
    return test.assign(prob_fake=0.3)


@pytest.fixture(scope="module")
def ratings(liar_six_way_project) -> pd.DataFrame:
    """A valid six-way submission for the LIAR project's test statements."""
    test = pd.read_csv(liar_six_way_project / "data" / "test.csv", dtype=str, usecols=["statement_id"])
    shares = zip(RATINGS, [0.1, 0.2, 0.2, 0.2, 0.2, 0.1], strict=True)
    return test.assign(**{f"prob_{rating}": share for rating, share in shares})


def write(folder: Path, frame: pd.DataFrame, decision: object | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "predictions.csv"
    frame.to_csv(path, index=False)
    if decision is not None:
        (folder / "decision.json").write_text(decision if isinstance(decision, str) else json.dumps(decision))
    return path


def only_code(path: Path, project: Path, code: str) -> list:
    found = validate_predictions(path, project).problems
    assert {p.code for p in found} == {code}, [p.message for p in found]
    return found


def test_a_valid_binary_submission_passes(tmp_path, posts, fake_news_project):
    report = validate_predictions(write(tmp_path, posts, {"threshold": 0.35}), fake_news_project)
    assert report.ok, report.summary()


def test_the_sample_submission_passes(fake_news_project):
    assert validate_predictions(fake_news_project / "data" / "sample_submission.csv", fake_news_project).ok


@pytest.mark.parametrize("value", [1.2, -0.1, float("inf")])
def test_a_probability_outside_zero_one(tmp_path, posts, fake_news_project, value):
    frame = posts.copy()
    frame.loc[7, "prob_fake"] = value
    found = only_code(write(tmp_path, frame), fake_news_project, "probability_out_of_range")
    assert found[0].row == 8 and found[0].column == "prob_fake" and found[0].id == posts["post_id"][7]
    assert "outside [0, 1]" in found[0].message and "predictions.csv: row 8" in found[0].message


@pytest.mark.parametrize("value", [float("nan"), "", "NaN"])
def test_an_empty_or_nan_probability(tmp_path, posts, fake_news_project, value):
    frame = posts.astype({"prob_fake": object})
    frame.loc[3, "prob_fake"] = value
    found = only_code(write(tmp_path, frame), fake_news_project, "nan_value")
    assert found[0].row == 4 and found[0].column == "prob_fake"


def test_text_that_is_not_a_number(tmp_path, posts, fake_news_project):
    frame = posts.astype({"prob_fake": object})
    frame.loc[0, "prob_fake"] = "likely"
    found = only_code(write(tmp_path, frame), fake_news_project, "not_a_number")
    assert "'likely' is not a number" in found[0].message


def test_a_label_column_instead_of_the_probability(tmp_path, posts, fake_news_project):
    frame = posts.drop(columns="prob_fake").assign(label="fake")
    codes = {p.code for p in validate_predictions(write(tmp_path, frame), fake_news_project).problems}
    assert codes == {"missing_columns", "extra_columns"}


@pytest.mark.parametrize("decision, words", [
    ({"threshold": 1.5}, "key 'threshold': 1.5 is not a number in [0, 1]"),
    ({"threshold": "0.4"}, "key 'threshold': '0.4' is not a number in [0, 1]"),
    ({"cutoff": 0.4}, "key 'threshold' is missing"),
    ([0.4], "expected a JSON object"),
    ("{threshold: 0.4", "not valid JSON"),
])
def test_a_bad_decision_file_is_named_with_its_key(tmp_path, posts, fake_news_project, decision, words):
    found = validate_predictions(write(tmp_path, posts, decision), fake_news_project).problems
    assert {p.code for p in found} == {"invalid_decision"}
    assert any(words in p.message and "decision.json" in p.message for p in found), [p.message for p in found]


def test_validate_reports_a_bad_threshold_with_exit_code_1(posts, fake_news_project):
    folder = fake_news_project / "submission" / "bad-threshold"
    try:
        result = casekit("validate", write(folder, posts, {"threshold": 2}))
    finally:
        shutil.rmtree(folder)
    assert result.returncode == 1
    assert "decision.json" in result.stderr and "not a number in [0, 1]" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_valid_six_way_submission_passes(tmp_path, ratings, liar_six_way_project):
    assert validate_predictions(write(tmp_path, ratings), liar_six_way_project).ok


def test_six_way_rows_must_sum_to_one(tmp_path, ratings, liar_six_way_project):
    frame = ratings.copy()
    frame.loc[9, "prob_true"] = 0.5
    found = only_code(write(tmp_path, frame), liar_six_way_project, "probabilities_not_summing_to_one")
    assert found[0].row == 10 and "sum to 1.4" in found[0].message


def test_six_way_needs_every_rating_column(tmp_path, ratings, liar_six_way_project):
    found = only_code(write(tmp_path, ratings.drop(columns="prob_barely-true")), liar_six_way_project,
                      "missing_columns")
    assert "'prob_barely-true'" in found[0].message


def test_six_way_probability_outside_zero_one(tmp_path, ratings, liar_six_way_project):
    frame = ratings.copy()
    frame.loc[2, ["prob_false", "prob_true"]] = [1.1, -0.1]
    found = validate_predictions(write(tmp_path, frame), liar_six_way_project).problems
    assert {p.code for p in found} == {"probability_out_of_range"}
    assert {p.column for p in found} == {"prob_false", "prob_true"}


def test_six_way_nan_probability(tmp_path, ratings, liar_six_way_project):
    frame = ratings.astype({"prob_half-true": object})
    frame.loc[4, "prob_half-true"] = float("nan")
    found = only_code(write(tmp_path, frame), liar_six_way_project, "nan_value")
    assert found[0].row == 5 and found[0].column == "prob_half-true"
