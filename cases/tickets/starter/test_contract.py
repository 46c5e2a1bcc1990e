"""Contract tests: each stage keeps its promise to the next one.

They run every stage on a small sample, so they are quick; ``make run`` does the real thing.
A stage that is not implemented yet fails with a message naming the file to fill in.
"""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import features, ingest, predict, train

ID, TARGET = "ticket_id", "category"
SAMPLE_ROWS = 800


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
def tickets(data_dir) -> pd.DataFrame:
    return run_stage("ingest", ingest.load_train, data_dir)


@pytest.fixture(scope="session")
def test_tickets(data_dir) -> pd.DataFrame:
    return run_stage("ingest", ingest.load_test, data_dir)


@pytest.fixture(scope="session")
def sample(tickets) -> pd.DataFrame:
    # Every category appears in the sample, so every stage sees the full label set.
    per_class = max(1, SAMPLE_ROWS // tickets[TARGET].nunique())
    return tickets.groupby(TARGET, group_keys=False).head(per_class).reset_index(drop=True)


@pytest.fixture(scope="session")
def model(sample):
    return run_stage("train", train.train_model, sample)


def test_ingest_reads_every_training_ticket_with_its_label(data_dir, tickets):
    raw = pd.read_csv(data_dir / "train.csv", usecols=[ID])
    assert isinstance(tickets, pd.DataFrame)
    assert len(tickets) == len(raw)
    assert {ID, TARGET, "subject", "body"} <= set(tickets.columns)
    assert tickets[TARGET].notna().all()


def test_ingest_reads_the_test_tickets_without_labels(data_dir, test_tickets):
    raw = pd.read_csv(data_dir / "test.csv", usecols=[ID])
    assert len(test_tickets) == len(raw)
    assert TARGET not in test_tickets.columns
    assert test_tickets[ID].astype(str).tolist() == raw[ID].astype(str).tolist()


def test_features_give_one_row_per_ticket(sample):
    transformer = run_stage("features", features.build_features)
    matrix = run_stage("features", transformer.fit_transform, sample.drop(columns=[TARGET]), sample[TARGET])
    assert matrix.shape[0] == len(sample)


def test_train_returns_a_model_that_predicts_known_categories(model, sample):
    predicted = run_stage("train", model.predict, sample.drop(columns=[TARGET]).head(20))
    assert set(predicted) <= set(sample[TARGET])


def test_predict_writes_a_valid_submission_for_the_test_set(model, test_tickets, project_dir):
    from evaluator import validate_predictions

    submission = run_stage("predict", predict.predict, model, test_tickets)
    report = validate_predictions(submission, project_dir)
    assert report.ok, report.summary()


def test_predict_keeps_the_test_ids(model, test_tickets):
    submission = run_stage("predict", predict.predict, model, test_tickets)
    assert sorted(submission[ID].astype(str)) == sorted(test_tickets[ID].astype(str))
