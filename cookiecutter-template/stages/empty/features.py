"""Stage 2, features: turn the tables into what the model learns from."""

from __future__ import annotations


def build_features():
    """Return what turns rows into model inputs (a scikit-learn transformer, or a function).

    Contract
    --------
    ``train.py`` and ``predict.py`` call what you write here, so its shape is yours to choose.
    Learn anything that depends on data (vocabularies, encoders, statistics) from the training
    rows only, and apply the same transformation to the rows you predict.
    """
    raise NotImplementedError("TODO(candidate): build the features (text, categories, numbers, time)")
