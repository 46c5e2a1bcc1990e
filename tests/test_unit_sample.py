"""A real source at a scale below 1: a seeded sample of its units, with its structure kept."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import casekit, needs_mirror

from casekit import cases
from casekit.cases.errors import CaseSpecError, DataSourceError
from casekit.cases.unit_sample import sample_units


def users_and_ratings() -> dict[str, pd.DataFrame]:
    users = pd.DataFrame({"user_id": [f"u{i}" for i in range(100)]})
    ratings = pd.DataFrame({"user_id": [f"u{i % 100}" for i in range(1000)], "rating": range(1000)})
    items = pd.DataFrame({"item_id": ["a", "b"]})
    return {"users": users, "ratings": ratings, "items": items}


def test_a_column_unit_keeps_that_share_of_its_values_with_all_their_rows():
    sampled = sample_units(users_and_ratings(), {"users": "user_id", "ratings": "user_id"}, 0.3, seed=1)
    assert len(sampled["users"]) == 30
    assert set(sampled["ratings"]["user_id"]) == set(sampled["users"]["user_id"])
    assert len(sampled["ratings"]) == 300  # every kept user's ten ratings


def test_tables_not_named_are_kept_whole():
    sampled = sample_units(users_and_ratings(), {"ratings": "user_id"}, 0.3, seed=1)
    assert len(sampled["users"]) == 100 and len(sampled["items"]) == 2


def test_a_row_unit_keeps_that_share_of_the_rows_in_their_order():
    rows = pd.DataFrame({"text": [f"t{i}" for i in range(200)]})
    kept = sample_units({"emails": rows}, {"emails": None}, 0.25, seed=3)["emails"]
    assert len(kept) == 50
    assert kept["text"].str[1:].astype(int).is_monotonic_increasing


def test_the_same_seed_keeps_the_same_units_and_another_seed_others():
    units = {"users": "user_id", "ratings": "user_id"}
    first = sample_units(users_and_ratings(), units, 0.3, seed=1)
    again = sample_units(users_and_ratings(), units, 0.3, seed=1)
    other = sample_units(users_and_ratings(), units, 0.3, seed=2)
    assert first["ratings"].equals(again["ratings"])
    assert not first["users"].equals(other["users"])


def test_a_unit_column_the_table_lacks_is_named_in_the_error():
    with pytest.raises(DataSourceError, match=r"movielens: table 'ratings' has no column 'member_id'"):
        sample_units(users_and_ratings(), {"ratings": "member_id"}, 0.5, seed=1, source="movielens")


def test_a_fraction_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="fraction must be in"):
        sample_units(users_and_ratings(), {"ratings": "user_id"}, 1.5, seed=1)


def test_every_real_source_with_sample_units_names_tables_and_columns_it_has():
    needs_mirror()
    for case in cases.all():
        for source in case.sources:
            if source.synthetic or not source.sample_units:
                continue
            whole = source.load_tables(5)
            sampled = source.load_tables(5, source.conformance_scale)
            sizes = {name: (len(sampled[name]), len(whole[name])) for name in source.sample_units}
            assert all(0 < kept < total for kept, total in sizes.values()), (case.slug, source.name, sizes)


def test_a_real_source_cannot_be_scaled_up():
    source = cases.get("tickets").source("nlbse24")
    with pytest.raises(CaseSpecError, match="cannot grow"):
        source.load_tables(5, 2.0)


def test_casekit_new_issues_a_sample_of_a_real_source(tmp_path):
    needs_mirror()
    project = tmp_path / "tickets"
    casekit("new", "tickets", "--source", "nlbse24", "--seed", "3", "--scale", "0.2", "-o", project, check=True)
    train = pd.read_csv(project / "data" / "train.csv")
    test = pd.read_csv(project / "data" / "test.csv")
    assert len(train) + len(test) == 600  # a fifth of the 3,000 issues


def test_casekit_new_refuses_to_scale_a_real_source_up_naming_it(tmp_path):
    result = casekit("new", "tickets", "--source", "nlbse24", "--scale", "2", "-o", tmp_path / "t")
    assert result.returncode == 2
    assert "'nlbse24' is a real dataset" in result.stderr and "Traceback" not in result.stderr
