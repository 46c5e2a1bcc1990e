{%- set grouped = cookiecutter.__sample_group != "" -%}
"""The local hold-out: part of train set aside the way the test set was, so that ``make run``
scores the pipeline on data it did not fit before anything is submitted.

Provided with the project; change it if you validate differently (and say why in DESIGN.md).
"""

from __future__ import annotations

import pandas as pd
{%- if not cookiecutter.__time_column and cookiecutter.__stratify %}
from sklearn.model_selection import train_test_split
{%- endif %}

from {{ cookiecutter.package_name }} import config

FRACTION = 0.2
SEED = 0


def split(data: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], pd.DataFrame]:
    """Split ``data`` into what to fit on, what to predict, and the answers to score with.

    The first two hold the same tables as ``data``: the fitted part of ``train``, and (to
    predict) its held-out part in place of ``test``, without the target. The answers hold
    ``config.ID`` and ``config.TARGET`` for the held-out part.
    """
    train = data["train"]
{%- if cookiecutter.__split_group %}
    # Each {{ cookiecutter.__split_group }} is a test unit held out whole, with its rows{% if cookiecutter.__time_column %}: the latest FRACTION of them
    # by time, as the test set was{% endif %}. The answers are the held-out rows with every column (those train
    # has and test lacks are what is scored); the rows to predict lose those columns.
    group = "{{ cookiecutter.__split_group }}"
{%- if cookiecutter.__time_column %}
    groups = train.groupby(group, sort=False)[config.TIME_COLUMN].min().sort_values(kind="stable").index
    later_groups = groups[len(groups) - max(1, round(len(groups) * FRACTION)):]
{%- else %}
    groups = pd.Series(train[group].unique())
    later_groups = groups.sample(max(1, round(len(groups) * FRACTION)), random_state=SEED)
{%- endif %}
    later = train[train[group].isin(later_groups)]
    earlier = train.drop(index=later.index)
    answered = [column for column in train.columns if column not in data["test"].columns]
    fit = {**data, "train": earlier.reset_index(drop=True)}
    answers = later.reset_index(drop=True)
    return fit, {**fit, "test": answers.drop(columns=answered)}, answers
{%- else %}
{%- if cookiecutter.__time_column %}
    # The test set is later than train, so the held-out part is the latest FRACTION of train.
    ordered = train.sort_values(config.TIME_COLUMN, kind="stable")
    cut = round(len(ordered) * (1 - FRACTION))
    earlier, later = ordered.iloc[:cut], ordered.iloc[cut:]
{%- elif cookiecutter.__stratify %}
    # The test set was drawn at random, stratified by the target: so is the held-out part.
    earlier, later = train_test_split(train, test_size=FRACTION, stratify=train[config.TARGET], random_state=SEED)
{%- else %}
    later = train.sample(frac=FRACTION, random_state=SEED)
    earlier = train.drop(index=later.index)
{%- endif %}
    fit = {**data, "train": earlier.reset_index(drop=True)}
{%- if grouped %}
    # Each held-out {{ cookiecutter.__id_column }} is a test unit; its held-out {{ cookiecutter.__target }} values are the answers.
    answers = later[[config.ID, config.TARGET]].drop_duplicates().reset_index(drop=True)
    held_out = pd.DataFrame({config.ID: answers[config.ID].unique()})
{%- else %}
    answers = later[[config.ID, config.TARGET]].reset_index(drop=True)
    held_out = later.drop(columns=[config.TARGET]).reset_index(drop=True)
{%- endif %}
    return fit, {**fit, "test": held_out}, answers
{%- endif %}
