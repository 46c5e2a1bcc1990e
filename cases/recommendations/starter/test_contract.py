"""Contract tests: each stage keeps its promise to the next one.

They run every stage on a sample of users, so they are quick; ``make run`` does the real
thing. A stage that is not implemented yet fails with a message naming the file to fill in.
"""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import features, ingest, predict, train

SAMPLE_USERS = 600
LIST_LENGTH = 20


def run_stage(stage: str, function, *args):
    try:
        return function(*args)
    except NotImplementedError as error:
        pytest.fail(
            f"stage '{stage}' is not implemented yet: fill in "
            f"src/{{ cookiecutter.package_name }}/{stage}.py (look for TODO(candidate)): {error}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def events(data_dir) -> pd.DataFrame:
    return run_stage("ingest", ingest.load_events, data_dir)


@pytest.fixture(scope="session")
def items(data_dir) -> pd.DataFrame:
    return run_stage("ingest", ingest.load_items, data_dir)


@pytest.fixture(scope="session")
def test_users(data_dir) -> pd.Series:
    return run_stage("ingest", ingest.load_test_users, data_dir)["user_id"]


@pytest.fixture(scope="session")
def sample(events) -> pd.DataFrame:
    # Whole histories of some users: the time structure (and a recent period) stays intact.
    users = pd.Series(events["user_id"].unique()).sample(SAMPLE_USERS, random_state=0)
    return events[events["user_id"].isin(users)].reset_index(drop=True)


@pytest.fixture(scope="session")
def model(sample, items):
    return run_stage("train", train.train_model, sample, items)


def test_ingest_reads_every_interaction(data_dir, events):
    raw = pd.read_csv(data_dir / "train.csv", usecols=["user_id"])
    assert isinstance(events, pd.DataFrame) and len(events) == len(raw)
    assert {"user_id", "item_id", "timestamp", "weight"} <= set(events.columns)
    assert pd.api.types.is_datetime64_any_dtype(events["timestamp"])
    assert pd.api.types.is_numeric_dtype(events["weight"])


def test_ingest_reads_the_catalogue_and_the_test_users(data_dir, items, test_users):
    assert items["item_id"].is_unique
    raw = pd.read_csv(data_dir / "test.csv", dtype=str)
    assert test_users.astype(str).tolist() == raw["user_id"].tolist()


def test_candidates_cover_every_user_with_distinct_items(sample, items, test_users):
    users = pd.concat([pd.Series(sample["user_id"].unique()[:50]), test_users.head(50)], ignore_index=True)
    candidates = run_stage("features", features.generate_candidates, sample, users, LIST_LENGTH)
    assert not candidates.duplicated(["user_id", "item_id"]).any()
    assert set(candidates["user_id"]) == set(users)
    assert candidates.groupby("user_id").size().min() >= LIST_LENGTH
    assert set(candidates["item_id"]) <= set(items["item_id"])


def test_features_give_one_numeric_row_per_candidate(sample):
    users = pd.Series(sample["user_id"].unique()[:50])
    candidates = run_stage("features", features.generate_candidates, sample, users, LIST_LENGTH)
    matrix = run_stage("features", features.build_features, sample, candidates)
    assert len(matrix) == len(candidates)
    assert all(pd.api.types.is_numeric_dtype(dtype) for dtype in matrix.dtypes)


def test_predict_writes_a_valid_submission_for_the_test_users(model, test_users, project_dir):
    from evaluator import validate_predictions

    submission = run_stage("predict", predict.predict, model, test_users.head(200), LIST_LENGTH)
    report = validate_predictions(submission, project_dir)
    assert report.ok, report.summary()


def test_predict_ranks_k_distinct_items_per_user(model, test_users):
    users = test_users.head(200)
    submission = run_stage("predict", predict.predict, model, users, LIST_LENGTH)
    assert set(submission["user_id"]) == set(users)
    assert not submission.duplicated(["user_id", "item_id"]).any()
    for _, ranks in submission.groupby("user_id")["rank"]:
        assert sorted(ranks) == list(range(1, LIST_LENGTH + 1))
