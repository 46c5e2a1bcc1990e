"""Stage 4, predict: route the test tickets, in the submission format."""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }} import config


def predict(model, data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The submission for ``data["test"]``: ``ticket_id``, ``category``, ``proba_<category>``.

    The probability columns are optional in a submission; sending them adds log loss and
    ROC-AUC to the scorecard.
    """
    tickets = data["test"]
    probabilities = model.predict_proba(tickets)
    submission = pd.DataFrame({config.ID: tickets[config.ID].to_numpy(),
                               config.TARGET: model.classes_[probabilities.argmax(axis=1)]})
    for position, label in enumerate(model.classes_):
        submission[f"proba_{label}"] = probabilities[:, position]
    return submission
