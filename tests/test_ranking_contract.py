"""The shared contract of a ranking split: ``check_ranking_prepared`` refuses each way of breaking it."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from casekit.cases.prepared import PreparedData, PrepareError, check_ranking_prepared

USER, ITEM = "user_id", "item_id"


def split(**changes) -> PreparedData:
    """A tiny valid split: two test users, a catalogue of three items; ``changes`` replace parts."""
    parts = {
        "train": pd.DataFrame({USER: ["u1", "u2", "u3"], ITEM: ["a", "b", "c"], "timestamp": [1, 2, 3]}),
        "test": pd.DataFrame({USER: ["u1", "u4"]}),
        "items": pd.DataFrame({ITEM: ["a", "b", "c"], "title": ["A", "B", "C"]}),
        "answers": pd.DataFrame({USER: ["u1", "u1", "u4"], ITEM: ["b", "c", "a"], "train_interactions": [1, 1, 0]}),
        "labels": ("a", "b", "c"),
    }
    parts.update(changes)
    return PreparedData(inputs={name: parts[name] for name in ("train", "test", "items")}, answers=parts["answers"],
                        labels=parts["labels"])


def check(prepared: PreparedData) -> None:
    check_ranking_prepared(prepared, user_column=USER, item_column=ITEM,
                           columns={"train": [USER, ITEM, "timestamp"], "test": [USER], "items": [ITEM, "title"]},
                           answer_columns=[USER, ITEM, "train_interactions"])


def test_a_valid_split_passes():
    check(split())


def with_rows(name: str, extra: dict) -> Callable[[], PreparedData]:
    def make() -> PreparedData:
        frame = split().answers if name == "answers" else split().inputs[name]
        return split(**{name: pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)})
    return make


BROKEN = {
    "an item column in the test inputs": (
        lambda: split(test=pd.DataFrame({USER: ["u1", "u4"], ITEM: ["b", "a"]})), "test: columns"),
    "a missing answer column": (
        lambda: split(answers=split().answers.drop(columns="train_interactions")), "answers: columns"),
    "a missing user": (
        lambda: split(train=split().inputs["train"].assign(**{USER: ["u1", None, "u3"]})), "missing values"),
    "a test user listed twice": (with_rows("test", {USER: ["u1"]}), "a test user is listed twice"),
    "an answer for a user who is not a test user": (
        with_rows("answers", {USER: ["u9"], ITEM: ["a"], "train_interactions": [0]}), "exactly the test users"),
    "a test user without answers": (with_rows("test", {USER: ["u5"]}), "exactly the test users"),
    "an answer pair listed twice": (
        with_rows("answers", {USER: ["u1"], ITEM: ["b"], "train_interactions": [1]}), "listed twice"),
    "a catalogue item listed twice": (with_rows("items", {ITEM: ["a"], "title": ["A again"]}),
                                      "an item is listed twice"),
    "a training item outside the catalogue": (
        with_rows("train", {USER: ["u1"], ITEM: ["z"], "timestamp": [4]}), "train: names items"),
    "an answer item outside the catalogue": (
        with_rows("answers", {USER: ["u4"], ITEM: ["z"], "train_interactions": [0]}), "answers: names items"),
    "labels that are not the catalogue": (lambda: split(labels=("a", "b")), "the labels are not the catalogue"),
    "labels that repeat an item": (lambda: split(labels=("a", "b", "b", "c")), "the labels are not the catalogue"),
}


@pytest.mark.parametrize("fault", list(BROKEN))
def test_a_broken_split_is_refused(fault):
    make, message = BROKEN[fault]
    with pytest.raises(PrepareError, match=message):
        check(make())
