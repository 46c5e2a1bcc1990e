"""Split fake-news data into the candidate's train and test inputs and the held-out answers.

* Synthetic posts are split in time: the last quarter of the year's posts is the test set,
  and every test post is later than every training post, as it would be in production.
* LIAR keeps its official split (train and valid become the training set), with the
  credit-history leak removed, and its six ratings either mapped to fake / real or kept.

Every row gets a fresh random id and rows are ordered by id, so neither ids nor row order
carry a label or the original order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.fake_news import liar
from casekit.cases.prepared import PreparedData, PrepareError, check_prepared, fresh_ids

POST_ID = "post_id"
STATEMENT_ID = "statement_id"
TARGET = "label"
TEST_FRACTION = 0.25
POST_COLUMNS = ["published_at", "domain", "author", "topic", "share_count", "title", "text"]
STATEMENT_COLUMNS = [
    "statement", "subject", "speaker", "speaker_job", "state", "party", *liar.COUNT_COLUMNS.values(), "context",
]
# The binary variant of LIAR: the three least true ratings are fake, the three others real.
FAKE_RATINGS = ("pants-fire", "false", "barely-true")
BINARY_LABELS = ("fake", "real")


def prepare_posts(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """The synthetic posts, split in time: the last ``TEST_FRACTION`` of posts is the test set."""
    posts = tables["posts"].sort_values("published_at", kind="stable", ignore_index=True)
    last_train = posts["published_at"].iloc[round(len(posts) * (1 - TEST_FRACTION)) - 1]
    # Posts published in the same second as the last training post stay in train.
    in_test = (posts["published_at"] > last_train).to_numpy()
    train, test = posts[~in_test], posts[in_test]
    prepared = _issue(train, test, POST_ID, POST_COLUMNS, BINARY_LABELS, "P-", np.random.default_rng(seed), {
        "split": f"temporal: the last {TEST_FRACTION:.0%} of posts by published_at are the test set",
        "train_until": str(train["published_at"].max()),
        "test_from": str(test["published_at"].min()),
    })
    if not prepared.inputs["train"]["published_at"].max() < prepared.inputs["test"]["published_at"].min():
        raise PrepareError("a test post is not later than every training post")
    return prepared


def prepare_liar(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """LIAR as fake / real: pants-fire, false and barely-true are fake; the others real."""
    train, test = _liar_splits(tables)
    train = train.assign(**{TARGET: _binary(train["rating"])})
    test = test.assign(**{TARGET: _binary(test["rating"])})
    return _issue(train, test, STATEMENT_ID, STATEMENT_COLUMNS, BINARY_LABELS, "S-", np.random.default_rng(seed), {
        "split": "LIAR's official split: train and valid are the training set, test is the test set",
        "labels": f"fake = {', '.join(FAKE_RATINGS)}; real = the other ratings",
        "credit_history": "counts exclude the statement itself and every test statement",
    })


def prepare_liar_six_way(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """LIAR with its six ratings as the label."""
    train, test = _liar_splits(tables)
    train = train.assign(**{TARGET: train["rating"]})
    test = test.assign(**{TARGET: test["rating"]})
    return _issue(train, test, STATEMENT_ID, STATEMENT_COLUMNS, liar.RATINGS, "S-", np.random.default_rng(seed), {
        "split": "LIAR's official split: train and valid are the training set, test is the test set",
        "credit_history": "counts exclude the statement itself and every test statement",
    })


def remove_credit_history_leak(train: pd.DataFrame, test: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Credit-history counts that hold neither the statement itself nor any test statement.

    LIAR's counts are its speaker's totals, and for 97% of speakers those totals are exactly
    the ratings of the speaker's statements in LIAR. So a statement's counts include its own
    rating, and every row's counts include the ratings of the speaker's test statements: the
    total minus the speaker's training ratings gives their test ratings away. Both go:

    * a training statement loses its own rating and the ratings of its speaker's test statements;
    * a test statement loses the ratings of its speaker's test statements, its own included.

    Every count then means the same in both splits: the speaker's record outside the test set,
    without the statement itself. The few counts that would go below zero (the crawl's totals
    are short for some speakers) stay at zero. ``"true"`` has no count column.

    Examples
    --------
    Ann made one training statement (false) and one test statement (pants on fire); her
    totals count both. Afterwards her training statement has no history and her test
    statement has the training one:

    >>> counts = {column: 0 for column in liar.COUNT_COLUMNS.values()}
    >>> totals = {**counts, "false_counts": 1, "pants_on_fire_counts": 1}
    >>> train = pd.DataFrame([{"speaker": "ann", "rating": "false", **totals}])
    >>> test = pd.DataFrame([{"speaker": "ann", "rating": "pants-fire", **totals}])
    >>> clean_train, clean_test = remove_credit_history_leak(train, test)
    >>> shown = ["false_counts", "pants_on_fire_counts"]
    >>> clean_train[shown].values.tolist(), clean_test[shown].values.tolist()
    ([[0, 0]], [[1, 0]])
    """
    columns = list(liar.COUNT_COLUMNS.values())
    own_train = _rating_counts(train["rating"])
    own_test = _rating_counts(test["rating"])
    test_by_speaker = own_test.groupby(test["speaker"].to_numpy()).sum()

    def without(frame: pd.DataFrame, removed: np.ndarray) -> pd.DataFrame:
        counts = frame[columns].to_numpy() - removed
        return frame.assign(**dict(zip(columns, np.clip(counts, 0, None).T, strict=True)))

    test_share = test_by_speaker.reindex(train["speaker"]).fillna(0).to_numpy(dtype=int)
    clean_train = without(train, own_train.to_numpy() + test_share)
    clean_test = without(test, test_by_speaker.reindex(test["speaker"]).to_numpy(dtype=int))
    return clean_train, clean_test


def _liar_splits(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    train = pd.concat([tables["train"], tables["valid"]], ignore_index=True)
    return remove_credit_history_leak(train, tables["test"].reset_index(drop=True))


def _rating_counts(ratings: pd.Series) -> pd.DataFrame:
    """One row per statement, one column per count column: 1 where the rating is that column's."""
    columns = list(liar.COUNT_COLUMNS.values())
    table = pd.DataFrame(0, index=ratings.index, columns=columns)
    for rating, column in liar.COUNT_COLUMNS.items():
        table[column] = (ratings == rating).astype(int)
    return table


def _binary(ratings: pd.Series) -> pd.Series:
    return ratings.isin(FAKE_RATINGS).map({True: "fake", False: "real"})


def _issue(
    train: pd.DataFrame,
    test: pd.DataFrame,
    id_column: str,
    feature_columns: list[str],
    labels: tuple[str, ...],
    id_prefix: str,
    rng: np.random.Generator,
    notes: dict[str, object],
) -> PreparedData:
    """Fresh ids, the declared columns only, rows in id order, answers kept apart; checked."""
    ids = fresh_ids(len(train) + len(test), id_prefix, rng)
    columns = [id_column, *feature_columns, TARGET]
    train = train.assign(**{id_column: ids[: len(train)]})[columns].sort_values(id_column, ignore_index=True)
    test = test.assign(**{id_column: ids[len(train):]})[columns].sort_values(id_column, ignore_index=True)
    prepared = PreparedData(
        inputs={"train": train, "test": test.drop(columns=TARGET)},
        answers=test[[id_column, TARGET]],
        labels=labels,
        notes={**notes, "train_rows": len(train), "test_rows": len(test)},
    )
    check_prepared(prepared, id_column=id_column, target=TARGET, train_columns=columns,
                   test_columns=[id_column, *feature_columns])
    return prepared
