"""Stage 2, features: what a row says, as one text, and a TF-IDF of it."""

from __future__ import annotations

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from {{ cookiecutter.package_name }} import config

# Everything known when the row is created, besides its id and time.
NOT_TEXT = {config.ID, config.TARGET, "opened_at", "mailbox"}


def row_text(rows: pd.DataFrame) -> pd.Series:
    """The row's text columns as one string (alerts, logs, deploys, the note; or an email's body)."""
    columns = [column for column in rows.columns if column not in NOT_TEXT]
    return rows[columns].fillna("").astype(str).agg("\n".join, axis=1)


def build_features() -> TfidfVectorizer:
    """An unfitted TF-IDF of words, versions and service names (``checkout-api``, ``v2.14.1`` stay whole)."""
    return TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=50_000, token_pattern=r"[A-Za-z0-9][\w.-]*")
