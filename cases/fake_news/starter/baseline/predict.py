{%- set liar = cookiecutter.source.startswith("liar") -%}
{%- set six_way = cookiecutter.source == "liar-6way" -%}
"""Stage 4, predict: score the test {{ 'statements' if liar else 'posts' }}, in the submission format."""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }} import config
{%- if not six_way %}

# Rows whose probability of fake is at or above the threshold are flagged for the
# fact-checkers. Choose it from their capacity and the costs in the brief (README.md) and
# say why in DESIGN.md; it is written to submission/decision.json with the predictions.
DECISION = {"threshold": 0.5}
{%- endif %}


def predict(model, data: dict[str, pd.DataFrame]) -> pd.DataFrame:
{%- if six_way %}
    """The submission for ``data["test"]``: ``statement_id`` and ``prob_<rating>`` for each of the six ratings."""
    rows = data["test"]
    probabilities = model.predict_proba(rows)
    submission = pd.DataFrame({config.ID: rows[config.ID].to_numpy()})
    for position, rating in enumerate(model.classes_):
        submission[f"prob_{rating}"] = probabilities[:, position]
    return submission
{%- else %}
    """The submission for ``data["test"]``: ``{{ 'statement_id' if liar else 'post_id' }}`` and ``prob_fake``, the probability of fake."""
    rows = data["test"]
    fake = list(model.classes_).index("fake")
    return pd.DataFrame({config.ID: rows[config.ID].to_numpy(), "prob_fake": model.predict_proba(rows)[:, fake]})
{%- endif %}
