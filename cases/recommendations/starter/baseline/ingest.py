"""Stage 1, ingest: read the interactions, the test users and the catalogue from ``data/``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# How much each kind of interaction says about a user's interest in an item.
EVENT_WEIGHTS = {"view": 1.0, "add_to_cart": 2.0, "purchase": 4.0}
LIKED = 4.0
_IDS = {"user_id": str, "item_id": str}


def load_data(data_dir: Path) -> dict[str, pd.DataFrame]:
    """``train`` (the interactions), ``test`` (the users to recommend for, in file order) and
    ``items`` (the catalogue)."""
    return {"train": load_events(data_dir),
            "test": pd.read_csv(data_dir / "test.csv", dtype=_IDS),
            "items": pd.read_csv(data_dir / "items.csv", dtype=_IDS, keep_default_na=False)}


def load_events(data_dir: Path) -> pd.DataFrame:
    """Read ``train.csv``, parse ``timestamp`` and add ``weight``, an interaction's strength.

    Shop events are weighted by type; ratings (MovieLens) weigh 1 when liked (4 stars or
    more) and 0.3 otherwise: a rating still says the user watched the movie.
    """
    events = pd.read_csv(data_dir / "train.csv", dtype=_IDS, parse_dates=["timestamp"])
    if "rating" in events.columns:
        events["weight"] = np.where(events["rating"] >= LIKED, 1.0, 0.3)
    else:
        events["weight"] = events["event"].map(EVENT_WEIGHTS).astype(float)
    return events
