"""Stage 3, train: fit a model on labelled tickets."""

from __future__ import annotations

import pandas as pd


def train_model(tickets: pd.DataFrame):
    """Fit and return a model.

    Contract
    --------
    ``tickets`` is a training table from ingest, with the ``category`` label. The returned
    model has ``predict(table) -> array of categories`` for a table without ``category``
    (a scikit-learn Pipeline of build_features() and a classifier fits this contract), and
    ideally ``predict_proba`` and ``classes_`` too.
    """
    raise NotImplementedError("TODO(candidate): fit features and a classifier on the tickets")
