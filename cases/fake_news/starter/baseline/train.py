{%- set liar = cookiecutter.source.startswith("liar") -%}
"""Stage 3, train: fit a model on labelled {{ 'statements' if liar else 'posts' }}."""

from __future__ import annotations

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.features import build_features

TARGET = "label"


def train_model(rows: pd.DataFrame) -> Pipeline:
    """Fit features and a logistic regression on ``rows`` (which hold the ``label``)."""
    model = Pipeline([("features", build_features()), ("classifier", LogisticRegression(C=2.0, max_iter=2000))])
    return model.fit(rows.drop(columns=[TARGET]), rows[TARGET])
