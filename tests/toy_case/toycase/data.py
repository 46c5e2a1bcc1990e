"""Seeded sensor readings, and the split: a quarter of the alarms held out, stratified by fault."""

import numpy as np
import pandas as pd

from casekit.cases.prepared import PreparedData, check_prepared, fresh_ids

FAULTS = ("bearing", "overheat", "misalignment", "none")
SENSORS = ["temperature", "vibration", "current", "pressure"]


def load(seed: int, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """``3000 * scale`` readings; a fault shows as an interaction of two sensors, so trees beat lines."""
    rng = np.random.default_rng(seed)
    n = round(3000 * scale)
    readings = rng.normal(size=(n, len(SENSORS)))
    score = np.column_stack([readings[:, 0] * readings[:, 1], readings[:, 2] + readings[:, 3] ** 2,
                             readings[:, 1] - readings[:, 2], np.full(n, 0.5)])
    fault = np.asarray(FAULTS)[(score + rng.gumbel(size=score.shape) * 0.6).argmax(axis=1)]
    return {"readings": pd.DataFrame(readings, columns=SENSORS).round(4).assign(fault=fault)}


def prepare(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """Train (with faults), test inputs (without) and the answers, with fresh seeded ids."""
    rng = np.random.default_rng(seed)
    readings = tables["readings"].assign(reading_id=fresh_ids(len(tables["readings"]), "R-", rng))
    held = readings.groupby("fault", group_keys=False).sample(frac=0.25, random_state=seed).index
    columns = ["reading_id", *SENSORS, "fault"]
    train = readings.drop(index=held)[columns].sort_values("reading_id", ignore_index=True)
    test = readings.loc[held, columns].sort_values("reading_id", ignore_index=True)
    prepared = PreparedData({"train": train, "test": test.drop(columns="fault")}, test[["reading_id", "fault"]],
                            tuple(sorted(FAULTS)))
    check_prepared(prepared, id_column="reading_id", target="fault", train_columns=columns, test_columns=columns[:-1])
    return prepared
