"""Stage 3, train: learn to order the candidates."""

from __future__ import annotations

import pandas as pd


def train_model(events: pd.DataFrame, items: pd.DataFrame):
    """Fit and return a model.

    Contract
    --------
    ``events`` and ``items`` come from ingest. The returned model is whatever ``predict``
    needs to rank candidates for any user, including users ``events`` has never seen. Hold
    out the most recent interactions to make labels: the test set is the future.
    """
    raise NotImplementedError("TODO(candidate): generate candidates, label them with a recent period, fit a ranker")
