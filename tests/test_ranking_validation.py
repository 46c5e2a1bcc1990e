"""Ranking submissions: one test per kind of fault, each located by file, row, user and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import casekit

from casekit.public import validate_predictions

USER, ITEM, RANK = "user_id", "item_id", "rank"


@pytest.fixture(scope="module")
def valid(movielens_project) -> pd.DataFrame:
    """A valid submission: the sample's ten most popular items for every test user."""
    return pd.read_csv(movielens_project / "data" / "sample_submission.csv", dtype={USER: str, ITEM: str})


@pytest.fixture(scope="module")
def catalogue(movielens_project) -> list[str]:
    return pd.read_csv(movielens_project / "data" / "items.csv", dtype={ITEM: str})[ITEM].tolist()


def write(tmp_path: Path, frame: pd.DataFrame, name: str = "predictions.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def problems(tmp_path: Path, frame: pd.DataFrame, project: Path) -> list:
    return validate_predictions(write(tmp_path, frame), project).problems


def only_code(found: list, code: str) -> list:
    assert {p.code for p in found} == {code}, [p.message for p in found]
    return found


def test_the_sample_submission_is_valid(tmp_path, valid, movielens_project):
    report = validate_predictions(write(tmp_path, valid), movielens_project)
    assert report.ok, report.summary()
    assert report.rows == len(valid)


def test_test_users_without_a_list_are_allowed(tmp_path, valid, movielens_project):
    first = valid[USER].iloc[0]
    assert validate_predictions(write(tmp_path, valid[valid[USER] != first]), movielens_project).ok


def test_lists_may_be_up_to_a_hundred_items_long(tmp_path, valid, catalogue, movielens_project):
    user = valid[USER].iloc[0]
    long = pd.DataFrame({USER: user, ITEM: catalogue[:100], RANK: range(1, 101)})
    assert validate_predictions(write(tmp_path, long), movielens_project).ok


def test_a_missing_rank_column(tmp_path, valid, movielens_project):
    found = only_code(problems(tmp_path, valid[[USER, ITEM]], movielens_project), "missing_columns")
    assert "'rank'" in found[0].message


def test_a_user_who_is_not_a_test_user(tmp_path, valid, movielens_project):
    stranger = pd.DataFrame({USER: ["no-such-user"], ITEM: [valid[ITEM].iloc[0]], RANK: [1]})
    frame = pd.concat([valid, stranger], ignore_index=True)
    found = only_code(problems(tmp_path, frame, movielens_project), "unknown_id")
    row = len(valid) + 1
    assert found[0].row == row and found[0].column == USER
    assert f"predictions.csv: row {row}" in found[0].message and "'no-such-user' is not a test user" in found[0].message


def test_an_empty_user(tmp_path, valid, movielens_project):
    frame = valid.copy()
    frame.loc[0, USER] = ""
    codes = {p.code for p in problems(tmp_path, frame, movielens_project)}
    assert "empty_id" in codes


def test_lists_for_users_of_another_instance_are_named_as_such(tmp_path, valid, movielens_project):
    frame = valid.assign(**{USER: "U-" + valid[USER]})
    found = problems(tmp_path, frame, movielens_project)
    assert found[0].code == "wrong_instance" and "another instance" in found[0].message
    assert {p.code for p in found} == {"wrong_instance", "unknown_id"}


def test_an_item_that_is_not_in_the_catalogue(tmp_path, valid, movielens_project):
    frame = valid.copy()
    frame.loc[12, ITEM] = "999999999"
    found = only_code(problems(tmp_path, frame, movielens_project), "unknown_item")
    assert found[0].row == 13 and found[0].column == ITEM and found[0].id == valid[USER].iloc[12]
    assert f"row 13 (user '{valid[USER].iloc[12]}'), column 'item_id'" in found[0].message
    assert "'999999999' is not in the catalogue" in found[0].message


def test_an_empty_item(tmp_path, valid, movielens_project):
    frame = valid.copy()
    frame.loc[2, ITEM] = ""
    only_code(problems(tmp_path, frame, movielens_project), "empty_item")


def test_the_same_item_twice_in_one_list(tmp_path, valid, movielens_project):
    frame = valid.copy()
    frame.loc[1, ITEM] = frame.loc[0, ITEM]
    found = only_code(problems(tmp_path, frame, movielens_project), "duplicate_item")
    assert found[0].row == 2 and "already in this user's list" in found[0].message


def test_the_same_item_for_two_users_is_fine(tmp_path, valid, movielens_project):
    assert valid.groupby(ITEM)[USER].nunique().max() > 1
    assert validate_predictions(write(tmp_path, valid), movielens_project).ok


@pytest.mark.parametrize("rank", ["first", "1.5", "", "NaN", "inf", "1e400", "0x5"])
def test_a_rank_that_is_not_a_whole_number(tmp_path, valid, movielens_project, rank):
    frame = valid.astype({RANK: object})
    frame.loc[4, RANK] = rank
    codes = {p.code for p in problems(tmp_path, frame, movielens_project)}
    # The list then also lacks its rank 5.
    assert codes == {"rank_not_an_integer", "missing_rank"}


def test_booleans_are_not_ranks(tmp_path, valid, movielens_project):
    user = valid[USER].iloc[0]
    frame = pd.DataFrame({USER: [user, user], ITEM: valid[ITEM].iloc[:2].to_numpy(), RANK: ["True", "False"]})
    found = problems(tmp_path, frame, movielens_project)
    assert {p.code for p in found} == {"rank_not_an_integer"} and len(found) == 2


def test_ranks_written_as_decimals_are_read_as_whole_numbers(tmp_path, valid, movielens_project):
    frame = valid.astype({RANK: object})
    frame[RANK] = frame[RANK].map(lambda rank: f"{rank}.0")
    assert validate_predictions(write(tmp_path, frame), movielens_project).ok


@pytest.mark.parametrize("rank", [0, -3])
def test_a_rank_below_one(tmp_path, valid, movielens_project, rank):
    frame = valid.copy()
    frame.loc[0, RANK] = rank
    found = problems(tmp_path, frame, movielens_project)
    below = [p for p in found if p.code == "rank_out_of_range"]
    assert below[0].row == 1 and f"rank {rank} is below 1" in below[0].message
    assert {p.code for p in found} == {"rank_out_of_range", "missing_rank"}


def test_an_integer_id_written_as_a_decimal_is_unknown_with_a_hint(tmp_path, valid, movielens_project):
    # MovieLens items keep their integer ids (users get fresh ones): a float column writes 17 as 17.0.
    frame = valid.copy()
    written = f"{frame.loc[3, ITEM]}.0"
    frame.loc[3, ITEM] = written
    found = [p for p in problems(tmp_path, frame, movielens_project) if p.code == "unknown_item"]
    assert found[0].row == 4 and found[0].column == ITEM
    assert f"write '{valid.loc[3, ITEM]}', not '{written}'" in found[0].message


def test_a_rank_beyond_a_hundred(tmp_path, valid, movielens_project):
    frame = valid.copy()
    frame.loc[9, RANK] = 101
    found = problems(tmp_path, frame, movielens_project)
    beyond = [p for p in found if p.code == "rank_beyond_k"]
    assert beyond[0].row == 10 and "beyond 100" in beyond[0].message


def test_a_repeated_rank(tmp_path, valid, movielens_project):
    frame = valid.copy()
    frame.loc[1, RANK] = 1
    found = problems(tmp_path, frame, movielens_project)
    repeated = [p for p in found if p.code == "duplicate_rank"]
    assert repeated[0].row == 2 and "rank 1 is already taken" in repeated[0].message
    assert {p.code for p in found} == {"duplicate_rank", "missing_rank"}


def test_a_gap_in_the_ranks(tmp_path, valid, movielens_project):
    user = valid[USER].iloc[0]
    frame = valid[~((valid[USER] == user) & valid[RANK].isin([3, 4]))]
    found = only_code(problems(tmp_path, frame, movielens_project), "missing_rank")
    assert found[0].id == user and found[0].column == RANK
    assert f"user_id '{user}'" in found[0].message and "rank(s) 3, 4 are missing" in found[0].message


def test_many_faults_are_summarised_not_listed_one_by_one(tmp_path, valid, movielens_project):
    frame = valid.copy()
    frame[ITEM] = "not-an-item"
    found = problems(tmp_path, frame, movielens_project)
    unknown = [p for p in found if p.code == "unknown_item"]
    assert len(unknown) == 6 and f"{len(valid) - 5:,} more row(s)" in unknown[-1].message


def test_a_missing_list_scores_zero_for_that_user(valid, movielens_instance):
    task, labels = movielens_instance.task, movielens_instance.labels
    truth = movielens_instance.truth
    absent = truth.ids[0]
    lists = task.decode(valid[valid[USER] != absent], labels, truth.ids)
    # One resample holding the first user alone: that user's own values.
    values = task.resampled_metrics(truth, lists, {"ndcg_at_10", "recall_at_50", "mrr", "long_tail_share_at_10"})(
        np.eye(1, truth.n_units))
    assert not lists.listed[0] and lists.listed[1:].all()
    assert all(values[name][0] == 0 for name in ("ndcg_at_10", "recall_at_50", "mrr"))
    assert np.isnan(values["long_tail_share_at_10"][0])
    assert task.notes(truth, lists) == [f"1 of {truth.n_units:,} test users have no list in the submission; "
                                           "they score 0 on every metric."]


def test_evaluate_lists_every_fault_and_exits_1_without_a_traceback(tmp_path, valid, movielens_project):
    frame = valid.copy()
    frame.loc[0, USER] = "stranger"
    frame.loc[5, ITEM] = "nope"
    frame.loc[7, RANK] = 300
    result = casekit("evaluate", movielens_project, "--submission", write(tmp_path, frame), "--no-track")
    assert result.returncode == 1
    for words in ("'stranger' is not a test user", "'nope' is not in the catalogue", "rank 300 is beyond 100"):
        assert words in result.stderr
    assert "predictions.csv" in result.stderr and "Traceback" not in result.stderr
