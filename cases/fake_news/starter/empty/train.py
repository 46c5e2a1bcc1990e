{%- set liar = cookiecutter.source.startswith("liar") -%}
"""Stage 3, train: fit a model on labelled {{ 'statements' if liar else 'posts' }}."""

from __future__ import annotations

import pandas as pd


def train_model(rows: pd.DataFrame):
    """Fit and return a model.

    Contract
    --------
    ``rows`` is a training table from ingest, with the ``label``. The returned model has
    ``predict_proba(table)`` for a table without ``label``, one column per class in the order
    of its ``classes_`` (a scikit-learn Pipeline of build_features() and a classifier fits
    this contract).
    """
    raise NotImplementedError("TODO(candidate): fit features and a classifier that outputs probabilities")
