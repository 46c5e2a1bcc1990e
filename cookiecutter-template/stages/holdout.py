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
