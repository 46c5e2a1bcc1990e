"""The recommendations case: its sources, its time-based splits, its bundle and its starters."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import casekit, needs_mirror

from casekit.cases.recommendations import movielens, prepare, synthetic
from casekit.instances.bundle import BundleMetadata

USER, ITEM = "user_id", "item_id"


@pytest.fixture(scope="module")
def shop():
    """The synthetic source at full size, and its prepared split."""
    tables = synthetic.load(seed=5)
    return tables, prepare.prepare(tables, seed=5)


@pytest.fixture(scope="module")
def ratings():
    needs_mirror("movielens-ml-latest-small")
    return movielens.load(seed=0)


def test_the_synthetic_shop_has_the_size_the_brief_promises(shop):
    tables, _ = shop
    events, items = tables["events"], tables["items"]
    assert 4_500 <= len(items) <= 5_000 and items[ITEM].is_unique
    assert 17_000 <= events[USER].nunique() <= 20_000
    assert 800_000 <= len(events) <= 1_200_000
    assert list(events.columns) == [USER, ITEM, "event", "timestamp"]
    assert list(items.columns) == [ITEM, "department", "category", "brand", "price"]
    assert (events["timestamp"].max() - events["timestamp"].min()).days == 89


def test_synthetic_events_are_mostly_views_then_carts_then_purchases(shop):
    shares = shop[0]["events"]["event"].value_counts(normalize=True)
    assert shares["view"] > shares["add_to_cart"] > shares["purchase"] > 0.03


def test_synthetic_popularity_has_a_long_tail(shop):
    counts = shop[0]["events"][ITEM].value_counts()
    assert counts.iloc[: len(counts) // 5].sum() / counts.sum() > 0.5  # the top fifth draws most events
    assert counts.iloc[-len(counts) // 2:].sum() / counts.sum() < 0.2


def test_synthetic_customers_come_back_to_items_and_rebuy_consumables(shop):
    events, items = shop[0]["events"], shop[0]["items"]
    purchases = events[events["event"] == "purchase"].merge(items[[ITEM, "category"]], on=ITEM)
    repeats = purchases.groupby([USER, ITEM]).size()
    rebought = repeats[repeats > 1].reset_index()[ITEM]
    assert len(rebought) > 1_000
    consumables = {"Coffee & tea", "Dog food", "Printer ink", "Nappies", "Snacks", "Pantry"}
    assert items.set_index(ITEM).loc[rebought, "category"].isin(consumables).mean() > 0.3


def test_the_same_seed_generates_the_same_shop_and_another_seed_another():
    first = synthetic.generate(2_000, 400, seed=3)
    again = synthetic.generate(2_000, 400, seed=3)
    other = synthetic.generate(2_000, 400, seed=4)
    for name in ("events", "items"):
        pd.testing.assert_frame_equal(first[name], again[name])
    assert not first["events"].equals(other["events"])


def test_the_shop_split_is_a_global_cut_with_the_last_week_held_out(shop):
    tables, prepared = shop
    train, held_out, notes = prepare.hold_out(tables["events"])
    cutoff = pd.Timestamp(notes["cutoff"])
    assert train["timestamp"].max() < cutoff <= held_out["timestamp"].min()
    assert (held_out["timestamp"].max() - cutoff).days == prepare.TEST_DAYS - 1
    assert prepared.inputs["train"]["timestamp"].max() < cutoff
    assert len(prepared.inputs["test"]) == held_out[USER].nunique()
    assert len(prepared.answers) == len(held_out[[USER, ITEM]].drop_duplicates())


def test_some_shop_test_users_have_little_or_no_history(shop):
    history = shop[1].answers.drop_duplicates(USER)["train_interactions"]
    assert (history == 0).mean() > 0.03
    assert ((history > 0) & (history <= 4)).sum() > 100


def test_the_labels_are_the_catalogue_most_popular_first(shop):
    prepared = shop[1]
    counts = prepared.inputs["train"][ITEM].value_counts().reindex(list(prepared.labels), fill_value=0)
    assert counts.is_monotonic_decreasing
    assert set(prepared.labels) == set(prepared.inputs["items"][ITEM])


def test_movielens_loads_from_the_pinned_files(ratings):
    assert len(ratings["ratings"]) == 100_836 and len(ratings["items"]) == 9_742
    assert ratings["ratings"][USER].nunique() == 610
    # CRLF line ends do not leak into the last column.
    assert not ratings["items"]["genres"].str.contains("\r").any()


def test_movielens_is_cut_per_user_and_only_liked_movies_are_answers(ratings):
    train, answers, _ = prepare.hold_out(ratings["ratings"])
    full = ratings["ratings"].set_index([USER, ITEM])
    assert (full.loc[pd.MultiIndex.from_frame(answers[[USER, ITEM]]), "rating"] >= prepare.LIKED).all()
    held = full.loc[pd.MultiIndex.from_frame(answers[[USER, ITEM]])].groupby(level=USER)["timestamp"].min()
    last_trained = train.groupby(USER)["timestamp"].max()
    assert (last_trained.reindex(held.index) <= held).all()
    assert not pd.MultiIndex.from_frame(answers[[USER, ITEM]]).isin(pd.MultiIndex.from_frame(train[[USER, ITEM]])).any()


def test_no_held_out_interaction_is_in_the_bundle(tmp_path):
    needs_mirror("movielens-ml-latest-small")
    keys = tmp_path / "keys"
    project = tmp_path / "p"
    casekit("new", "recommendations", "--source", "movielens", "--seed", "2", "-o", project, "--keys-dir", keys,
            check=True)
    key = keys / BundleMetadata.read(project).instance_id / "answers.csv"
    answers = pd.read_csv(key, dtype=str)
    held_out = pd.MultiIndex.from_frame(answers[[USER, ITEM]])
    for path in sorted(project.rglob("*")):
        if not path.is_file():
            continue
        assert key.read_bytes() not in path.read_bytes(), path
        if path.suffix == ".csv":
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
            if {USER, ITEM} <= set(table.columns) and path.name != "sample_submission.csv":
                assert not pd.MultiIndex.from_frame(table[[USER, ITEM]]).isin(held_out).any(), path
    sample = pd.read_csv(project / "data" / "sample_submission.csv", dtype=str)
    assert sample.groupby(USER)[ITEM].apply(tuple).nunique() == 1  # the same list for everyone: no answer in it


def test_movielens_users_get_fresh_ids_from_the_seed(ratings):
    first, again, other = (prepare.prepare(ratings, seed) for seed in (1, 1, 2))
    published = set(ratings["ratings"][USER].astype(str))
    assert not set(first.inputs["test"][USER]) & published
    assert first.inputs["test"][USER].tolist() == again.inputs["test"][USER].tolist()
    assert set(first.inputs["test"][USER]).isdisjoint(other.inputs["test"][USER])


def test_no_test_week_event_is_in_the_shop_bundle(tmp_path):
    keys, project = tmp_path / "keys", tmp_path / "p"
    casekit("new", "recommendations", "--seed", "3", "--scale", "0.2", "-o", project, "--keys-dir", keys,
            "--starter", "empty", check=True)
    bundle = BundleMetadata.read(project)
    cutoff = pd.Timestamp(bundle.notes["cutoff"])
    train = pd.read_csv(project / "data" / "train.csv", parse_dates=["timestamp"])
    assert train["timestamp"].max() < cutoff
    assert pd.read_csv(project / "data" / "test.csv").columns.tolist() == [USER]
    key = (keys / bundle.instance_id / "answers.csv").read_bytes()
    assert all(key not in path.read_bytes() for path in project.rglob("*") if path.is_file())
