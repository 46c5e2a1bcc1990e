"""Stage 4, predict: route tickets and write them in the submission format."""

from __future__ import annotations

import pandas as pd

ID = "ticket_id"


def predict(model, tickets: pd.DataFrame) -> pd.DataFrame:
    """The submission for ``tickets``: ``ticket_id``, ``category``, ``proba_<category>``.

    The probability columns are optional in a submission; sending them adds log loss and
    ROC-AUC to the scorecard.
    """
    probabilities = model.predict_proba(tickets)
    submission = pd.DataFrame({ID: tickets[ID].to_numpy(), "category": model.classes_[probabilities.argmax(axis=1)]})
    for position, label in enumerate(model.classes_):
        submission[f"proba_{label}"] = probabilities[:, position]
    return submission
