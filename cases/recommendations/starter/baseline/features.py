"""Stage 2, features: candidate generation, then the features the ranker sees.

1. ``generate_candidates``: for each user, the items most co-visited with their recent items,
   plus the items popular in the last two weeks (a new user gets only those);
2. ``build_features``: one row per (user, candidate item): how strongly it was co-visited, how
   popular and how trending the item is, and how active the user is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

RECENT_ITEMS = 20
NEIGHBOURS = 50
POPULAR_DAYS = 14
DAY = pd.Timedelta(days=1)
FEATURES = ["covisit_score", "covisit_rank", "popularity", "trend", "user_events"]


def recent_popularity(events: pd.DataFrame, days: int = POPULAR_DAYS) -> pd.Series:
    """Summed interaction weight per item over the last ``days`` days (at least the latest
    tenth of the events), most popular first."""
    since = min(events["timestamp"].max() - days * DAY, events["timestamp"].quantile(0.9))
    recent = events[events["timestamp"] >= since]
    return recent.groupby("item_id")["weight"].sum().sort_values(ascending=False, kind="stable")


def generate_candidates(events: pd.DataFrame, users: pd.Series, n: int = 100) -> pd.DataFrame:
    """Up to ``2 n`` candidate items per user: ``user_id``, ``item_id``, ``covisit_score``.

    Co-visitation: two items are similar when the same users interacted with both (cosine of
    their user columns); a user's score for an item sums its similarity to their
    ``RECENT_ITEMS`` latest items. The ``n`` most popular recent items are added for everyone.
    """
    item_index = pd.Index(events["item_id"].unique())
    user_index = pd.Index(events["user_id"].unique())
    recent = (events.sort_values("timestamp").drop_duplicates(["user_id", "item_id"], keep="last")
              .groupby("user_id").tail(RECENT_ITEMS))
    profile = sparse.csr_matrix(
        (np.ones(len(recent)), (user_index.get_indexer(recent["user_id"]), item_index.get_indexer(recent["item_id"]))),
        shape=(len(user_index), len(item_index)))
    similarity = _cosine_neighbours(profile)

    codes = user_index.get_indexer(users)
    known = codes >= 0
    scores = (profile[codes[known]] @ similarity).tocsr()
    rows, items, values = _top_per_row(scores, n)
    covisited = pd.DataFrame({"user_id": np.asarray(users)[known][rows], "item_id": item_index[items],
                              "covisit_score": values})
    popular = recent_popularity(events).index[:n]
    everyone = pd.DataFrame({"user_id": np.repeat(np.asarray(users), len(popular)),
                             "item_id": np.tile(popular, len(users)), "covisit_score": 0.0})
    return (pd.concat([covisited, everyone], ignore_index=True)
            .drop_duplicates(["user_id", "item_id"]).reset_index(drop=True))


def build_features(events: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """The ranker's features, one row per candidate, in the candidates' order."""
    end = events["timestamp"].max()
    popularity = recent_popularity(events)
    last_week = events[events["timestamp"] >= end - 7 * DAY]["item_id"].value_counts()
    week_before = events[(events["timestamp"] >= end - 14 * DAY) & (events["timestamp"] < end - 7 * DAY)]
    week_before = week_before["item_id"].value_counts()
    user_events = events["user_id"].value_counts()
    items = candidates["item_id"]
    return pd.DataFrame({
        "covisit_score": candidates["covisit_score"].to_numpy(),
        "covisit_rank": candidates.groupby("user_id")["covisit_score"].rank(ascending=False, method="first").to_numpy(),
        "popularity": np.log1p(popularity.reindex(items).fillna(0).to_numpy()),
        "trend": np.log1p(last_week.reindex(items).fillna(0).to_numpy())
                 - np.log1p(week_before.reindex(items).fillna(0).to_numpy()),
        "user_events": np.log1p(user_events.reindex(candidates["user_id"]).fillna(0).to_numpy()),
    }, index=candidates.index)[FEATURES]


def _cosine_neighbours(profile: sparse.csr_matrix) -> sparse.csr_matrix:
    """Item x item cosine similarity of the columns of ``profile``, top ``NEIGHBOURS`` per item."""
    norms = np.sqrt(np.asarray(profile.sum(axis=0)).ravel()).clip(min=1.0)
    normalised = (profile @ sparse.diags(1.0 / norms)).tocsc()
    co = (normalised.T @ normalised).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    rows, items, values = _top_per_row(co, NEIGHBOURS)
    return sparse.csr_matrix((values, (rows, items)), shape=co.shape)


def _top_per_row(matrix: sparse.csr_matrix, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``n`` largest positive entries of each row: (row, column, value), best first."""
    matrix = matrix.tocsr()
    rows, columns, values = [], [], []
    # Row by row: a sort of each row's few stored entries, not of all of them at once.
    for row in range(matrix.shape[0]):
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        data = matrix.data[start:stop]
        best = np.argsort(-data, kind="stable")[:n]
        best = best[data[best] > 0]
        rows.append(np.full(best.size, row))
        columns.append(matrix.indices[start:stop][best])
        values.append(data[best])
    return np.concatenate(rows), np.concatenate(columns), np.concatenate(values)
