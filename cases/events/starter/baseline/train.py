"""Stage 3, train: learn to order the candidates, on the same split made one week earlier."""

from __future__ import annotations

import pandas as pd
from lightgbm import LGBMRanker

from {{ cookiecutter.package_name }}.features import FEATURES, generate_candidates
from {{ cookiecutter.package_name }}.holdout import split

CANDIDATES = 60


def train_model(data: dict[str, pd.DataFrame]) -> LGBMRanker | None:
    """A LightGBM LambdaRank ranker fitted on candidates of the week before, labelled by the
    yes RSVPs made after that week's cut-off; None when that week has no answer to learn from
    (``predict`` then keeps the content score's order)."""
    earlier, _, answers = split(data)
    candidates = generate_candidates(earlier, earlier["test"]["user_id"], CANDIDATES)
    positives = pd.MultiIndex.from_frame(answers[["user_id", "event_id"]])
    candidates["label"] = pd.MultiIndex.from_frame(candidates[["user_id", "event_id"]]).isin(positives).astype(int)
    # Members whose candidates hold no positive teach the ranker nothing.
    candidates = candidates[candidates.groupby("user_id")["label"].transform("max") > 0]
    if candidates.empty:
        return None
    ranker = LGBMRanker(objective="lambdarank", n_estimators=150, learning_rate=0.05, num_leaves=15,
                        min_child_samples=20, random_state=0, n_jobs=1, verbose=-1)
    ranker.fit(candidates[FEATURES], candidates["label"], group=candidates.groupby("user_id", sort=False).size())
    return ranker
