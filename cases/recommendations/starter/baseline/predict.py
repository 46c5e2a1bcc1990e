"""Stage 4, predict: rank each user's candidates and write the top ``k`` as the submission."""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }}.features import build_features, generate_candidates

LIST_LENGTH = 100


def predict(model, data: dict[str, pd.DataFrame], k: int = LIST_LENGTH) -> pd.DataFrame:
    """The submission for the users of ``data["test"]``: ``user_id``, ``item_id``, ``rank``
    (1 is the best), ``k`` items per user."""
    users = data["test"]["user_id"]
    candidates = generate_candidates(model.events, users, k)
    candidates["score"] = model.ranker.predict(build_features(model.events, candidates))
    ranked = candidates.sort_values(["user_id", "score"], ascending=[True, False], kind="stable")
    ranked = ranked.groupby("user_id").head(k)
    ranked["rank"] = ranked.groupby("user_id").cumcount() + 1
    return ranked[["user_id", "item_id", "rank"]].reset_index(drop=True)
