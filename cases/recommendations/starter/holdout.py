"""The local hold-out: the most recent interactions of train, held out as the test set was, so
that ``make run`` scores the pipeline on a future it did not fit.

Shop events: everything in the last ``LABEL_DAYS`` days. Ratings (MovieLens): each user's
latest ``FRACTION`` of ratings, of which only the liked ones (``LIKED`` stars or more) are
answers. Provided with the project; use ``split_by_time`` for your own labels too, or change it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import config

LABEL_DAYS = 7
FRACTION = 0.2
LIKED = 4.0


def split(data: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], pd.DataFrame]:
    """Split ``data`` into what to fit on, what to predict (the held-out users in place of
    ``test``) and the answers (each held-out user's ``user_id``, ``item_id`` pairs)."""
    earlier, later = split_by_time(data["train"])
    answers = later[[config.ID, config.TARGET]].drop_duplicates().reset_index(drop=True)
    fit = {**data, "train": earlier.reset_index(drop=True)}
    return fit, {**fit, "test": pd.DataFrame({config.ID: answers[config.ID].unique()})}, answers


def split_by_time(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(earlier interactions, held-out recent interactions), as the case's test split does."""
    if "rating" in events.columns:
        ordered = events.sort_values([config.ID, "timestamp"], kind="stable")
        position = ordered.groupby(config.ID).cumcount()
        count = ordered.groupby(config.ID)[config.TARGET].transform("size")
        held = position >= count - np.maximum(1, np.round(FRACTION * count))
        return ordered[~held], ordered[held & (ordered["rating"] >= LIKED)]
    timestamps = pd.to_datetime(events["timestamp"])
    cut = timestamps.max().normalize() + pd.Timedelta(days=1 - LABEL_DAYS)
    return events[timestamps < cut], events[timestamps >= cut]
