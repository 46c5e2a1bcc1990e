{%- set liar = cookiecutter.source.startswith("liar") -%}
{%- set six_way = cookiecutter.source == "liar-6way" -%}
"""Stage 4, predict: score {{ 'statements' if liar else 'posts' }} and write them in the submission format."""

from __future__ import annotations

import pandas as pd


def predict(model, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the submission for ``rows``.

    Contract
    --------
{%- if six_way %}
    A DataFrame with one row per statement and the columns ``statement_id`` and
    ``prob_<rating>`` for each of the six ratings (``prob_pants-fire``, ``prob_false``,
    ``prob_barely-true``, ``prob_half-true``, ``prob_mostly-true``, ``prob_true``), each row
    summing to 1.
{%- else %}
    A DataFrame with one row per {{ 'statement' if liar else 'post' }} and the columns ``{{ 'statement_id' if liar else 'post_id' }}`` and ``prob_fake``,
    the probability that it is fake, in [0, 1].
{%- endif %}
    """
    raise NotImplementedError("TODO(candidate): predict a probability for every {{ 'statement' if liar else 'post' }}")
