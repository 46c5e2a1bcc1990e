{%- set liar = cookiecutter.source.startswith("liar") -%}
"""Stage 1, ingest: read the {{ 'statement' if liar else 'post' }} tables from ``data/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# Text cells may be empty; keep them as "" rather than NaN so text features need no guard.
_READ = {"dtype": {"{{ 'statement_id' if liar else 'post_id' }}": str}, "keep_default_na": False}


def load_train(data_dir: Path) -> pd.DataFrame:
    """Read ``train.csv``: one row per {{ 'statement' if liar else 'post' }}, with the ``label``."""
    return pd.read_csv(data_dir / "train.csv", **_READ)


def load_test(data_dir: Path) -> pd.DataFrame:
    """Read ``test.csv``: one row per {{ 'statement' if liar else 'post' }} to score, in file order, without labels."""
    return pd.read_csv(data_dir / "test.csv", **_READ)
