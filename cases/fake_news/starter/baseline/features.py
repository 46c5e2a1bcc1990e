{%- set liar = cookiecutter.source.startswith("liar") -%}
"""Stage 2, features: turn a {{ 'statement' if liar else 'post' }} table into a model-ready matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

{% if liar -%}
TEXT = ["statement", "context"]
METADATA = ["party", "state", "speaker_job"]
COUNTS = ["barely_true_counts", "false_counts", "half_true_counts", "mostly_true_counts", "pants_on_fire_counts"]
{%- else -%}
TEXT = ["title", "text"]
METADATA = ["domain", "topic"]
COUNTS = ["share_count"]
{%- endif %}


def joined_text(rows: pd.DataFrame) -> pd.Series:
    """The text columns as one string per row."""
    return rows[TEXT].astype(str).agg(" \n ".join, axis=1)


def log_counts(counts: pd.DataFrame) -> np.ndarray:
    """``log(1 + count)``: counts span orders of magnitude."""
    return np.log1p(counts.to_numpy(dtype=float))
{% if not liar %}

def headline_style(rows: pd.DataFrame) -> np.ndarray:
    """Exclamation marks, question marks and the share of capital letters in the headline."""
    title = rows["title"].astype(str)
    letters = title.str.count(r"[A-Za-z]").clip(lower=1)
    return np.column_stack([title.str.count("!"), title.str.count(r"\?"), title.str.count(r"[A-Z]") / letters])
{%- endif %}


def build_features() -> ColumnTransformer:
    """An unfitted transformer: word TF-IDF of the text, one-hot metadata, scaled log counts{{ '' if liar else ', headline style' }}."""
    text = make_pipeline(
        FunctionTransformer(joined_text),
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
    )
    return ColumnTransformer(
        [
            ("text", text, TEXT),
            ("metadata", OneHotEncoder(handle_unknown="ignore"), METADATA),
            ("counts", make_pipeline(FunctionTransformer(log_counts), StandardScaler()), COUNTS),
{%- if not liar %}
            ("style", make_pipeline(FunctionTransformer(headline_style), StandardScaler()), ["title"]),
{%- endif %}
        ]
    )
