"""The three reference models for a case made of one table, built from the roles of its columns.

A table's columns are numbers, categories, free text or datetimes (:class:`ColumnRoles`, as
the profile of ``casekit case new`` found them). :class:`TableBaselines` builds, for a
classification or a regression target:

* **trivial**: the training prior (classes) or the training mean (numbers);
* **linear**: one-hot categories, scaled numbers (missing values imputed and flagged), the
  TF-IDF of each text column (words and bigrams) and calendar parts of each datetime, into a
  logistic regression or a ridge regression (its penalty chosen by 3-fold cross-validation
  among :data:`~casekit.cases.table_features.RIDGE_ALPHAS`: with thousands of one-hot and TF-IDF columns, a fixed weak
  penalty overfits a few thousand rows);
* **lightgbm**: LightGBM over the raw numbers, the categories as categories (LightGBM splits
  them natively, with its smoothing for rare ones), the calendar parts, and each text column
  as the scores of a TF-IDF linear model on it, out of fold on the training rows (stacking:
  trees split poorly on thousands of sparse word columns, and a score learnt from a row's
  own target would be a leak). 200 trees of 15 leaves, on one thread: regularised for tables
  of a few thousand rows.

Each builder returns an unfitted scikit-learn estimator that takes the table's feature columns
(as ``casekit`` reads them from CSV: a missing cell may be NaN or an empty string) and the
target; the features are built by :mod:`casekit.cases.table_features`. A case declares
``TableBaselines(...)`` once and points its baselines at the methods, e.g.
``build="mycase:BASELINES.linear"``. Declaring it imports nothing heavy (``casekit list``
reads every case).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from casekit.cases.column_roles import ColumnRoles

TableTask = Literal["binary", "multiclass", "regression"]

@dataclass(frozen=True)
class TableBaselines:
    """The trivial, linear and LightGBM baselines of a ``task`` on tables with ``columns``."""

    task: TableTask
    columns: ColumnRoles

    @property
    def classification(self) -> bool:
        return self.task != "regression"

    def trivial(self) -> Any:
        """The training prior of each class (predicting the most frequent), or the training mean."""
        from sklearn.dummy import DummyClassifier, DummyRegressor

        return DummyClassifier(strategy="prior") if self.classification else DummyRegressor(strategy="mean")

    def linear(self) -> Any:
        """One-hot categories, scaled numbers, TF-IDF of text, calendar parts; a linear model."""
        from sklearn.linear_model import LogisticRegression, RidgeCV
        from sklearn.pipeline import Pipeline

        from casekit.cases.table_features import RIDGE_ALPHAS, linear_features

        model = LogisticRegression(C=1.0, max_iter=2000) if self.classification else RidgeCV(alphas=RIDGE_ALPHAS, cv=3)
        return Pipeline([("features", linear_features(self.columns)), ("model", model)])

    def lightgbm(self) -> Any:
        """LightGBM over numbers, native categories, calendar parts and out-of-fold text scores."""
        from sklearn.pipeline import Pipeline

        from casekit.cases.baseline_parts import lightgbm_classifier, lightgbm_regressor
        from casekit.cases.table_features import tree_features

        # Small trees and LightGBM's smoothing of rare categories: these tables have thousands
        # of rows, not millions (255 bins: the numbers are not TF-IDF weights).
        settings: dict[str, Any] = {"n_estimators": 200, "learning_rate": 0.05, "num_leaves": 15,
                                    "min_child_samples": 20, "colsample_bytree": 0.8, "max_bin": 255,
                                    "cat_smooth": 50.0, "min_data_per_group": 50, "cat_l2": 10.0}
        model = lightgbm_classifier(**settings) if self.classification else lightgbm_regressor(**settings)
        return Pipeline([("features", tree_features(self.columns, self.classification)), ("model", model)])
