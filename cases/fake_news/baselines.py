"""Reference models for fake-news detection, from trivial to strong.

Each builder returns an unfitted scikit-learn estimator that takes a post or statement table
(every column but the id and the target) and predicts the label, with ``predict_proba``. The
same builders serve the synthetic posts and LIAR: they use whichever of the known columns a
table has (posts have a title and text, a domain and a share count; LIAR statements have a
statement, a speaker, a party and a credit history).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from casekit.cases.baseline_parts import PresentColumns, lightgbm_classifier

TEXT_COLUMNS = ["title", "text", "statement"]
CATEGORICAL_COLUMNS = ["domain", "author", "topic", "speaker", "speaker_job", "state", "party", "context"]
COUNT_COLUMNS = ["share_count", "barely_true_counts", "false_counts", "half_true_counts", "mostly_true_counts",
                 "pants_on_fire_counts"]
TAG_COLUMN = "subject"


class OptionalColumn:
    """Column selector for one column as a 1-D input (what a vectorizer takes), if a table has it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, frame: pd.DataFrame) -> str | list[str]:
        return self.name if self.name in frame.columns else []


def post_text(frame: pd.DataFrame) -> pd.Series:
    """The text columns a table has, as one string per row (missing parts count as empty)."""
    present = PresentColumns(TEXT_COLUMNS)(frame)
    return frame[present].fillna("").astype(str).agg(" \n ".join, axis=1)


def log_counts(frame: pd.DataFrame) -> np.ndarray:
    """``log(1 + count)``: shares and credit histories span orders of magnitude."""
    return np.log1p(frame.to_numpy(dtype=float))


def calendar_features(frame: pd.DataFrame) -> np.ndarray:
    """Hour and weekday of ``published_at``: newsrooms keep office hours, hoax sites do not."""
    published = pd.to_datetime(frame["published_at"], utc=True, errors="coerce")
    return np.column_stack([published.dt.hour, published.dt.day_of_week]).astype(float)


def split_tags(cell: str) -> list[str]:
    """LIAR's comma-separated subjects as a list of tags."""
    return [tag.strip() for tag in cell.split(",") if tag.strip()]


def prior() -> DummyClassifier:
    """The training share of each class as every row's probability."""
    return DummyClassifier(strategy="prior")


def tfidf_logreg() -> Pipeline:
    """TF-IDF of the text (words and bigrams) into a logistic regression."""
    return make_pipeline(
        FunctionTransformer(post_text),
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=100_000, sublinear_tf=True),
        # newton-cg, not lbfgs: on LIAR's six ratings lbfgs takes about a hundred iterations
        # (20 s) to the optimum that newton-cg reaches in four (2 s).
        LogisticRegression(C=2.0, solver="newton-cg", max_iter=2000),
    )


def lightgbm() -> Pipeline:
    """LightGBM on the text's 5,000 most frequent words and bigrams (TF-IDF), plus the metadata:
    source, author, topic, shares and calendar for posts; speaker, party, subjects and credit
    history for LIAR."""
    features = ColumnTransformer(
        [
            (
                "text",
                make_pipeline(
                    FunctionTransformer(post_text),
                    # The sparse TF-IDF itself, not an SVD of it: 100 components lose the words
                    # that tell a claim from a report, and the strong baseline fell below a
                    # logistic regression over the same metadata (0.91 against 0.93 ROC-AUC).
                    TfidfVectorizer(ngram_range=(1, 2), min_df=3, max_features=5_000, sublinear_tf=True),
                ),
                PresentColumns(TEXT_COLUMNS),
            ),
            (
                "categories",
                OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5),
                PresentColumns(CATEGORICAL_COLUMNS),
            ),
            ("counts", FunctionTransformer(log_counts), PresentColumns(COUNT_COLUMNS)),
            ("calendar", FunctionTransformer(calendar_features), PresentColumns(["published_at"])),
            ("subjects", CountVectorizer(tokenizer=split_tags, token_pattern=None, lowercase=False, min_df=5,
                                         binary=True), OptionalColumn(TAG_COLUMN)),
        ],
        sparse_threshold=1.0,
    )
    model = lightgbm_classifier(n_estimators=200, learning_rate=0.07, min_child_samples=20, colsample_bytree=0.5)
    return Pipeline([("features", features), ("model", model)])
