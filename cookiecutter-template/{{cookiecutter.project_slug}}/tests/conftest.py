{%- set grouped = cookiecutter.__sample_group != "" -%}
"""Shared fixtures: the issued data, a small sample of it, and a model trained on the sample."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import config

{%- if grouped %}
SAMPLE_GROUP = "{{ cookiecutter.__sample_group }}"
SAMPLE_GROUPS = 600
{%- else %}
SAMPLE_ROWS = 800
{%- endif %}


def run_stage(stage: str, function: str, *args: Any) -> Any:
    """Call ``function`` of the stage module ``stage``; a stage not written yet fails the test
    with a message naming the file to fill in."""
    module = import_module(f"{{ cookiecutter.package_name }}.{stage}")
    where = f"src/{{ cookiecutter.package_name }}/{stage}.py"
    if not hasattr(module, function):
        pytest.fail(f"stage '{stage}' is not implemented yet: {where} has no {function}() "
                    "(look for TODO(candidate))", pytrace=False)
    try:
        return getattr(module, function)(*args)
    except NotImplementedError as error:
        pytest.fail(f"stage '{stage}' is not implemented yet: fill in {where} (look for TODO(candidate)): {error}",
                    pytrace=False)


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return config.PROJECT


@pytest.fixture(scope="session")
def data() -> dict[str, pd.DataFrame]:
    if not (config.DATA_DIR / "train.csv").is_file():
        pytest.fail(f"{config.DATA_DIR} holds no data yet: create the project with 'casekit new', which writes the "
                    "data files")
    return run_stage("ingest", "load_data", config.DATA_DIR)


@pytest.fixture(scope="session")
def sample(data: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
{%- if grouped %}
    """The data with the training rows of a few {{ cookiecutter.__sample_group }} values, whole: their structure stays intact."""
    train = data["train"]
    groups = pd.Series(train[SAMPLE_GROUP].unique())
    kept = groups.sample(min(SAMPLE_GROUPS, len(groups)), random_state=0)
    train = train[train[SAMPLE_GROUP].isin(kept)]
{%- elif cookiecutter.__stratify %}
    """The data with a few training rows of every {{ cookiecutter.__stratify }}, so every stage sees every class."""
    train = data["train"]
    per_class = max(1, SAMPLE_ROWS // train["{{ cookiecutter.__stratify }}"].nunique())
    train = train.groupby("{{ cookiecutter.__stratify }}", group_keys=False).head(per_class)
{%- else %}
    """The data with a random sample of the training rows."""
    train = data["train"]
    train = train.sample(min(SAMPLE_ROWS, len(train)), random_state=0)
{%- endif %}
    return {**data, "train": train.reset_index(drop=True)}


@pytest.fixture(scope="session")
def split(data: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], pd.DataFrame]:
    return run_stage("holdout", "split", data)


@pytest.fixture(scope="session")
def model(sample: dict[str, pd.DataFrame]) -> Any:
    return run_stage("train", "train_model", sample)


@pytest.fixture(scope="session")
def submission(model: Any, sample: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return run_stage("predict", "predict", model, sample)
