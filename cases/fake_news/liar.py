"""LIAR (Wang, ACL 2017): 12,836 short political statements rated by PolitiFact's editors.

The three TSV files come from the official zip at UCSB, each checked against a pinned sha256
(the zip's own sha256 is the one the Hugging Face ``liar`` dataset card publishes). They are
parsed with quoting off: statements hold stray double quotes, and a CSV reader that honours
them merges lines (10,240 instead of 10,269 training rows).

Each statement carries its speaker's *credit history*: how many of the speaker's statements
PolitiFact rated barely true, false, half true, mostly true and pants on fire. Those counts
include the statement itself, and the speaker's statements in the test split; ``prepare``
removes both (see :func:`casekit.cases.fake_news.prepare.remove_credit_history_leak`).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from casekit.cases.downloads import DataSourceError, fetch
from casekit.cases.spec import RemoteFile

if TYPE_CHECKING:
    import pandas as pd

DATASET = "liar"
URL = "https://www.cs.ucsb.edu/~william/data/liar_dataset.zip"
ARCHIVE_SHA256 = "611c1addad919743dde15822b87a60bfb760d8f85597f25289e34621800654c7"
FILES = (
    RemoteFile("train.tsv", URL, "23ef8cb7ff57b25c941100d0744039cebc595d65a67ea190f72b330a658d8c36",
               archive_member="train.tsv", archive_sha256=ARCHIVE_SHA256),
    RemoteFile("valid.tsv", URL, "8dd3d7ed1a11e78ed7df090c9eddb0f91147f895850c78d49dd7b4e88fd09a16",
               archive_member="valid.tsv", archive_sha256=ARCHIVE_SHA256),
    RemoteFile("test.tsv", URL, "ee41e2c741e0019216952625145af8c4aa8c8d3057ec68284b134267bb845e6f",
               archive_member="test.tsv", archive_sha256=ARCHIVE_SHA256),
)
ROWS = {"train": 10_269, "valid": 1_284, "test": 1_283}

# PolitiFact's Truth-O-Meter, from least to most true.
RATINGS = ("pants-fire", "false", "barely-true", "half-true", "mostly-true", "true")
# The credit-history count column of each rating ("true" has none).
COUNT_COLUMNS = {
    "barely-true": "barely_true_counts",
    "false": "false_counts",
    "half-true": "half_true_counts",
    "mostly-true": "mostly_true_counts",
    "pants-fire": "pants_on_fire_counts",
}
COLUMNS = [
    "liar_id", "rating", "statement", "subject", "speaker", "speaker_job", "state", "party",
    "barely_true_counts", "false_counts", "half_true_counts", "mostly_true_counts", "pants_on_fire_counts",
    "context",
]


def load(seed: int) -> dict[str, pd.DataFrame]:
    """The official train, valid and test splits with LIAR's 14 columns (the seed is not used).

    ``rating`` is the six-way label; the five count columns are integers.
    """
    paths = fetch(DATASET, FILES)
    return {split: _read(paths[f"{split}.tsv"], split) for split in ROWS}


def _read(path: Path, split: str) -> pd.DataFrame:
    import pandas as pd  # imported here so that reading the case spec stays light

    table = pd.read_csv(path, sep="\t", header=None, names=COLUMNS, quoting=csv.QUOTE_NONE, dtype=str,
                        keep_default_na=False, on_bad_lines="error")
    if len(table) != ROWS[split]:
        raise DataSourceError(f"{path}: expected {ROWS[split]:,} rows, got {len(table):,}")
    unknown = sorted(set(table["rating"]) - set(RATINGS))
    if unknown:
        raise DataSourceError(f"{path}: unknown rating(s) {unknown} in column 2; expected one of {RATINGS}")
    for column in COUNT_COLUMNS.values():
        counts = pd.to_numeric(table[column], errors="coerce")
        if counts.isna().any():
            row = int(counts.isna().to_numpy().argmax()) + 1
            raise DataSourceError(f"{path}: line {row}, column {column!r}: {table[column].iloc[row - 1]!r} "
                                  "is not a count")
        table[column] = counts.astype(int)
    return table
