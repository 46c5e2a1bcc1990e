"""Stage 3, train: learn to order the candidates, with a validation week cut from the past."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from lightgbm import LGBMRanker

from {{ cookiecutter.package_name }}.features import build_features, generate_candidates
from {{ cookiecutter.package_name }}.holdout import split_by_time

TRAINING_USERS = 3_000
CANDIDATES = 100


@dataclass
class Recommender:
    """What ``predict`` needs: the interactions to build candidates from, and the ranker."""

    events: pd.DataFrame
    ranker: LGBMRanker


def train_model(data: dict[str, pd.DataFrame]) -> Recommender:
    """Fit a LightGBM LambdaRank ranker on candidates labelled by a held-out recent period."""
    events = data["train"]
    history, labels = split_by_time(events)
    users = pd.Series(labels["user_id"].unique())
    users = users.sample(min(TRAINING_USERS, len(users)), random_state=0).sort_values(ignore_index=True)
    candidates = generate_candidates(history, users, CANDIDATES)
    positives = pd.MultiIndex.from_frame(labels[["user_id", "item_id"]])
    candidates["label"] = pd.MultiIndex.from_frame(candidates[["user_id", "item_id"]]).isin(positives).astype(int)
    # Users whose candidates hold no positive teach the ranker nothing.
    candidates = candidates[candidates.groupby("user_id")["label"].transform("max") > 0]
    candidates = candidates.sort_values("user_id", kind="stable", ignore_index=True)
    ranker = LGBMRanker(objective="lambdarank", n_estimators=100, learning_rate=0.05, num_leaves=31,
                        min_child_samples=50, random_state=0, n_jobs=1, verbose=-1)
    ranker.fit(build_features(history, candidates), candidates["label"],
               group=candidates.groupby("user_id", sort=False).size().to_numpy())
    return Recommender(events=events, ranker=ranker)
