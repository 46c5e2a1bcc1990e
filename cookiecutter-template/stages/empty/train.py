"""Stage 3, train: fit a model on the training tables."""

from __future__ import annotations

import pandas as pd


def train_model(data: dict[str, pd.DataFrame]):
    """Fit and return a model.

    Contract
    --------
    ``data`` holds the tables from ingest; ``data["train"]`` has the target,
    ``{{ cookiecutter.__target }}``. Return whatever ``predict.predict`` needs. The pipeline calls this twice: on
    the hold-out's fitted part (to score it), then on all of the data (to submit).
    """
    raise NotImplementedError("TODO(candidate): fit features and a model on data['train']")
