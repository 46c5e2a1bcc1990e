"""Stage 1, ingest: read the tables in ``data/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }} import config


def load_data(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Every CSV of ``data_dir`` but the sample submission, by file stem.

    Ids stay text as written (``007`` is not ``7``), and empty text cells stay ``""`` rather
    than NaN, so text features need no guard.
    """
    return {
        path.stem: pd.read_csv(path, dtype={config.ID: str}, keep_default_na=False)
        for path in sorted(data_dir.glob("*.csv"))
        if path.stem != "sample_submission"
    }
