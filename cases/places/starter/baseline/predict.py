"""Stage 4, predict: rank each user's candidates and write the top ``k`` as the submission."""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.features import build_features, generate_candidates

LIST_LENGTH = 50


def predict(model, data: dict[str, pd.DataFrame], k: int = LIST_LENGTH) -> pd.DataFrame:
    """The submission for the users of ``data["test"]``: ``user_id``, ``place_id``, ``rank`` (1 is
    the best), up to ``k`` places per user."""
    candidates = generate_candidates(data, data["test"]["user_id"], k)
    features = build_features(data, candidates)
    if model is not None:
        candidates["score"] = model.predict(features)
    else:
        candidates["score"] = features["popularity"] - features["distance_km"] / 1.5 + np.log1p(features["visits"])
    ranked = candidates.sort_values(["user_id", "score"], ascending=[True, False], kind="stable")
    ranked = ranked.groupby("user_id").head(k)
    ranked["rank"] = ranked.groupby("user_id").cumcount() + 1
    return ranked[["user_id", "place_id", "rank"]].reset_index(drop=True)
