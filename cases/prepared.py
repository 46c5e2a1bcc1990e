"""The output of a case's ``prepare``: the candidate's inputs and the held-out answers.

``prepare`` functions finish with :func:`check_prepared`, which enforces the contract every
case shares: disjoint ids, exact columns, no target in the test inputs, and an answer for
every test row. :func:`fresh_ids` gives rows ids that carry no information.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


class PrepareError(AssertionError):
    """A prepared split broke the case contract (a bug in the case, not in user input)."""


@dataclass(frozen=True)
class PreparedData:
    """One case instance: the files the candidate gets and the answers they never see.

    Attributes
    ----------
    inputs : dict of str to DataFrame
        Tables written to the candidate's ``data/`` folder, e.g. ``{"train": ..., "test": ...}``.
    answers : DataFrame
        The answer key: the id column and the target, one row per test row, sorted by id.
    labels : tuple of str
        The class labels, in the order submissions and reports use (empty for ranking).
    notes : dict
        Facts about the split worth recording in the bundle (e.g. the temporal cut-off).
    """

    inputs: dict[str, pd.DataFrame]
    answers: pd.DataFrame
    labels: tuple[str, ...] = ()
    notes: dict[str, object] = field(default_factory=dict)


def fresh_ids(n: int, prefix: str, rng: np.random.Generator) -> np.ndarray:
    """Return ``n`` distinct random ids such as ``"T-3f9a0c1d2e"``.

    The ids come from the seeded generator alone, so they encode neither a label nor a
    row's original position.

    Examples
    --------
    >>> ids = fresh_ids(3, "T-", np.random.default_rng(0))
    >>> len(set(ids)), ids[0].startswith("T-")
    (3, True)
    """
    width = max(10, len(f"{4 * n:x}"))
    seen: set[int] = set()
    values: list[int] = []
    while len(values) < n:
        for value in rng.integers(0, 16**width, size=n - len(values), dtype=np.uint64):
            if int(value) not in seen:
                seen.add(int(value))
                values.append(int(value))
    return np.array([f"{prefix}{value:0{width}x}" for value in values], dtype=object)


def check_prepared(
    prepared: PreparedData,
    *,
    id_column: str,
    target: str,
    train_table: str = "train",
    test_table: str = "test",
    train_columns: list[str],
    test_columns: list[str],
) -> None:
    """Assert the shared contract of a classification split; raise :class:`PrepareError`."""
    train = prepared.inputs[train_table]
    test = prepared.inputs[test_table]
    answers = prepared.answers

    _expect_columns(train, train_columns, train_table)
    _expect_columns(test, test_columns, test_table)
    _expect_columns(answers, [id_column, target], "answers")
    if target in test.columns:
        raise PrepareError(f"the target {target!r} leaks into the test inputs")

    for name, frame in ((train_table, train), (test_table, test), ("answers", answers)):
        if frame[id_column].isna().any():
            raise PrepareError(f"{name}: missing values in id column {id_column!r}")
        if frame[id_column].duplicated().any():
            raise PrepareError(f"{name}: duplicate ids in {id_column!r}")

    overlap = set(train[id_column]) & set(test[id_column])
    if overlap:
        raise PrepareError(f"{len(overlap)} ids are in both {train_table} and {test_table}")
    if set(answers[id_column]) != set(test[id_column]):
        raise PrepareError("the answers do not cover exactly the test rows")
    if prepared.labels:
        unknown = set(answers[target]) - set(prepared.labels)
        if unknown:
            raise PrepareError(f"answers hold labels outside the label set: {sorted(unknown)}")


def _expect_columns(frame: pd.DataFrame, expected: list[str], name: str) -> None:
    if list(frame.columns) != list(expected):
        raise PrepareError(f"{name}: columns {list(frame.columns)} != expected {list(expected)}")
