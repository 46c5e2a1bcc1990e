"""Stage 3, train: fit a model on labelled tickets."""

from __future__ import annotations

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.features import build_features

TARGET = "category"


def train_model(tickets: pd.DataFrame) -> Pipeline:
    """Fit features and a logistic regression on ``tickets`` (which hold the ``category``)."""
    model = Pipeline([("features", build_features()), ("classifier", LogisticRegression(C=4.0, max_iter=2000))])
    return model.fit(tickets.drop(columns=[TARGET]), tickets[TARGET])
