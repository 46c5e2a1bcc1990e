"""Split interaction data into the candidate's inputs and each test user's held-out items.

Two ways to hold out by time, one per kind of source:

* shop events (the synthetic source): a **global cut**. Everything before the last
  ``TEST_DAYS`` days is training; the test users are the users active in those days, and
  their answers are every item they viewed, carted or bought then. This is how the row would
  be deployed: trained on the past, shown to whoever comes back next week.
* ratings (MovieLens): a **per-user cut**. Each user's most recent ``HOLDOUT_SHARE`` of
  ratings is held out and the rest is training; the answers are the held-out movies rated
  ``LIKED`` or more. MovieLens users rate in bursts spread over 22 years, so a global cut
  would leave three quarters of the test users with no history at all.

Inputs: ``train`` (the interactions before the cut, as the source has them), ``test`` (the
test users) and ``items`` (the catalogue). The labels are the catalogue, most interacted-with
in training first; the answers record each test user's number of training interactions.

Users get fresh ids drawn from the seed: a public dataset's own user ids would let anyone look
a test user's held-out ratings up in the published file, and the seed must change the instance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.prepared import PreparedData, check_ranking_prepared, fresh_ids

USER, ITEM = "user_id", "item_id"
HISTORY = "train_interactions"
TEST_DAYS = 7
HOLDOUT_SHARE = 0.2
LIKED = 4.0


def prepare(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """Return train, test users, items and the answers; the cut is by time, and ``seed`` draws
    the users' fresh ids."""
    items = tables["items"].sort_values(ITEM, ignore_index=True)
    interactions = tables["events"] if "events" in tables else tables["ratings"]
    users = pd.Index(interactions[USER].unique())
    fresh = fresh_ids(len(users), "U-", np.random.default_rng([seed, 2]))
    interactions = interactions.assign(**{USER: fresh[users.get_indexer(interactions[USER])]})
    train, held_out, notes = hold_out(interactions)

    # Sources give their rows in a fixed order, so a stable sort by time is deterministic.
    train = train.sort_values("timestamp", kind="stable", ignore_index=True)
    history = train.groupby(USER).size()
    answers = held_out[[USER, ITEM]].drop_duplicates().sort_values([USER, ITEM], ignore_index=True)
    answers[HISTORY] = history.reindex(answers[USER]).fillna(0).astype(np.int64).to_numpy()
    test = pd.DataFrame({USER: answers[USER].drop_duplicates().to_numpy()})

    popularity = train[ITEM].value_counts().reindex(items[ITEM], fill_value=0)
    ranked = pd.DataFrame({ITEM: items[ITEM], "interactions": popularity.to_numpy()})
    labels = tuple(ranked.sort_values(["interactions", ITEM], ascending=[False, True])[ITEM])

    cold = int((answers.drop_duplicates(USER)[HISTORY] == 0).sum())
    prepared = PreparedData(
        inputs={"train": train, "test": test, "items": items},
        answers=answers,
        labels=labels,
        notes={**notes, "train_rows": len(train), "test_users": len(test), "test_users_without_history": cold,
               "held_out_pairs": len(answers), "catalogue_items": len(items)},
    )
    check_ranking_prepared(
        prepared,
        user_column=USER,
        item_column=ITEM,
        columns={"train": list(train.columns), "test": [USER], "items": list(items.columns)},
        answer_columns=[USER, ITEM, HISTORY],
    )
    return prepared


def hold_out(interactions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """Split interactions by time as the case does: a global cut for shop events, a per-user
    cut for ratings. Returns the training part, the held-out part (for ratings, only the
    liked ones) and notes on the split. Baselines reuse it to make their own validation week.
    """
    if "rating" in interactions.columns:
        return _per_user_cut(interactions)
    return _global_cut(interactions)


def _global_cut(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """Train before the last ``TEST_DAYS`` days; every interaction in those days is held out."""
    end = events["timestamp"].max().normalize() + pd.Timedelta(days=1)
    cut = end - pd.Timedelta(days=TEST_DAYS)
    train = events[events["timestamp"] < cut]
    held_out = events[events["timestamp"] >= cut]
    notes = {"split": f"global cut by time: the last {TEST_DAYS} days are held out",
             "cutoff": cut.isoformat(), "test_window_end": end.isoformat()}
    return train, held_out, notes


def _per_user_cut(ratings: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """Each user's latest ``HOLDOUT_SHARE`` of ratings is held out; liked ones are the answers."""
    ordered = ratings.sort_values([USER, "timestamp", ITEM], ignore_index=True)
    position = ordered.groupby(USER).cumcount()
    count = ordered.groupby(USER)[ITEM].transform("size")
    held = position >= count - np.maximum(1, np.round(HOLDOUT_SHARE * count)).astype(int)
    train = ordered[~held]
    held_out = ordered[held & (ordered["rating"] >= LIKED)]
    notes: dict[str, object] = {
        "split": f"per-user cut by time: each user's latest {HOLDOUT_SHARE:.0%} of ratings are held out; held-out "
                 f"ratings of {LIKED:g} or more are the answers"}
    return train, held_out, notes
