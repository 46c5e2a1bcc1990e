"""Stage 4, predict: route tickets and write them in the submission format."""

from __future__ import annotations

import pandas as pd


def predict(model, tickets: pd.DataFrame) -> pd.DataFrame:
    """Return the submission for ``tickets``.

    Contract
    --------
    A DataFrame with one row per ticket and the columns ``ticket_id`` and ``category`` (one of
    the labels in train). Optionally add ``proba_<category>`` for every category, each row
    summing to 1: the scorecard then adds log loss and ROC-AUC.
    """
    raise NotImplementedError("TODO(candidate): predict a category for every ticket")
