{%- set liar = cookiecutter.source.startswith("liar") -%}
{%- set six_way = cookiecutter.source == "liar-6way" -%}
"""Stage 4, predict: score {{ 'statements' if liar else 'posts' }} and write them in the submission format."""

from __future__ import annotations

import pandas as pd

ID = "{{ 'statement_id' if liar else 'post_id' }}"


def predict(model, rows: pd.DataFrame) -> pd.DataFrame:
{%- if six_way %}
    """The submission for ``rows``: ``{{ 'statement_id' }}`` and ``prob_<rating>`` for each of the six ratings."""
    probabilities = model.predict_proba(rows)
    submission = pd.DataFrame({ID: rows[ID].to_numpy()})
    for position, rating in enumerate(model.classes_):
        submission[f"prob_{rating}"] = probabilities[:, position]
    return submission
{%- else %}
    """The submission for ``rows``: ``{{ 'statement_id' if liar else 'post_id' }}`` and ``prob_fake``, the probability of fake."""
    fake = list(model.classes_).index("fake")
    return pd.DataFrame({ID: rows[ID].to_numpy(), "prob_fake": model.predict_proba(rows)[:, fake]})
{%- endif %}
