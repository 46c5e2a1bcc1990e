{%- set grouped = cookiecutter.__sample_group != "" -%}
{%- set decision = cookiecutter.__decision != "{}" -%}
{%- set answers = 'only_the_test_ids' if grouped else 'every_test_id_once' -%}
"""Contract tests: each stage keeps its promise to the next one.

They run every stage on a small sample of the training data, so they are quick; ``make run``
does the real thing. A stage that is not implemented yet fails with a message naming the file
to fill in. Tests particular to this case, if it has any, are in ``test_case.py``.
"""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }} import config


def test_ingest_reads_every_table_of_data(data):
    files = {path.stem: path for path in config.DATA_DIR.glob("*.csv") if path.stem != "sample_submission"}
    assert isinstance(data, dict) and set(data) == set(files)
    for name, table in data.items():
        assert isinstance(table, pd.DataFrame), name
        assert len(table) == len(pd.read_csv(files[name], usecols=[0])), f"{name}: one row per line of {name}.csv"


def test_ingest_keeps_the_test_ids_as_written_in_file_order(data):
    written = pd.read_csv(config.DATA_DIR / "test.csv", usecols=[config.ID], dtype=str, keep_default_na=False)
    assert data["test"][config.ID].astype(str).tolist() == written[config.ID].tolist()


def test_the_test_table_holds_no_target(data):
    assert config.TARGET not in data["test"].columns


def test_the_holdout_sets_part_of_train_aside_as_the_test_set_was(data, split):
    fit, held_out, answers = split
    assert set(fit) == set(held_out) == set(data)
    assert {config.ID, config.TARGET} <= set(answers.columns)
    assert config.TARGET not in held_out["test"].columns
    assert set(answers[config.ID]) <= set(held_out["test"][config.ID])
{%- if not grouped or cookiecutter.__split_group %}
    assert not set(held_out["test"][config.ID]) & set(fit["train"][config.ID]), "a held-out row is also fitted on"
{%- endif %}


def test_train_returns_a_model(model):
    assert model is not None


def test_predict_writes_a_valid_submission_for_the_test_set(submission, project_dir):
    from casekit import validate_predictions
{%- if decision %}

    from {{ cookiecutter.package_name }}.predict import DECISION

    report = validate_predictions(submission, project_dir, DECISION)
{%- else %}

    report = validate_predictions(submission, project_dir)
{%- endif %}
    assert report.ok, report.summary()


def test_predict_answers_{{ answers }}(submission, data):
    predicted = set(submission[config.ID].astype(str))
    expected = set(data["test"][config.ID].astype(str))
{%- if grouped %}
    assert predicted <= expected
{%- else %}
    assert predicted == expected and len(submission) == len(expected)
{%- endif %}
