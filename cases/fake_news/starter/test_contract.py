{%- set liar = cookiecutter.source.startswith("liar") -%}
{%- set row = 'statement' if liar else 'post' -%}
"""Contract tests: each stage keeps its promise to the next one.

They run every stage on a small sample, so they are quick; ``make run`` does the real thing.
A stage that is not implemented yet fails with a message naming the file to fill in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import features, ingest, predict, train

ID, TARGET = "{{ row }}_id", "label"
SAMPLE_ROWS = 1200


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
def rows(data_dir) -> pd.DataFrame:
    return run_stage("ingest", ingest.load_train, data_dir)


@pytest.fixture(scope="session")
def test_rows(data_dir) -> pd.DataFrame:
    return run_stage("ingest", ingest.load_test, data_dir)


@pytest.fixture(scope="session")
def sample(rows) -> pd.DataFrame:
    # Every label appears in the sample, so every stage sees the full label set.
    per_class = max(1, SAMPLE_ROWS // rows[TARGET].nunique())
    return rows.groupby(TARGET, group_keys=False).head(per_class).reset_index(drop=True)


@pytest.fixture(scope="session")
def model(sample):
    return run_stage("train", train.train_model, sample)


def test_ingest_reads_every_training_{{ row }}_with_its_label(data_dir, rows):
    raw = pd.read_csv(data_dir / "train.csv", usecols=[ID])
    assert isinstance(rows, pd.DataFrame)
    assert len(rows) == len(raw)
    assert {ID, TARGET} <= set(rows.columns)
    assert rows[TARGET].notna().all()


def test_ingest_reads_the_test_{{ row }}s_without_labels(data_dir, test_rows):
    raw = pd.read_csv(data_dir / "test.csv", usecols=[ID])
    assert len(test_rows) == len(raw)
    assert TARGET not in test_rows.columns
    assert test_rows[ID].astype(str).tolist() == raw[ID].astype(str).tolist()


def test_features_give_one_row_per_{{ row }}(sample):
    transformer = run_stage("features", features.build_features)
    matrix = run_stage("features", transformer.fit_transform, sample.drop(columns=[TARGET]), sample[TARGET])
    assert matrix.shape[0] == len(sample)


def test_train_returns_a_model_with_one_probability_per_label(model, sample):
    probabilities = run_stage("train", model.predict_proba, sample.drop(columns=[TARGET]).head(20))
    assert set(model.classes_) == set(sample[TARGET])
    assert probabilities.shape == (20, len(model.classes_))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_predict_writes_a_valid_submission_for_the_test_set(model, test_rows, project_dir):
    from evaluator import validate_predictions

    submission = run_stage("predict", predict.predict, model, test_rows)
    report = validate_predictions(submission, project_dir)
    assert report.ok, report.summary()


def test_predict_keeps_the_test_ids(model, test_rows):
    submission = run_stage("predict", predict.predict, model, test_rows)
    assert sorted(submission[ID].astype(str)) == sorted(test_rows[ID].astype(str))
{%- if cookiecutter.source != "liar-6way" %}


def test_the_declared_threshold_is_a_probability():
    from {{ cookiecutter.package_name }}.pipeline import DECISION

    assert set(DECISION) == {"threshold"} and 0.0 <= DECISION["threshold"] <= 1.0
{%- endif %}
