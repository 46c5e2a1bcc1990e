"""The synthetic fake-news source: its structure (reliability priors, imperfect cues, reposts,
drift), its determinism, and the temporal split that prepare makes of it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casekit.cases.fake_news import prepare, synthetic


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return synthetic.load(seed=0)["posts"]


@pytest.fixture(scope="module")
def prepared(posts):
    return prepare.prepare_posts({"posts": posts}, seed=0)


def published(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["published_at"], format="%Y-%m-%dT%H:%M:%SZ", utc=True)


def test_sixteen_thousand_posts_with_the_declared_columns(posts):
    assert len(posts) == synthetic.N_POSTS == 16_000
    assert list(posts.columns) == synthetic.COLUMNS
    assert posts.notna().all().all()
    assert set(posts["label"]) == {"fake", "real"}
    assert 0.25 <= (posts["label"] == "fake").mean() <= 0.45
    assert (posts["share_count"] >= 0).all()


def test_label_noise_flips_exactly_the_declared_share():
    codes = np.zeros(1_000, dtype=np.int64)
    flipped = synthetic._flip(codes, np.random.default_rng(0))
    assert flipped.mean() == synthetic.LABEL_NOISE


def test_domains_have_very_different_reliability(posts):
    fake_rate = posts.groupby("domain")["label"].apply(lambda labels: (labels == "fake").mean())
    assert fake_rate.min() < 0.1 and fake_rate.max() > 0.6
    assert posts["domain"].nunique() >= 30


def test_clickbait_is_more_common_on_fake_posts_but_not_only_there(posts):
    sold = posts["title"].str.contains(r"!|\b[A-Z]{4,}\b|^(?:SHOCKING|BREAKING|MUST SEE|WOW)", regex=True)
    by_label = sold.groupby(posts["label"]).mean()
    assert by_label["fake"] > 1.5 * by_label["real"]
    assert by_label["real"] > 0.03  # tabloids sell true stories too
    assert by_label["fake"] < 0.5  # and many fake stories are written soberly


def test_stories_are_reposted_as_near_duplicates_by_other_accounts(posts):
    stripped = posts["title"].str.replace(r"^(?:RT: |Must read: |Wow: )", "", regex=True)
    reposts = posts[stripped.duplicated(keep=False) & posts["author"].str.contains(r"^@\w+_\w+\d+$")]
    assert len(reposts) > 0.15 * len(posts)
    # Reposts carry their story's verdict: within a headline, labels disagree only through noise.
    mixed = posts.assign(story=stripped).groupby("story")["label"].nunique()
    assert (mixed > 1).mean() < 0.1


def test_the_topic_mix_drifts_over_the_year(posts):
    when = published(posts)
    first_quarter = posts.loc[when < "2024-04-01", "topic"].value_counts(normalize=True)
    last_quarter = posts.loc[when >= "2024-10-01", "topic"].value_counts(normalize=True)
    assert last_quarter["elections"] > 3 * first_quarter["elections"]
    assert first_quarter["health"] > 1.5 * last_quarter["health"]


def test_same_seed_gives_identical_bytes_and_another_seed_does_not():
    first = synthetic.generate_posts(600, seed=3).to_csv()
    assert synthetic.generate_posts(600, seed=3).to_csv() == first
    assert synthetic.generate_posts(600, seed=4).to_csv() != first


def test_every_test_post_is_later_than_every_training_post(prepared):
    train, test = prepared.inputs["train"], prepared.inputs["test"]
    assert published(test).min() > published(train).max()
    assert len(test) == pytest.approx(prepare.TEST_FRACTION * synthetic.N_POSTS, abs=5)


def test_the_test_period_has_domains_that_training_never_saw(prepared):
    train, test = prepared.inputs["train"], prepared.inputs["test"]
    unseen = ~test["domain"].isin(set(train["domain"]))
    assert 0.02 < unseen.mean() < 0.2


def test_prepare_gives_fresh_ids_and_keeps_the_label_out_of_the_test_inputs(prepared, posts):
    train, test = prepared.inputs["train"], prepared.inputs["test"]
    assert "label" not in test.columns and list(prepared.answers.columns) == ["post_id", "label"]
    assert not set(train["post_id"]) & set(test["post_id"])
    assert list(test["post_id"]) == sorted(test["post_id"])
    assert prepared.labels == ("fake", "real")
