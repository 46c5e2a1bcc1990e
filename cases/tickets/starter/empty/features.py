"""Stage 2, features: turn a ticket table into a model-ready matrix."""

from __future__ import annotations

from sklearn.base import TransformerMixin


def build_features() -> TransformerMixin:
    """Return an unfitted scikit-learn transformer.

    Contract
    --------
    ``build_features().fit_transform(tickets, labels)`` takes a ticket table without the
    ``category`` column (a DataFrame as returned by ingest) and returns a matrix (numpy array
    or scipy sparse matrix) with one row per ticket. Fit it on training data only.
    """
    raise NotImplementedError("TODO(candidate): build the feature transformer (text, metadata, time)")
