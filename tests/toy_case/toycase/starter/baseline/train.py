"""Stage 3, train: a logistic regression on the scaled readings."""

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import config
from {{ cookiecutter.package_name }}.features import SENSORS, build_features


def train_model(data: dict[str, pd.DataFrame]) -> Pipeline:
    train = data["train"]
    model = Pipeline([("features", build_features()), ("classifier", LogisticRegression(max_iter=1000))])
    return model.fit(train[SENSORS], train[config.TARGET])
