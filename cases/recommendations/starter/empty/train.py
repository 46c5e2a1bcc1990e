"""Stage 3, train: learn to order the candidates, with labels from a recent period."""

from __future__ import annotations

import numpy as np
import pandas as pd

LABEL_DAYS = 7
LABEL_SHARE = 0.2
LIKED = 4.0


def split_by_time(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out the most recent interactions, as the case's test split does (provided: the
    pipeline scores your model on this hold-out; use it for your labels too, or change it).

    Shop events: everything in the last ``LABEL_DAYS`` days. Ratings (when ``events`` keeps
    the ``rating`` column): each user's latest ``LABEL_SHARE`` of ratings, of which only the
    liked ones (``LIKED`` stars or more) are held out as answers.
    Returns (earlier interactions, held-out interactions).
    """
    if "rating" in events.columns:
        ordered = events.sort_values(["user_id", "timestamp"], kind="stable")
        position = ordered.groupby("user_id").cumcount()
        count = ordered.groupby("user_id")["item_id"].transform("size")
        held = position >= count - np.maximum(1, np.round(LABEL_SHARE * count))
        return ordered[~held], ordered[held & (ordered["rating"] >= LIKED)]
    cut = events["timestamp"].max().normalize() + pd.Timedelta(days=1 - LABEL_DAYS)
    return events[events["timestamp"] < cut], events[events["timestamp"] >= cut]


def train_model(events: pd.DataFrame, items: pd.DataFrame):
    """Fit and return a model.

    Contract
    --------
    ``events`` and ``items`` come from ingest. The returned model is whatever ``predict``
    needs to rank candidates for any user, including users ``events`` has never seen. Hold
    out the most recent interactions to make labels (``split_by_time``): the test set is the
    future.
    """
    raise NotImplementedError("TODO(candidate): generate candidates, label them with a recent period, fit a ranker")
