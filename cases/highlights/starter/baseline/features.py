"""Stage 2, features: one numeric row per segment, from the segment and its neighbours."""

from __future__ import annotations

import pandas as pd

# The signals every segment has, on the synthetic season; QVHighlights' clips have Moment-DETR's.
SIGNALS = ["loudness_db", "laughter", "applause", "speech_rate", "sentiment", "faces"]
CLIP_SIGNALS = ["detr_saliency", "detr_window"]
EVENTS = ["task", "party", "nomination", "eviction"]
LOCATIONS = ["kitchen", "living_room", "garden", "bedroom", "pool", "diary_room", "task_room"]


def build_features(table: pd.DataFrame) -> pd.DataFrame:
    """The model's inputs, one row per row of ``table`` (train or test), in its order.

    Each signal as it is, the mean of the same signal over the segments just before and after
    (context: the build-up to a fight, the laughter after a joke), the hour, and one-hot place
    and event. The first column of ``table`` is the group (a day, or a query).
    """
    group = table[table.columns[0]]
    if "detr_saliency" in table.columns:
        frame = table[CLIP_SIGNALS + ["position"]].astype(float)
        signals = CLIP_SIGNALS
    else:
        frame = table[SIGNALS + ["duration"]].astype(float)
        frame["hour"] = pd.to_timedelta(table["start"]).dt.total_seconds() / 3600.0
        for event in EVENTS:
            frame[f"event_{event}"] = (table["event"] == event).astype(float)
        for location in LOCATIONS:
            frame[f"at_{location}"] = (table["location"] == location).astype(float)
        signals = SIGNALS
    for signal in signals:
        by_group = frame.groupby(group.to_numpy())[signal]
        frame[f"{signal}_around"] = pd.concat([by_group.shift(1), by_group.shift(-1)], axis=1).mean(axis=1)
    return frame
