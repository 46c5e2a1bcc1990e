"""Stage 1, ingest: read the interactions, the catalogue and the test users from ``data/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def load_events(data_dir: Path) -> pd.DataFrame:
    """Read ``data_dir / "train.csv"``, the training interactions.

    Contract
    --------
    Returns a DataFrame with one row per line of ``train.csv`` and at least the columns
    ``user_id`` (str), ``item_id`` (str), ``timestamp`` (datetime) and ``weight`` (float, how
    strongly the interaction says the user likes the item: you choose the scale).
    """
    raise NotImplementedError("TODO(candidate): read the interactions from data_dir / 'train.csv'")


def load_items(data_dir: Path) -> pd.DataFrame:
    """Read ``data_dir / "items.csv"``, the catalogue.

    Contract
    --------
    Returns a DataFrame with one row per item and at least ``item_id`` (str).
    """
    raise NotImplementedError("TODO(candidate): read the catalogue from data_dir / 'items.csv'")


def load_test_users(data_dir: Path) -> pd.DataFrame:
    """Read ``data_dir / "test.csv"``, the users to recommend for.

    Contract
    --------
    Returns a DataFrame with one row per line of ``test.csv``, in file order, with ``user_id``
    (str).
    """
    raise NotImplementedError("TODO(candidate): read the test users from data_dir / 'test.csv'")
