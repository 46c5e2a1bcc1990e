"""The synthetic ticket source: size, classes, metadata, noise and determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casekit.cases.tickets import prepare, synthetic


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    return synthetic.load(seed=0)["tickets"]


def test_about_twenty_thousand_tickets_with_the_declared_columns(tickets):
    assert len(tickets) == synthetic.N_TICKETS == 20_000
    assert list(tickets.columns) == ["created_at", "channel", "product_area", "customer_plan", "priority",
                                     "subject", "body", "category"]
    assert tickets.notna().all().all()


def test_at_least_eight_imbalanced_categories(tickets):
    counts = tickets["category"].value_counts()
    assert len(counts) >= 8
    assert set(counts.index) == set(synthetic.CATEGORIES)
    assert counts.max() >= 5 * counts.min()


def test_label_noise_is_between_three_and_five_percent():
    assert 0.03 <= synthetic.LABEL_NOISE <= 0.05
    category = np.arange(len(synthetic.CATEGORIES)).repeat(100)
    relabelled = synthetic._relabel(category, np.random.default_rng(0))
    assert (relabelled != category).mean() == pytest.approx(synthetic.LABEL_NOISE, abs=1 / category.size)


def test_texts_are_varied_not_a_few_templates(tickets):
    assert tickets["body"].nunique() > 0.95 * len(tickets)
    assert tickets["subject"].nunique() > 1_000  # subjects are short, yet not a handful


def test_categories_share_vocabulary(tickets):
    mentions = tickets[tickets["body"].str.contains("export", case=False)]["category"].nunique()
    assert mentions >= 3


def test_metadata_follows_the_category_imperfectly(tickets):
    table = pd.crosstab(tickets["category"], tickets["product_area"], normalize="index")
    assert (table.max(axis=1) < 0.95).all()  # no area gives the category away
    assert (table.max(axis=1) > 0.25).any()  # but areas do carry signal


def test_created_at_is_iso_utc_within_about_a_year(tickets):
    created = pd.to_datetime(tickets["created_at"], format="%Y-%m-%dT%H:%M:%SZ", utc=True)
    assert (created.max() - created.min()).days <= 366


def test_same_seed_gives_identical_bytes_and_another_seed_does_not():
    first = synthetic.generate_tickets(500, seed=3).to_csv()
    assert synthetic.generate_tickets(500, seed=3).to_csv() == first
    assert synthetic.generate_tickets(500, seed=4).to_csv() != first


def test_prepare_holds_out_a_stratified_quarter_with_fresh_ids(tickets):
    prepared = prepare.prepare({"tickets": tickets}, seed=0)
    train, test = prepared.inputs["train"], prepared.inputs["test"]
    assert len(test) == pytest.approx(0.25 * len(tickets), abs=10)
    shares = prepared.answers["category"].value_counts(normalize=True)
    overall = tickets["category"].value_counts(normalize=True)
    assert (shares - overall).abs().max() < 0.005
    assert "category" not in test.columns and len(prepared.labels) == len(synthetic.CATEGORIES)
    assert not set(train["ticket_id"]) & set(test["ticket_id"])
