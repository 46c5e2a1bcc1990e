"""The output of a case's ``prepare``: the candidate's inputs and the held-out answers.

``prepare`` functions finish with :func:`check_prepared`, which enforces the contract every
classification case shares: disjoint ids, exact columns, no target in the test inputs, and an
answer for every test row; ranking cases finish with :func:`check_ranking_prepared`.
:func:`fresh_ids` gives rows ids that carry no information.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from casekit.cases.errors import PrepareError


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
        The class labels, in the order submissions and reports use. For ranking, the item
        catalogue, most interacted-with in training first (the metrics tell head from
        long-tail items by this order).
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


def check_ranking_prepared(
    prepared: PreparedData,
    *,
    user_column: str,
    item_column: str,
    columns: dict[str, list[str]],
    answer_columns: list[str],
    catalogue_table: str = "items",
    test_table: str = "test",
    past_items_table: str | None = None,
) -> None:
    """Assert the shared contract of a ranking split; raise :class:`PrepareError`.

    ``columns`` gives each input table's exact columns. The test table lists each test user
    once; the answers hold distinct ``(user, item)`` pairs for exactly the test users; every
    item anywhere is in the catalogue, and the labels are the catalogue, each item once.

    With ``past_items_table`` (last month's events, when the catalogue is next week's), the
    inputs may also name the items of that table, which no list may name: it shares no item
    with the catalogue, and no answer names one of its items.
    """
    for name, expected in columns.items():
        _expect_columns(prepared.inputs[name], expected, name)
    answers = prepared.answers
    _expect_columns(answers, answer_columns, "answers")
    for name, frame in [*prepared.inputs.items(), ("answers", answers)]:
        for column in (user_column, item_column):
            if column in frame.columns and frame[column].isna().any():
                raise PrepareError(f"{name}: missing values in {column!r}")

    test_users = prepared.inputs[test_table][user_column]
    if test_users.duplicated().any():
        raise PrepareError(f"{test_table}: a test user is listed twice")
    if set(answers[user_column]) != set(test_users):
        raise PrepareError("the answers do not cover exactly the test users")
    if answers.duplicated([user_column, item_column]).any():
        raise PrepareError("answers: a (user, item) pair is listed twice")

    catalogue = prepared.inputs[catalogue_table][item_column]
    if catalogue.duplicated().any():
        raise PrepareError(f"{catalogue_table}: an item is listed twice")
    known = set(catalogue)
    past: set[object] = set()
    if past_items_table is not None:
        past_items = prepared.inputs[past_items_table][item_column]
        if past_items.duplicated().any():
            raise PrepareError(f"{past_items_table}: an item is listed twice")
        past = set(past_items)
        if past & known:
            raise PrepareError(f"{past_items_table}: {len(past & known):,} item(s) are also in the catalogue "
                               f"({catalogue_table})")
    for name, frame in prepared.inputs.items():
        if name not in (catalogue_table, past_items_table) and item_column in frame.columns \
                and not set(frame[item_column]) <= known | past:
            raise PrepareError(f"{name}: names items that are not in the catalogue")
    if not set(answers[item_column]) <= known:
        raise PrepareError("answers: names items that are not in the catalogue")
    if len(prepared.labels) != len(known) or set(prepared.labels) != known:
        raise PrepareError("the labels are not the catalogue, each item once")


def _expect_columns(frame: pd.DataFrame, expected: list[str], name: str) -> None:
    if list(frame.columns) != list(expected):
        raise PrepareError(f"{name}: columns {list(frame.columns)} != expected {list(expected)}")


def check_selection_prepared(
    prepared: PreparedData,
    *,
    group_column: str,
    item_column: str,
    length_column: str,
    budget_column: str,
    train_columns: list[str],
    test_columns: list[str],
    answer_columns: list[str],
) -> None:
    """Assert the shared contract of a selection split; raise :class:`PrepareError`.

    Train and test list items group by group (a group's rows together), each item once; no
    group is in both; lengths are whole seconds of at least 1 and every group's budget holds
    any one of its items; the answers list exactly the test items, in the test table's order,
    and every editor the labels name has its two columns.
    """
    train, test, answers = prepared.inputs["train"], prepared.inputs["test"], prepared.answers
    _expect_columns(train, train_columns, "train")
    _expect_columns(test, test_columns, "test")
    _expect_columns(answers, answer_columns, "answers")
    for name, frame in (("train", train), ("test", test), ("answers", answers)):
        for column in (group_column, item_column):
            if frame[column].isna().any() or (frame[column].astype(str).str.strip() == "").any():
                raise PrepareError(f"{name}: missing values in {column!r}")
        if frame[item_column].duplicated().any():
            raise PrepareError(f"{name}: an item is listed twice in {item_column!r}")
        runs = (frame[group_column] != frame[group_column].shift()).sum()
        if runs != frame[group_column].nunique():
            raise PrepareError(f"{name}: the rows of a {group_column} are not together")
        lengths = pd.to_numeric(frame[length_column])
        if not pd.api.types.is_integer_dtype(lengths) or (lengths < 1).any():
            raise PrepareError(f"{name}: {length_column!r} must be whole seconds, at least 1")
        longest = lengths.groupby(frame[group_column]).max()
        budget = pd.to_numeric(frame[budget_column]).groupby(frame[group_column]).agg(["min", "max"])
        if (budget["min"] != budget["max"]).any() or (budget["min"] < longest).any():
            raise PrepareError(f"{name}: a {group_column}'s {budget_column!r} differs between its rows, or cannot "
                               "hold its longest item")
    if set(train[group_column]) & set(test[group_column]):
        raise PrepareError(f"a {group_column} is in both train and test")
    if answers[[group_column, item_column]].astype(str).values.tolist() != \
            test[[group_column, item_column]].astype(str).values.tolist():
        raise PrepareError("the answers do not list exactly the test items, in the test table's order")
    for editor in prepared.labels:
        for prefix in ("selected_", "importance_"):
            if f"{prefix}{editor}" not in answers.columns:
                raise PrepareError(f"answers: editor {editor!r} has no column {prefix}{editor!r}")


def check_generation_prepared(
    prepared: PreparedData,
    *,
    id_column: str,
    target: str,
    train_columns: list[str],
    test_columns: list[str],
) -> None:
    """Assert the contract of a text-generation split; raise :class:`PrepareError`.

    The answer key holds one row per reference (an id once for each); every test id has one at
    least, every reference is one non-empty line, and the ids of train and test are distinct.
    """
    train, test, answers = prepared.inputs["train"], prepared.inputs["test"], prepared.answers
    _expect_columns(train, train_columns, "train")
    _expect_columns(test, test_columns, "test")
    _expect_columns(answers, [id_column, target], "answers")
    if target in test.columns:
        raise PrepareError(f"the target {target!r} leaks into the test inputs")
    for name, frame in (("train", train), ("test", test)):
        if frame[id_column].isna().any() or frame[id_column].duplicated().any():
            raise PrepareError(f"{name}: missing or duplicate ids in {id_column!r}")
    if set(train[id_column]) & set(test[id_column]):
        raise PrepareError("some ids are in both train and test")
    if set(answers[id_column]) != set(test[id_column]):
        raise PrepareError("the answers do not cover exactly the test rows")
    texts = answers[target].astype(str)
    if (texts.str.strip() == "").any() or texts.str.contains(r"[\n\r]").any():
        raise PrepareError("answers: every reference must be one non-empty line")
