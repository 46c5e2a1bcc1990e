"""Parts that cases' baselines share: a column selector for sources with different columns, and
LightGBM set up to train on one thread.

Cases differ in their features and their models' sizes; what is the same everywhere lives here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from lightgbm import LGBMClassifier, LGBMRegressor


class PresentColumns:
    """Column selector for the columns of ``names`` that a table has (real sources carry fewer
    columns than the synthetic one)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def __call__(self, frame: pd.DataFrame) -> list[str]:
        return [name for name in self.names if name in frame.columns]


def lightgbm_classifier(**params: Any) -> LGBMClassifier:
    """A LightGBM classifier for text and metadata features (63 bins, row and column sampling),
    with ``params`` overriding its defaults.

    It trains on one thread: LightGBM's OpenMP threads spin-wait, and with another busy process
    on a small machine (a parallel test run, a second evaluation) a 10 s fit took 11 minutes.
    """
    defaults: dict[str, Any] = {"num_leaves": 31, "max_bin": 63, "subsample": 0.8, "subsample_freq": 1,
                                "reg_lambda": 1.0, "random_state": 0}
    return LGBMClassifier(**{**defaults, **params, "n_jobs": 1, "verbose": -1})


def lightgbm_regressor(**params: Any) -> LGBMRegressor:
    """A LightGBM regressor with the classifier's defaults and its one thread (see
    :func:`lightgbm_classifier`), ``params`` overriding them."""
    defaults: dict[str, Any] = {"num_leaves": 31, "max_bin": 63, "subsample": 0.8, "subsample_freq": 1,
                                "reg_lambda": 1.0, "random_state": 0}
    return LGBMRegressor(**{**defaults, **params, "n_jobs": 1, "verbose": -1})
