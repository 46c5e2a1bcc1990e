"""Stage 2, features: candidate generation, then the features the ranker sees."""

from __future__ import annotations

import pandas as pd


def generate_candidates(events: pd.DataFrame, users: pd.Series, n: int = 100) -> pd.DataFrame:
    """Return candidate items for each user: the shortlist the ranker will order.

    Contract
    --------
    ``events`` is an interactions table from ingest; ``users`` are user ids, some of which
    may have no events at all (new users). Returns a DataFrame with the columns ``user_id``
    and ``item_id`` (plus any scores you want to keep as features), at least ``n`` distinct
    items for every user, each (user, item) pair once, every item from the events' items.
    """
    raise NotImplementedError("TODO(candidate): generate candidates (co-visitation, popularity, ...)")


def build_features(events: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """Return the ranker's features for every candidate.

    Contract
    --------
    One row per row of ``candidates``, same index, numeric columns only (NaN allowed). Use
    only ``events``: they are all that is known at prediction time.
    """
    raise NotImplementedError("TODO(candidate): build features for each (user, candidate item) pair")
