"""Reference selectors, from trivial to strong.

Every selector follows one small protocol, which the selection evaluator drives:

* ``fit(inputs)`` takes the instance's input tables (``train``, ``test``);
* ``select(test)`` returns the submission for the test table's groups: one row per item with
  ``selected`` (1 or 0) and ``score``, or only the selected items when it has no scores.

They work on both sources: the synthetic season's audio, picture and transcript signals, or
QVHighlights' precomputed Moment-DETR saliency. Each group's cut is the knapsack of
:mod:`casekit.cases.knapsack` on the selector's value of each item (a positive score x seconds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from lightgbm import LGBMRegressor

from casekit.cases.highlights.prepare import BUDGET, LENGTH, TARGET, label_columns
from casekit.cases.knapsack import best_selections

EVENT_WEIGHTS = {"eviction": 2.0, "nomination": 1.5, "task": 0.5, "party": 0.5}
# The strong selector's redundancy penalty: taking two neighbouring items of the same scene
# costs this share of the smaller one's value.
REDUNDANCY = 0.5


def evenly_spaced() -> EvenlySpaced:
    """Items at evenly spaced times through each group, up to its budget."""
    return EvenlySpaced()


def hand_weighted() -> HandWeighted:
    """A hand-weighted score of loudness, laughter, faces and event tags, then the knapsack."""
    return HandWeighted()


def lightgbm_knapsack() -> LightGBMKnapsack:
    """LightGBM on item and context features predicting the editors' mean importance, then the
    knapsack with a redundancy penalty between neighbouring items of a scene."""
    return LightGBMKnapsack()


def columns_of(test: pd.DataFrame) -> tuple[str, str]:
    """The group and item columns: the first two of the table."""
    return test.columns[0], test.columns[1]


class EvenlySpaced:
    """Picks the item under each of k evenly spaced instants of the group's footage, for the
    largest k whose picks fit the budget. Knows nothing of the content: no scores."""

    def fit(self, inputs: dict[str, pd.DataFrame]) -> EvenlySpaced:
        return self

    def select(self, test: pd.DataFrame) -> pd.DataFrame:
        group, item = columns_of(test)
        chosen = []
        for _, rows in test.groupby(group, sort=False):
            lengths = rows[LENGTH].to_numpy(dtype=np.int64)
            budget = int(rows[BUDGET].iloc[0])
            ends = np.cumsum(lengths)
            best = np.zeros(0, dtype=np.int64)
            for k in range(1, len(rows) + 1):
                instants = (np.arange(k) + 0.5) * ends[-1] / k
                picks = np.unique(np.searchsorted(ends, instants, side="right"))
                if lengths[picks].sum() > budget:
                    break
                best = picks
            chosen.append(rows.iloc[best][[group, item]])
        return pd.concat(chosen, ignore_index=True).astype(str)


class HandWeighted:
    """A score anyone could write down without data, then the best cut for it."""

    def fit(self, inputs: dict[str, pd.DataFrame]) -> HandWeighted:
        return self

    def select(self, test: pd.DataFrame) -> pd.DataFrame:
        if "detr_saliency" in test.columns:
            score = test["detr_saliency"].to_numpy(dtype=float) + 0.5 * test["detr_window"].to_numpy(dtype=float)
        else:
            loudness = test["loudness_db"].to_numpy(dtype=float)
            event = test["event"].fillna("").astype(str).map(EVENT_WEIGHTS).fillna(0.0).to_numpy()
            score = ((loudness - 55.0) / 8.0 + 2.0 * test["laughter"].to_numpy(dtype=float)
                     + 0.2 * test["faces"].to_numpy(dtype=float) + event)
        return submission(test, score)


class LightGBMKnapsack:
    """Gradient-boosted trees on item and context features, predicting the mean importance."""

    def __init__(self) -> None:
        self.model = LGBMRegressor(n_estimators=150, learning_rate=0.05, num_leaves=31, min_child_samples=40,
                                   subsample=0.8, subsample_freq=1, colsample_bytree=0.8, random_state=0, n_jobs=1,
                                   verbose=-1)
        self.columns: list[str] = []

    def fit(self, inputs: dict[str, pd.DataFrame]) -> LightGBMKnapsack:
        train = inputs["train"]
        features = item_features(train)
        self.columns = list(features.columns)
        self.model.fit(features, train[TARGET].to_numpy(dtype=float))
        return self

    def select(self, test: pd.DataFrame) -> pd.DataFrame:
        features = item_features(test).reindex(columns=self.columns, fill_value=0.0)
        score = np.asarray(self.model.predict(features), dtype=float)
        same_scene = scene_continues(test)
        return submission(test, score, same_scene)


def submission(test: pd.DataFrame, score: np.ndarray, same_scene: np.ndarray | None = None) -> pd.DataFrame:
    """Every item with its score, and the knapsack's cut on (softplus of the score) x seconds.

    With ``same_scene``, two neighbouring items of one scene cost ``REDUNDANCY`` x the smaller
    one's value.
    """
    group, item = columns_of(test)
    lengths = test[LENGTH].to_numpy(dtype=np.int64)
    sizes = test.groupby(group, sort=False).size().to_numpy()
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    budgets = test[BUDGET].to_numpy(dtype=np.int64)[offsets[:-1]]
    value = np.logaddexp(0.0, 2.0 * (score - np.median(score))) * lengths
    penalty = None
    if same_scene is not None:
        penalty = np.where(same_scene, REDUNDANCY * np.minimum(value, np.roll(value, 1)), 0.0)
    cut = best_selections(value, lengths, offsets, budgets, penalty)
    return pd.DataFrame({group: test[group].astype(str).to_numpy(), item: test[item].astype(str).to_numpy(),
                         "selected": cut.astype(int), "score": np.round(score, 6)})


def scene_continues(table: pd.DataFrame) -> np.ndarray:
    """Whether each item continues the scene of the one before it in its group: the same place
    and people. QVHighlights' 2-second clips are cut from one continuous shot, where the next
    clip carries the moment on rather than repeating it: none counts as redundant there."""
    group = table.columns[0]
    same_group = (table[group] == table[group].shift()).to_numpy()
    if "housemates" not in table.columns:
        return np.zeros(len(table), dtype=bool)
    same_place = (table["location"] == table["location"].shift()).to_numpy()
    same_people = (table["housemates"] == table["housemates"].shift()).to_numpy()
    return same_group & same_place & same_people


def item_features(table: pd.DataFrame) -> pd.DataFrame:
    """Numeric features of each item and its context (neighbours, scene, group), in table order."""
    group = table.columns[0]
    table = table.drop(columns=[column for column in label_columns(table) if column in table.columns])
    if "detr_saliency" in table.columns:
        return _clip_features(table, group)
    return _segment_features(table, group)


def _segment_features(table: pd.DataFrame, group: str) -> pd.DataFrame:
    signals = ["loudness_db", "laughter", "applause", "speech_rate", "sentiment", "faces"]
    frame = table[[*signals, LENGTH]].astype(float)
    clock = pd.to_timedelta(table["start"]).dt.total_seconds().to_numpy() / 3600.0
    frame["hour"] = clock
    frame["diary_room"] = (table["location"] == "diary_room").astype(float)
    for location in ("kitchen", "living_room", "garden", "bedroom", "pool", "task_room"):
        frame[f"at_{location}"] = (table["location"] == location).astype(float)
    for event in EVENT_WEIGHTS:
        frame[f"event_{event}"] = (table["event"].fillna("") == event).astype(float)
        frame[f"day_has_{event}"] = frame.groupby(table[group].to_numpy())[f"event_{event}"].transform("max")
    people = table["housemates"].fillna("").str.get_dummies(sep=";")
    frame[[f"with_{name}" for name in people.columns]] = people.to_numpy(dtype=float)
    scene = (~scene_continues(table)).cumsum()
    by_scene = frame.groupby(scene)
    frame["scene_items"] = by_scene["loudness_db"].transform("size")
    frame["scene_position"] = by_scene.cumcount()
    for signal in ("loudness_db", "laughter", "speech_rate", "sentiment"):
        frame[f"scene_mean_{signal}"] = by_scene[signal].transform("mean")
        frame[f"scene_max_{signal}"] = by_scene[signal].transform("max")
        frame[f"vs_scene_{signal}"] = frame[signal] - frame[f"scene_mean_{signal}"]
    return _neighbours(frame, table[group], ["loudness_db", "laughter", "speech_rate", "sentiment"])


def _clip_features(table: pd.DataFrame, group: str) -> pd.DataFrame:
    frame = table[["detr_saliency", "detr_window", "position"]].astype(float)
    by_group = frame.groupby(table[group].to_numpy())
    frame["saliency_rank"] = by_group["detr_saliency"].rank(ascending=False)
    frame["saliency_vs_mean"] = frame["detr_saliency"] - by_group["detr_saliency"].transform("mean")
    frame["saliency_vs_max"] = frame["detr_saliency"] - by_group["detr_saliency"].transform("max")
    frame["query_words"] = table["query"].str.split().str.len().astype(float)
    return _neighbours(frame, table[group], ["detr_saliency", "detr_window"])


def _neighbours(frame: pd.DataFrame, groups: pd.Series, signals: list[str]) -> pd.DataFrame:
    """Each signal's mean over the items around this one (within its group)."""
    keys = groups.to_numpy()
    for signal in signals:
        by_group = frame.groupby(keys)[signal]
        for span in (1, 2):
            before = by_group.shift(span)
            after = by_group.shift(-span)
            frame[f"{signal}_around_{span}"] = pd.concat([before, after], axis=1).mean(axis=1)
        frame[f"{signal}_window_5"] = by_group.transform(lambda values: values.rolling(5, center=True,
                                                                                         min_periods=1).mean())
    return frame
