"""Stage 2, features: turn a ticket table into a model-ready matrix."""

from __future__ import annotations

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

METADATA = ["channel", "product_area", "customer_plan", "priority"]


def ticket_text(tickets: pd.DataFrame) -> pd.Series:
    """Subject and body as one string per ticket."""
    return tickets["subject"].astype(str) + " \n " + tickets["body"].astype(str)


def present_metadata(tickets: pd.DataFrame) -> list[str]:
    """The metadata columns this data source has (real sources carry fewer)."""
    return [column for column in METADATA if column in tickets.columns]


def build_features() -> ColumnTransformer:
    """An unfitted transformer: word TF-IDF of subject and body, one-hot metadata."""
    text = make_pipeline(
        FunctionTransformer(ticket_text),
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
    )
    return ColumnTransformer(
        [
            ("text", text, ["subject", "body"]),
            ("metadata", OneHotEncoder(handle_unknown="ignore"), present_metadata),
        ]
    )
