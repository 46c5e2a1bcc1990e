"""One table split into a case instance: at random within classes or deciles, by time, by group,
with fresh seeded ids, byte for byte the same for the same seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casekit.cases.errors import CaseSpecError
from casekit.cases.table_split import TableSplit
from casekit.files.fingerprint import csv_bytes


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 1_000
    return pd.DataFrame({
        "customer": rng.integers(0, 120, n).astype(str),
        "opened_at": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        "amount": rng.gamma(2.0, 50.0, n).round(2),
        "plan": rng.choice(["free", "pro", "team"], n, p=[0.7, 0.25, 0.05]),
        "spend": rng.gamma(2.0, 10.0, n),
    })


def split(**settings) -> TableSplit:
    defaults = {"table": "table", "id_column": "row_id", "target": "plan", "classification": True,
                "features": ("customer", "opened_at", "amount")}
    return TableSplit(**{**defaults, **settings})


def test_a_random_split_keeps_every_class_share_in_the_test_set(table):
    prepared = split()({"table": table}, seed=1)
    test_share = prepared.answers["plan"].value_counts(normalize=True)
    table_share = table["plan"].value_counts(normalize=True)
    assert len(prepared.answers) == 250
    assert (test_share - table_share).abs().max() < 0.01


def test_a_regression_split_draws_within_deciles_of_the_target(table):
    prepared = split(target="spend", classification=False, features=("customer", "plan"))({"table": table}, seed=1)
    deciles = pd.qcut(table["spend"], 10, labels=False)
    held_out = deciles[table["spend"].isin(prepared.answers["spend"])]
    assert held_out.value_counts().to_dict() == dict.fromkeys(range(10), 25)


def test_by_time_every_test_row_is_later_than_every_training_row(table):
    prepared = split(time_column="opened_at")({"table": table}, seed=1)
    train, test = prepared.inputs["train"], prepared.inputs["test"]
    assert train["opened_at"].max() < test["opened_at"].min()
    assert 0.2 <= len(test) / len(table) <= 0.26  # rows sharing the last training day stay in train
    assert prepared.notes["split"].startswith("by time")


def test_by_group_no_customer_is_on_both_sides(table):
    prepared = split(group_column="customer")({"table": table}, seed=1)
    assert not set(prepared.inputs["train"]["customer"]) & set(prepared.inputs["test"]["customer"])
    assert 0.2 <= len(prepared.answers) / len(table) <= 0.3


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_ids(table):
    first, again, other = (split()({"table": table}, seed) for seed in (5, 5, 6))
    assert csv_bytes(first.inputs["train"]) == csv_bytes(again.inputs["train"])
    assert csv_bytes(first.answers) == csv_bytes(again.answers)
    assert not set(first.answers["row_id"]) & set(other.answers["row_id"])


def test_ids_are_fresh_and_rows_come_in_id_order(table):
    prepared = split(id_prefix="P-")({"table": table}, seed=2)
    ids = prepared.inputs["train"]["row_id"]
    assert ids.str.startswith("P-").all() and ids.is_monotonic_increasing
    assert list(prepared.inputs["test"].columns) == ["row_id", "customer", "opened_at", "amount"]


def test_datetimes_are_issued_in_iso_8601(table):
    prepared = split()({"table": table}, seed=2)
    assert prepared.inputs["train"]["opened_at"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_rows_without_a_target_or_a_time_are_left_out_and_counted(table):
    holes = table.copy()
    holes.loc[:9, "plan"] = None
    holes.loc[10:14, "opened_at"] = pd.NaT
    prepared = split(time_column="opened_at")({"table": holes}, seed=1)
    assert prepared.notes["rows_without_target"] == 10 and prepared.notes["rows_without_time"] == 5
    assert len(prepared.inputs["train"]) + len(prepared.answers) == len(table) - 15


def test_a_split_by_time_and_group_at_once_is_refused():
    with pytest.raises(CaseSpecError, match="by time or by group"):
        split(time_column="opened_at", group_column="customer")
