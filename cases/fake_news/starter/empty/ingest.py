{%- set liar = cookiecutter.source.startswith("liar") -%}
{%- set row = 'statement' if liar else 'post' -%}
"""Stage 1, ingest: read the {{ row }} tables from ``data/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def load_train(data_dir: Path) -> pd.DataFrame:
    """Read ``data_dir / "train.csv"``.

    Contract
    --------
    Returns a DataFrame with one row per line of ``train.csv`` and at least the columns
    ``{{ row }}_id`` (str), {{ '``statement``' if liar else '``title`` and ``text``' }} (str) and ``label`` (str, the target).
    """
    raise NotImplementedError("TODO(candidate): read the training {{ row }}s from data_dir / 'train.csv'")


def load_test(data_dir: Path) -> pd.DataFrame:
    """Read ``data_dir / "test.csv"``.

    Contract
    --------
    Returns a DataFrame with one row per line of ``test.csv``, in file order, with the same
    columns as train except ``label``.
    """
    raise NotImplementedError("TODO(candidate): read the test {{ row }}s from data_dir / 'test.csv'")
