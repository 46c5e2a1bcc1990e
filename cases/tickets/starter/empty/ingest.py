"""Stage 1, ingest: read the ticket tables from ``data/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def load_train(data_dir: Path) -> pd.DataFrame:
    """Read ``data_dir / "train.csv"``.

    Contract
    --------
    Returns a DataFrame with one row per line of ``train.csv`` and at least the columns
    ``ticket_id`` (str), ``subject`` (str), ``body`` (str) and ``category`` (str, the label).
    """
    raise NotImplementedError("TODO(candidate): read the training tickets from data_dir / 'train.csv'")


def load_test(data_dir: Path) -> pd.DataFrame:
    """Read ``data_dir / "test.csv"``.

    Contract
    --------
    Returns a DataFrame with one row per line of ``test.csv``, in file order, with the same
    columns as train except ``category``.
    """
    raise NotImplementedError("TODO(candidate): read the test tickets from data_dir / 'test.csv'")
