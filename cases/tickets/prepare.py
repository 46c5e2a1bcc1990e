"""Split ticket data into the candidate's train and test inputs and the held-out answers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.errors import DataSourceError
from casekit.cases.prepared import PreparedData, check_prepared, fresh_ids

ID_COLUMN = "ticket_id"
TARGET = "category"
TEST_FRACTION = 0.25
# Every source carries these columns in this order; only the metadata ones may be absent.
FEATURE_COLUMNS = ["created_at", "channel", "product_area", "customer_plan", "priority", "subject", "body"]
REQUIRED_FEATURES = {"created_at", "subject", "body"}


def prepare(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """Return train (with labels), test inputs (no labels) and answers.

    A synthetic source gives one ``tickets`` table, split at random, stratified by category,
    with a quarter held out. A real source that ships its own ``train`` and ``test`` keeps
    that split. Either way every row gets a fresh random id and the test rows are ordered by
    id, so neither ids nor row order reveal a label or the original order.
    """
    rng = np.random.default_rng(seed)
    if "tickets" in tables:
        train, test = _stratified_split(tables["tickets"], rng)
        split = f"random, stratified by {TARGET}, {TEST_FRACTION:.0%} held out"
    else:
        train, test = tables["train"], tables["test"]
        split = "the source's official train/test split"

    feature_columns = _feature_columns(train)
    ids = fresh_ids(len(train) + len(test), "T-", rng)
    train = train.assign(**{ID_COLUMN: ids[: len(train)]})
    test = test.assign(**{ID_COLUMN: ids[len(train) :]})
    train = train[[ID_COLUMN, *feature_columns, TARGET]].sort_values(ID_COLUMN, ignore_index=True)
    test = test[[ID_COLUMN, *feature_columns, TARGET]].sort_values(ID_COLUMN, ignore_index=True)

    labels = tuple(sorted(set(train[TARGET]) | set(test[TARGET])))
    prepared = PreparedData(
        inputs={"train": train, "test": test.drop(columns=TARGET)},
        answers=test[[ID_COLUMN, TARGET]],
        labels=labels,
        notes={"split": split, "train_rows": len(train), "test_rows": len(test)},
    )
    check_prepared(
        prepared,
        id_column=ID_COLUMN,
        target=TARGET,
        train_columns=[ID_COLUMN, *feature_columns, TARGET],
        test_columns=[ID_COLUMN, *feature_columns],
    )
    return prepared


def _feature_columns(table: pd.DataFrame) -> list[str]:
    unexpected = set(table.columns) - set(FEATURE_COLUMNS) - {TARGET}
    missing = REQUIRED_FEATURES - set(table.columns)
    if unexpected or missing or TARGET not in table.columns:
        raise DataSourceError(
            f"ticket source table: unexpected columns {sorted(unexpected)}, "
            f"missing {sorted(missing | ({TARGET} - set(table.columns)))}"
        )
    return [column for column in FEATURE_COLUMNS if column in table.columns]


def _stratified_split(tickets: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    test_mask = np.zeros(len(tickets), dtype=bool)
    for positions in tickets.groupby(TARGET, sort=True).indices.values():
        chosen = rng.permutation(positions)[: round(len(positions) * TEST_FRACTION)]
        test_mask[chosen] = True
    return tickets[~test_mask], tickets[test_mask]
