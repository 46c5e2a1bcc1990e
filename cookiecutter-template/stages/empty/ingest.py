"""Stage 1, ingest: read the tables in ``data/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def load_data(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the tables of ``data_dir``.

    Contract
    --------
    Returns ``{"train": ..., "test": ..., ...}``: one DataFrame per CSV file of ``data_dir``
    (but ``sample_submission.csv``), named by the file's stem, with one row per line of the
    file, in file order. ``train`` holds the target, ``{{ cookiecutter.__target }}``; ``test`` does not: it is
    what you predict. Keep the ids (``{{ cookiecutter.__id_column }}``) as text: ``007`` is not ``7``.
    """
    raise NotImplementedError("TODO(candidate): read each CSV of data_dir into a DataFrame")
