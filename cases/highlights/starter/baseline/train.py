"""Stage 3, train: learn the editors' mean importance of a segment."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from lightgbm import LGBMRegressor

from {{ cookiecutter.package_name }} import config
from {{ cookiecutter.package_name }}.features import build_features


@dataclass
class ImportanceModel:
    """What ``predict`` needs: the regressor and the feature columns it was fitted on."""

    regressor: LGBMRegressor
    columns: list[str]


def train_model(data: dict[str, pd.DataFrame]) -> ImportanceModel:
    """Fit LightGBM on the training segments' features to ``config.TARGET`` (the mean rating)."""
    train = data["train"]
    features = build_features(train)
    regressor = LGBMRegressor(n_estimators=100, learning_rate=0.05, num_leaves=31, min_child_samples=40,
                              random_state=0, n_jobs=1, verbose=-1)
    regressor.fit(features, train[config.TARGET].astype(float))
    return ImportanceModel(regressor, list(features.columns))
