{%- set liar = cookiecutter.source.startswith("liar") -%}
{%- set row = 'statement' if liar else 'post' -%}
"""Stage 2, features: turn a {{ row }} table into a model-ready matrix."""

from __future__ import annotations

from sklearn.base import TransformerMixin


def build_features() -> TransformerMixin:
    """Return an unfitted scikit-learn transformer.

    Contract
    --------
    ``build_features().fit_transform(rows, labels)`` takes a {{ row }} table without the
    ``label`` column (a DataFrame as returned by ingest) and returns a matrix (numpy array or
    scipy sparse matrix) with one row per {{ row }}. Fit it on training data only.
    """
    raise NotImplementedError("TODO(candidate): build the feature transformer ({{ 'statement, speaker, credit history' if liar else 'title, text, source, shares, time' }})")
