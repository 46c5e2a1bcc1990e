"""Stage 4, predict: score every test segment, then cut each day within its budget."""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import config
from {{ cookiecutter.package_name }}.features import build_features


def predict(model, data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The submission for ``data["test"]``: every segment of every test day with ``selected``
    (1 = in the recap) and ``score`` (the predicted importance).

    A day's recap is the knapsack of its segments: the most valuable set (value = predicted
    importance above the median, times seconds) whose durations fit the day's ``budget``.
    """
    test = data["test"]
    item = test.columns[1]
    features = build_features(test).reindex(columns=model.columns, fill_value=0.0)
    score = model.regressor.predict(features)
    value = np.log1p(np.exp(2.0 * (score - np.median(score)))) * test["duration"].to_numpy()
    selected = np.zeros(len(test), dtype=int)
    for rows in test.groupby(config.ID, sort=False).indices.values():
        lengths = test["duration"].to_numpy()[rows].astype(int)
        budget = int(test["budget"].to_numpy()[rows[0]])
        selected[rows[knapsack(value[rows], lengths, budget)]] = 1
    return pd.DataFrame({config.ID: test[config.ID], item: test[item], "selected": selected,
                         "score": np.round(score, 6)})


def knapsack(values: np.ndarray, lengths: np.ndarray, budget: int) -> np.ndarray:
    """Indices of the most valuable items whose lengths (whole seconds) sum to at most ``budget``.

    Dynamic programming over the seconds 0..budget: ``best[c]`` is the best value within ``c``
    seconds; ``took[i, c]`` whether item ``i`` improved it, to walk back the choice.
    """
    best = np.zeros(budget + 1)
    took = np.zeros((len(values), budget + 1), dtype=bool)
    for i, (value, length) in enumerate(zip(values, lengths)):
        if length > budget or value <= 0:
            continue
        candidate = best[:budget + 1 - length] + value
        better = candidate > best[length:]
        took[i, length:] = better
        best[length:] = np.where(better, candidate, best[length:])
    chosen, left = [], budget
    for i in range(len(values) - 1, -1, -1):
        if took[i, left]:
            chosen.append(i)
            left -= lengths[i]
    return np.array(chosen[::-1], dtype=int)
