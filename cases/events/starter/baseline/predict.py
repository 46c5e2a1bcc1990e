"""Stage 4, predict: rank each member's candidates and write the top ``k`` as the submission."""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }}.features import FEATURES, generate_candidates

LIST_LENGTH = 50


def predict(model, data: dict[str, pd.DataFrame], k: int = LIST_LENGTH) -> pd.DataFrame:
    """The submission for the members of ``data["test"]``: ``user_id``, ``event_id`` (events of
    ``data["test_events"]`` only), ``rank`` (1 is the best), up to ``k`` events per member."""
    candidates = generate_candidates(data, data["test"]["user_id"], k)
    candidates["score"] = model.predict(candidates[FEATURES]) if model is not None else candidates["content_score"]
    ranked = candidates.sort_values(["user_id", "score"], ascending=[True, False], kind="stable")
    ranked = ranked.groupby("user_id").head(k)
    ranked["rank"] = ranked.groupby("user_id").cumcount() + 1
    return ranked[["user_id", "event_id", "rank"]].reset_index(drop=True)
