"""Stage 4, predict: rank each user's candidates and write the top ``k`` as the submission."""

from __future__ import annotations

import pandas as pd


def predict(model, users: pd.Series, k: int = 100) -> pd.DataFrame:
    """Return the submission for ``users``.

    Contract
    --------
    A DataFrame with the columns ``user_id``, ``item_id`` and ``rank``: for every user, ``k``
    (at most 100) distinct catalogue items ranked 1, 2, ..., ``k``, best first.
    """
    raise NotImplementedError("TODO(candidate): rank the candidates and keep the top k per user")
