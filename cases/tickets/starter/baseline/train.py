"""Stage 3, train: fit a model on labelled tickets."""

from __future__ import annotations

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import config
from {{ cookiecutter.package_name }}.features import build_features


def train_model(data: dict[str, pd.DataFrame]) -> Pipeline:
    """Fit features and a logistic regression on the training tickets (which hold the ``category``)."""
    tickets = data["train"]
    model = Pipeline([("features", build_features()), ("classifier", LogisticRegression(C=4.0, max_iter=2000))])
    return model.fit(tickets.drop(columns=[config.TARGET]), tickets[config.TARGET])
