"""The LIAR source: parsing with quoting off, the label mappings, and the credit-history leak
that prepare removes (shown on the real data from the mirror)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_mirror

from casekit.cases.fake_news import liar, prepare

COUNTS = list(liar.COUNT_COLUMNS.values())


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    needs_mirror("liar")
    return liar.load(seed=0)


def rating_counts(ratings: pd.Series) -> np.ndarray:
    """One row per statement, 1 in the count column of its rating (none for "true")."""
    return np.column_stack([(ratings == rating).to_numpy() for rating in liar.COUNT_COLUMNS]).astype(int)


def test_quoting_off_gives_the_published_row_counts(tables):
    assert {split: len(frame) for split, frame in tables.items()} == {"train": 10_269, "valid": 1_284, "test": 1_283}
    assert tables["train"]["statement"].str.contains('"').any()  # stray quotes stay in the text
    assert tables["test"]["rating"].value_counts().to_dict() == {
        "half-true": 267, "false": 250, "mostly-true": 249, "barely-true": 214, "true": 211, "pants-fire": 92}


def test_binary_variant_maps_the_three_least_true_ratings_to_fake(tables):
    prepared = prepare.prepare_liar(tables, seed=0)
    assert prepared.labels == ("fake", "real")
    assert prepared.answers["label"].value_counts().to_dict() == {"real": 267 + 249 + 211, "fake": 250 + 214 + 92}
    assert len(prepared.inputs["train"]) == 10_269 + 1_284
    assert "rating" not in prepared.inputs["train"].columns and "label" not in prepared.inputs["test"].columns


def test_six_way_variant_keeps_the_ratings_in_truth_o_meter_order(tables):
    prepared = prepare.prepare_liar_six_way(tables, seed=0)
    assert prepared.labels == liar.RATINGS
    assert set(prepared.answers["label"]) == set(liar.RATINGS)


@pytest.mark.parametrize("variant", [prepare.prepare_liar, prepare.prepare_liar_six_way])
def test_the_same_seed_gives_the_same_files_byte_for_byte(tables, variant):
    first, again, other = variant(tables, seed=3), variant(tables, seed=3), variant(tables, seed=4)
    for name in ("train", "test"):
        assert first.inputs[name].to_csv(index=False) == again.inputs[name].to_csv(index=False)
        assert first.inputs[name].to_csv(index=False) != other.inputs[name].to_csv(index=False)
    assert first.answers.to_csv(index=False) == again.answers.to_csv(index=False)


def test_the_published_counts_give_test_ratings_away(tables):
    # Why the counts need fixing: for a speaker with one test statement, their total minus
    # the ratings of their training statements is that test statement's rating.
    known = pd.concat([tables["train"], tables["valid"]])
    test = tables["test"]
    single = test[test["speaker"].map(test["speaker"].value_counts()) == 1]
    known_ratings = pd.DataFrame(rating_counts(known["rating"]), columns=COUNTS)
    known_ratings = known_ratings.groupby(known["speaker"].to_numpy()).sum()
    remainder = single[COUNTS].to_numpy() - known_ratings.reindex(single["speaker"]).fillna(0).to_numpy()
    most = np.array(list(liar.COUNT_COLUMNS))[remainder.argmax(axis=1)]
    revealed = np.where(remainder.sum(axis=1) == 0, "true", most)
    assert (revealed == single["rating"].to_numpy()).mean() > 0.9


def test_no_statement_counts_its_own_rating(tables):
    # Speakers with one statement in all of LIAR whose published history is exactly that
    # statement: the published counts name its rating, the prepared counts are empty.
    everything = pd.concat([tables["train"], tables["valid"], tables["test"]], ignore_index=True)
    alone = everything[everything["speaker"].map(everything["speaker"].value_counts()) == 1]
    own_rating_only = (alone[COUNTS].to_numpy() == rating_counts(alone["rating"])).all(axis=1)
    alone = alone[own_rating_only & (alone["rating"] != "true")]
    assert len(alone) > 100
    known = pd.concat([tables["train"], tables["valid"]], ignore_index=True)
    train, test = prepare.remove_credit_history_leak(known, tables["test"])
    rows = pd.concat([train, test]).set_index("liar_id")
    assert (rows.loc[alone["liar_id"], COUNTS].to_numpy() == 0).all()


def test_the_bundle_does_not_depend_on_the_test_ratings(tables):
    # Shuffle the test ratings and make the published counts agree with the new ratings, as
    # PolitiFact's totals would: the raw counts change, the candidate's files must not.
    shuffled = tables["test"].assign(rating=np.random.default_rng(1).permutation(tables["test"]["rating"].to_numpy()))
    change = pd.DataFrame(rating_counts(shuffled["rating"]) - rating_counts(tables["test"]["rating"]), columns=COUNTS)
    by_speaker = change.groupby(tables["test"]["speaker"].to_numpy()).sum()

    def consistent(frame: pd.DataFrame) -> pd.DataFrame:
        counts = frame[COUNTS].to_numpy() + by_speaker.reindex(frame["speaker"]).fillna(0).to_numpy(int)
        return frame.assign(**dict(zip(COUNTS, counts.T, strict=True)))

    altered = {"train": consistent(tables["train"]), "valid": consistent(tables["valid"]), "test": consistent(shuffled)}
    assert not altered["train"][COUNTS].equals(tables["train"][COUNTS])
    for variant in (prepare.prepare_liar, prepare.prepare_liar_six_way):
        original, other = variant(tables, seed=0), variant(altered, seed=0)
        assert not original.answers.equals(other.answers)
        for name in ("train", "test"):
            pd.testing.assert_frame_equal(original.inputs[name], other.inputs[name])


def test_a_test_statement_has_the_history_its_speakers_training_statements_imply(tables):
    prepared = prepare.prepare_liar_six_way(tables, seed=0)
    train, test = prepared.inputs["train"], prepared.inputs["test"]
    implied = pd.DataFrame(train[COUNTS].to_numpy() + rating_counts(train["label"]), columns=COUNTS)
    implied = implied.groupby(train["speaker"].to_numpy()).max()
    shared = test[test["speaker"].isin(implied.index)]
    agree = (shared[COUNTS].to_numpy() == implied.loc[shared["speaker"]].to_numpy()).all(axis=1)
    assert agree.mean() > 0.98  # the rest are speakers whose published totals are inconsistent
