"""The NLBSE'24 issue-report classification data: real GitHub issues labelled bug, feature
or question, from five large repositories (Kallis et al., NLBSE'24 tool competition).

The files come from the competition repository at a pinned commit and are checked against
pinned sha256s. They are mapped onto the ticket schema: the issue title is the subject, the
repository is the product area. The competition's own train/test split is kept, so scores
are comparable with published results.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from casekit.cases.downloads import DataSourceError, fetch
from casekit.cases.spec import RemoteFile

if TYPE_CHECKING:
    import pandas as pd

DATASET = "nlbse24-github-issues"
COMMIT = "4fc95d4bf62ec3e0444a6f58ce965b3b35286b4a"
_RAW = f"https://raw.githubusercontent.com/nlbse2024/issue-report-classification/{COMMIT}/data"

FILES = (
    RemoteFile(
        name="issues_train.csv",
        url=f"{_RAW}/issues_train.csv",
        sha256="18dc42a30aa33dccadb723ad3baeb164d38bff521496f985ca2791c26b8939f5",
    ),
    RemoteFile(
        name="issues_test.csv",
        url=f"{_RAW}/issues_test.csv",
        sha256="4f7d8619d4e5adbea126e548fd8c214449288f3a93bb3bc130c54cd307af7e85",
    ),
)
ROWS_PER_SPLIT = 1500
_COLUMNS = ["repo", "created_at", "label", "title", "body"]


def load(seed: int) -> dict[str, pd.DataFrame]:
    """The official train and test splits in the ticket schema (the seed is not used)."""
    paths = fetch(DATASET, FILES)
    return {
        "train": _read(paths["issues_train.csv"]),
        "test": _read(paths["issues_test.csv"]),
    }


def _read(path: Path) -> pd.DataFrame:
    import pandas as pd  # imported here so that reading the case spec stays light

    # The competition wrote these files with pandas and escapechar="\\"; bodies span lines.
    raw = pd.read_csv(path, escapechar="\\", dtype=str, keep_default_na=False)
    if list(raw.columns) != _COLUMNS or len(raw) != ROWS_PER_SPLIT:
        raise DataSourceError(
            f"{path}: expected {ROWS_PER_SPLIT} rows with columns {_COLUMNS}, "
            f"got {len(raw)} rows with {list(raw.columns)}"
        )
    created = pd.to_datetime(raw["created_at"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return pd.DataFrame(
        {
            "created_at": created,
            "product_area": raw["repo"],
            "subject": raw["title"],
            "body": raw["body"],
            "category": raw["label"],
        }
    )
