"""Stage 3, train: learn to order the candidates, on the case's split made again inside train."""

from __future__ import annotations

import pandas as pd
from lightgbm import LGBMRanker

from {{ cookiecutter.package_name }}.features import FEATURES, build_features, generate_candidates
from {{ cookiecutter.package_name }}.holdout import split

CANDIDATES = 60


def train_model(data: dict[str, pd.DataFrame]) -> LGBMRanker | None:
    """A LightGBM LambdaRank ranker fitted on candidates of the earlier split, labelled by the
    places visited after its cut-off; None when that split has nothing to learn from (``predict``
    then orders by popularity and distance)."""
    earlier, _, answers = split(data)
    candidates = generate_candidates(earlier, earlier["test"]["user_id"], CANDIDATES)
    positives = pd.MultiIndex.from_frame(answers[["user_id", "place_id"]])
    candidates["label"] = pd.MultiIndex.from_frame(candidates[["user_id", "place_id"]]).isin(positives).astype(int)
    candidates = candidates[candidates.groupby("user_id")["label"].transform("max") > 0]
    if candidates.empty:
        return None
    candidates = candidates.sort_values("user_id", kind="stable", ignore_index=True)
    ranker = LGBMRanker(objective="lambdarank", n_estimators=150, learning_rate=0.05, num_leaves=15,
                        min_child_samples=20, random_state=0, n_jobs=1, verbose=-1)
    ranker.fit(build_features(earlier, candidates), candidates["label"],
               group=candidates.groupby("user_id", sort=False).size().to_numpy())
    return ranker
