"""Stage 1, ingest: read the ticket tables from ``data/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# Text cells may be empty; keep them as "" rather than NaN so text features need no guard.
_READ = {"dtype": {"ticket_id": str}, "keep_default_na": False}


def load_train(data_dir: Path) -> pd.DataFrame:
    """Read ``train.csv``: one row per ticket, with the ``category`` label."""
    return pd.read_csv(data_dir / "train.csv", **_READ)


def load_test(data_dir: Path) -> pd.DataFrame:
    """Read ``test.csv``: one row per ticket to route, in file order, without labels."""
    return pd.read_csv(data_dir / "test.csv", **_READ)
