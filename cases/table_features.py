"""The features of a table's baselines, by the roles of its columns (see :mod:`casekit.cases.table_baselines`).

Every transformer takes columns as ``casekit`` reads them from CSV, where a missing cell may be
NaN or an empty string, and a column of categories may have been read as numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from casekit.cases.column_roles import ColumnRoles

# The ridge penalties RidgeCV chooses among by cross-validation (see casekit.cases.table_baselines).
RIDGE_ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)
MISSING = "(missing)"


def linear_features(columns: ColumnRoles) -> ColumnTransformer:
    """The linear model's features: scaled numbers with missing flags, one-hot categories,
    word and bigram TF-IDF per text column, scaled calendar parts."""
    parts: list[tuple[str, Any, Any]] = []
    if columns.numeric:
        scaled = make_pipeline(FunctionTransformer(numbers),
                               SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                               StandardScaler())
        parts.append(("numeric", scaled, list(columns.numeric)))
    if columns.categorical:
        one_hot = make_pipeline(FunctionTransformer(categories),
                                OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=3))
        parts.append(("categorical", one_hot, list(columns.categorical)))
    for column in columns.text:
        words = make_pipeline(FunctionTransformer(text),
                              TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=50_000, sublinear_tf=True))
        parts.append((f"text_{column}", words, column))
    if columns.datetime:
        dates = make_pipeline(FunctionTransformer(calendar), SimpleImputer(strategy="median", keep_empty_features=True),
                              StandardScaler())
        parts.append(("datetime", dates, list(columns.datetime)))
    return ColumnTransformer(parts, sparse_threshold=1.0)


def tree_features(columns: ColumnRoles, classification: bool) -> ColumnTransformer:
    """LightGBM's features, as a DataFrame: raw numbers, categories as pandas categoricals,
    each text column's out-of-fold scores, calendar parts."""
    parts: list[tuple[str, Any, Any]] = []
    if columns.numeric:
        parts.append(("numeric", FunctionTransformer(number_frame, feature_names_out="one-to-one"),
                      list(columns.numeric)))
    if columns.categorical:
        parts.append(("categorical", CategoryCodes(), list(columns.categorical)))
    parts.extend((f"text_{column}", OutOfFoldScores(classification), [column]) for column in columns.text)
    if columns.datetime:
        parts.append(("datetime", FunctionTransformer(calendar_frame, feature_names_out=calendar_names),
                      list(columns.datetime)))
    return ColumnTransformer(parts, verbose_feature_names_out=True).set_output(transform="pandas")


def _text_model(classification: bool) -> Any:
    """Word and bigram TF-IDF into the linear baseline's model (a text column's own linear baseline)."""
    model = LogisticRegression(C=1.0, max_iter=2000) if classification else RidgeCV(alphas=RIDGE_ALPHAS, cv=3)
    return make_pipeline(FunctionTransformer(text), TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                         model)


class CategoryCodes(TransformerMixin, BaseEstimator):
    """Category columns as pandas categoricals, whose categories are those seen in ``fit``
    (an unseen or missing value is NaN); LightGBM splits such columns natively."""

    def fit(self, frame: pd.DataFrame, y: Any = None) -> CategoryCodes:
        self.categories_ = {column: sorted(set(category_text(frame[column])) - {MISSING}) for column in frame.columns}
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({column: pd.Categorical(category_text(frame[column]), categories=categories)
                             for column, categories in self.categories_.items()}, index=frame.index)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(list(self.categories_), dtype=object)


class OutOfFoldScores(TransformerMixin, BaseEstimator):
    """One text column as the scores of a TF-IDF linear model on it: the probability of each
    class but the first (classification) or the predicted value (regression).

    ``fit_transform`` gives each training row the score of a model that did not see it (five
    folds), so the scores LightGBM learns from are as good as they will be on new rows;
    ``transform`` gives new rows the score of the model fitted on every training row.
    """

    def __init__(self, classification: bool = True, folds: int = 5) -> None:
        self.classification = classification
        self.folds = folds

    def fit(self, frame: pd.DataFrame, y: Any) -> OutOfFoldScores:
        self.fit_transform(frame, y)
        return self

    def fit_transform(self, frame: pd.DataFrame, y: Any = None, **fit_params: Any) -> pd.DataFrame:
        column, target = frame.iloc[:, 0], np.asarray(y)
        self.column_ = str(frame.columns[0])
        if self.classification:
            smallest = int(np.unique(target, return_counts=True)[1].min())
            folds = StratifiedKFold(max(2, min(self.folds, smallest)), shuffle=True, random_state=0)
            scores = cross_val_predict(_text_model(True), column, target, cv=folds, method="predict_proba")
        else:
            folds = KFold(self.folds, shuffle=True, random_state=0)
            scores = cross_val_predict(_text_model(False), column, target, cv=folds)
        self.model_ = _text_model(self.classification).fit(column, target)
        return self._frame(scores, frame.index)

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        column = frame.iloc[:, 0]
        scores = self.model_.predict_proba(column) if self.classification else self.model_.predict(column)
        return self._frame(scores, frame.index)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        if not self.classification:
            return np.asarray([f"{self.column_}_score"], dtype=object)
        classes = self.model_.classes_[1:]
        return np.asarray([f"{self.column_}_p_{label}" for label in classes], dtype=object)

    def _frame(self, scores: np.ndarray, index: pd.Index) -> pd.DataFrame:
        values = scores[:, 1:] if self.classification else scores.reshape(-1, 1)
        return pd.DataFrame(values, index=index, columns=list(self.get_feature_names_out()))


def number_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns as floats, in a DataFrame (see :func:`numbers`)."""
    return pd.DataFrame(numbers(frame), index=frame.index, columns=list(frame.columns))


def calendar_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The calendar parts (see :func:`calendar`), in a DataFrame."""
    return pd.DataFrame(calendar(frame), index=frame.index, columns=calendar_names(None, list(frame.columns)))


def calendar_names(transformer: Any, columns: Any) -> list[str]:
    """The names of the calendar parts of ``columns``."""
    return [f"{column}_{part}" for column in columns for part in ("days", "month", "weekday", "hour")]


def numbers(frame: pd.DataFrame) -> np.ndarray:
    """Numeric columns as floats; empty or unreadable cells are NaN."""
    return np.column_stack([pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
                            for column in frame.columns])


def categories(frame: pd.DataFrame) -> np.ndarray:
    """Category columns as text, the same whether a CSV reader made them numbers or not
    (``3``, ``3.0`` and ``"3"`` are one category), missing values as one category of their own."""

    return np.column_stack([category_text(frame[column]).to_numpy(dtype=object) for column in frame.columns])


def category_text(values: pd.Series) -> pd.Series:
    """One column of categories as text (see :func:`categories`).

    Examples
    --------
    >>> import pandas as pd
    >>> category_text(pd.Series([3.0, None, 12.0])).tolist(), category_text(pd.Series(["a", "", None])).tolist()
    (['3', '(missing)', '12'], ['a', '(missing)', '(missing)'])
    """

    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numeric = values.astype(float)
        whole = numeric.notna() & (numeric == numeric.round())
        text = numeric.map(repr).astype(object)
        text[whole] = numeric[whole].astype("int64").astype(str)
        return text.where(numeric.notna(), MISSING)
    text = values.astype(object).where(values.notna(), MISSING).astype(str)
    return text.where(text.str.strip() != "", MISSING)


def text(values: pd.Series) -> pd.Series:
    """A text column with missing cells as empty strings."""
    return values.astype(object).where(values.notna(), "").astype(str)


def calendar(frame: pd.DataFrame) -> np.ndarray:
    """Each datetime column as days since 1970, month, day of the week and hour (NaN if unreadable)."""
    parts = []
    for column in frame.columns:
        moments = pd.to_datetime(frame[column], errors="coerce", utc=True, format="mixed")
        days = (moments - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(days=1)
        parts += [days.to_numpy(dtype=float), moments.dt.month.to_numpy(dtype=float),
                  moments.dt.dayofweek.to_numpy(dtype=float), moments.dt.hour.to_numpy(dtype=float)]
    return np.column_stack(parts)
