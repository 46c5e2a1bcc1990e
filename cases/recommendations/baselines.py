"""Reference recommenders, from trivial to strong.

Every recommender follows one small protocol, which the ranking evaluator drives:

* ``fit(inputs)`` takes the instance's input tables (``train``, ``test``, ``items``);
* ``recommend(users, k)`` returns the submission for those users: ``user_id``, ``item_id``,
  ``rank``, with ``k`` items per user (fewer only if the catalogue has fewer).

They work on both sources: shop events are weighted by type (a purchase says more than a
view), ratings by whether they were liked. Users and items are integer codes inside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from lightgbm import LGBMRanker
from scipy import sparse

from casekit.cases.recommendations.prepare import ITEM, LIKED, USER, hold_out

EVENT_WEIGHTS = {"view": 1.0, "add_to_cart": 2.0, "purchase": 4.0}
RATING_WEIGHTS = {"liked": 1.0, "other": 0.3}


def popularity() -> RecentPopularity:
    """The most interacted-with items of the last two weeks, for everyone."""
    return RecentPopularity()


def item_knn() -> ItemKNN:
    """Item-to-item co-occurrence kNN over the user's recent items."""
    return ItemKNN()


def lightgbm_reranker() -> LightGBMReranker:
    """LightGBM LambdaRank over popularity and kNN candidates."""
    return LightGBMReranker()


def typed_inputs(inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The input tables with text ids and parsed timestamps, however they were read."""
    train = inputs["train"].astype({USER: str, ITEM: str})
    return {
        "train": train.assign(timestamp=pd.to_datetime(train["timestamp"])),
        "test": inputs["test"].astype({USER: str}),
        "items": inputs["items"].astype({ITEM: str}),
    }


@dataclass
class Interactions:
    """Training interactions as codes: who, what, when (seconds), how strongly."""

    user: np.ndarray
    item: np.ndarray
    seconds: np.ndarray
    weight: np.ndarray
    users: pd.Index
    items: pd.Index
    rated_once: bool

    @classmethod
    def from_table(cls, train: pd.DataFrame, items: pd.Index, users: pd.Index | None = None) -> Interactions:
        users = pd.Index(train[USER].unique()) if users is None else users
        if "rating" in train.columns:
            liked = train["rating"].to_numpy() >= LIKED
            weight = np.where(liked, RATING_WEIGHTS["liked"], RATING_WEIGHTS["other"])
        else:
            weight = train["event"].astype(str).map(EVENT_WEIGHTS).to_numpy(dtype=float)
        return cls(
            user=users.get_indexer(train[USER]),
            item=items.get_indexer(train[ITEM]),
            seconds=train["timestamp"].to_numpy().astype("datetime64[s]").astype(np.int64),
            weight=weight,
            users=users,
            items=items,
            rated_once="rating" in train.columns,
        )

    @property
    def end(self) -> int:
        return int(self.seconds.max())

    def matrix(self) -> sparse.csr_matrix:
        """Users x items, summed interaction weights."""
        return sparse.csr_matrix((self.weight, (self.user, self.item)), shape=(len(self.users), len(self.items)))


class RecentPopularity:
    """One list for everyone: items by summed interaction weight over a recent window.

    The window is the last ``window_days`` days of training, widened to the latest
    ``min_share`` of interactions when that is longer (ratings spread over years).
    """

    def __init__(self, window_days: int = 14, min_share: float = 0.1) -> None:
        self.window_days = window_days
        self.min_share = min_share

    def fit(self, inputs: dict[str, pd.DataFrame]) -> RecentPopularity:
        inputs = typed_inputs(inputs)
        items = pd.Index(inputs["items"][ITEM])
        return self.fit_interactions(Interactions.from_table(inputs["train"], items))

    def fit_interactions(self, interactions: Interactions) -> RecentPopularity:
        since = min(interactions.end - self.window_days * 86_400,
                    int(np.quantile(interactions.seconds, 1.0 - self.min_share)))
        recent = interactions.seconds >= since
        self.scores = np.bincount(interactions.item[recent], weights=interactions.weight[recent],
                                  minlength=len(interactions.items))
        self.ranking = np.argsort(-self.scores, kind="stable")
        self.items = interactions.items
        return self

    def recommend(self, users: np.ndarray, k: int) -> pd.DataFrame:
        users = np.asarray(users).astype(str)
        top = self.items[self.ranking[:k]].to_numpy()
        ranks = np.tile(np.arange(1, top.size + 1), len(users))
        return _submission(np.repeat(users, top.size), np.tile(top, len(users)), ranks)


class ItemKNN:
    """Items scored by cosine co-occurrence with the user's recent items.

    Two items co-occur when a user interacted with both; their similarity is the cosine of
    their user columns (weighted by interaction strength), each item keeping its
    ``neighbours`` most similar items. A user's profile is their last ``recent`` distinct
    items, the latest counting most; their score for an item is the profile times the
    similarities. Lists are topped up with recent popularity (cold users get only that).

    Items the user already has are recommended again for shop events (customers re-view and
    rebuy) but not for ratings (a movie is rated once).
    """

    def __init__(self, neighbours: int = 100, recent: int = 30, half_life: float = 10.0) -> None:
        self.neighbours = neighbours
        self.recent = recent
        self.half_life = half_life

    def fit(self, inputs: dict[str, pd.DataFrame]) -> ItemKNN:
        inputs = typed_inputs(inputs)
        items = pd.Index(inputs["items"][ITEM])
        return self.fit_interactions(Interactions.from_table(inputs["train"], items))

    def fit_interactions(self, interactions: Interactions) -> ItemKNN:
        self.interactions = interactions
        self.similarity = item_similarity(interactions.matrix(), self.neighbours)
        self.popularity = RecentPopularity().fit_interactions(interactions)
        self.profiles = self._profiles(interactions)
        self.seen = interactions.matrix().astype(bool) if interactions.rated_once else None
        return self

    def _profiles(self, interactions: Interactions) -> sparse.csr_matrix:
        """Each user's recent distinct items, weighted by strength and by recency of rank."""
        frame = pd.DataFrame({"user": interactions.user, "item": interactions.item,
                              "seconds": interactions.seconds, "weight": interactions.weight})
        per_pair = frame.groupby(["user", "item"], sort=False).agg(seconds=("seconds", "max"), weight=("weight", "sum"))
        per_pair = per_pair.reset_index().sort_values(["user", "seconds"], ascending=[True, False], kind="stable")
        order = per_pair.groupby("user").cumcount().to_numpy()
        per_pair = per_pair[order < self.recent]
        order = order[order < self.recent]
        value = np.log1p(per_pair["weight"].to_numpy()) * 0.5 ** (order / self.half_life)
        return sparse.csr_matrix((value, (per_pair["user"].to_numpy(), per_pair["item"].to_numpy())),
                                 shape=(len(interactions.users), len(interactions.items)))

    def scores(self, users: np.ndarray) -> sparse.csr_matrix:
        """Scores of every item for the given user codes (-1, an unknown user, scores nothing)."""
        known = sparse.diags((users >= 0).astype(float))
        rows = np.maximum(users, 0)
        scores = (known @ self.profiles[rows] @ self.similarity).tocsr()
        if self.seen is not None:
            scores = scores - scores.multiply(self.seen[rows])
            scores.eliminate_zeros()
        return scores

    def top(self, users: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``k`` best-scored items of each user: (row, item code, score), best first."""
        scores = self.scores(users)
        rows, items, values = [], [], []
        for start in range(0, scores.shape[0], 2_000):
            block = scores[start:start + 2_000].toarray()
            best = np.argpartition(-block, min(k, block.shape[1] - 1), axis=1)[:, :k]
            best_scores = np.take_along_axis(block, best, axis=1)
            order = np.argsort(-best_scores, axis=1, kind="stable")
            best, best_scores = np.take_along_axis(best, order, axis=1), np.take_along_axis(best_scores, order, axis=1)
            scored = best_scores > 0
            rows.append(np.nonzero(scored)[0] + start)
            items.append(best[scored])
            values.append(best_scores[scored])
        return np.concatenate(rows), np.concatenate(items), np.concatenate(values)

    def recommend(self, users: np.ndarray, k: int) -> pd.DataFrame:
        users = np.asarray(users).astype(str)
        codes = self.interactions.users.get_indexer(users)
        rows, items, _ = self.top(codes, k)
        rows, items = _top_up(rows, items, len(users), self.popularity.ranking, k)
        ranks = _ranks(rows)
        return _submission(users[rows], self.interactions.items[items].to_numpy(), ranks)


def item_similarity(matrix: sparse.csr_matrix, neighbours: int) -> sparse.csr_matrix:
    """Cosine similarity of the item columns of ``matrix``, keeping each item's top neighbours.

    .. math:: s(i, j) = \\frac{x_i \\cdot x_j}{\\lVert x_i \\rVert \\lVert x_j \\rVert}, \\; i \\ne j
    """
    columns = matrix.tocsc()
    norms = np.sqrt(np.asarray(columns.multiply(columns).sum(axis=0))).ravel()
    norms[norms == 0] = 1.0
    normalised = (columns @ sparse.diags(1.0 / norms)).tocsc()
    transposed = normalised.T.tocsr()
    n_items = matrix.shape[1]
    keep = min(neighbours, n_items - 1)
    rows, cols, values = [], [], []
    for start in range(0, n_items, 500):
        stop = min(start + 500, n_items)
        block = (transposed[start:stop] @ normalised).toarray()
        block[np.arange(stop - start), np.arange(start, stop)] = 0.0
        best = np.argpartition(-block, keep, axis=1)[:, :keep]
        best_values = np.take_along_axis(block, best, axis=1)
        positive = best_values > 0
        rows.append(np.nonzero(positive)[0] + start)
        cols.append(best[positive])
        values.append(best_values[positive])
    return sparse.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(n_items, n_items))


def _top_up(rows: np.ndarray, items: np.ndarray, n_users: int, fallback: np.ndarray, k: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """Fill every user's list to ``k`` items with the ``fallback`` ranking, skipping repeats.

    ``rows``/``items`` are each user's items, best first, grouped by row in increasing order.
    """
    extra_rows = np.repeat(np.arange(n_users), k)
    extra_items = np.tile(fallback[:k], n_users)
    all_rows = np.concatenate([rows, extra_rows])
    all_items = np.concatenate([items, extra_items])
    priority = np.concatenate([np.arange(rows.size), rows.size + np.arange(extra_rows.size)])
    frame = pd.DataFrame({"row": all_rows, "item": all_items, "priority": priority})
    frame = frame.drop_duplicates(["row", "item"]).sort_values(["row", "priority"], kind="stable")
    frame = frame[frame.groupby("row").cumcount().to_numpy() < k]
    return frame["row"].to_numpy(), frame["item"].to_numpy()


def _ranks(rows: np.ndarray) -> np.ndarray:
    """1, 2, 3, ... within each run of equal ``rows`` (which are grouped)."""
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    lengths = np.diff(np.r_[starts, rows.size])
    return np.arange(rows.size) - np.repeat(starts, lengths) + 1


def _submission(users: np.ndarray, items: np.ndarray, ranks: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({USER: users, ITEM: items, "rank": ranks.astype(np.int64)})


class LightGBMReranker:
    """Candidates from popularity and item-kNN, re-ranked by LightGBM LambdaRank.

    Training mirrors the case's own split inside the training data (the last week, or each
    user's latest ratings, becomes a validation set): candidates are generated from the
    earlier part, labelled by whether the user interacted with them in the later part, and a
    LambdaRank model learns to order them. For the test users, candidates come from the whole
    training data and are ordered by the model.
    """

    FEATURES: ClassVar[list[str]] = [
        "knn_score", "knn_rank", "popularity", "popularity_rank", "all_time", "trend", "user_item_weight",
        "user_item_count", "user_item_days", "user_interactions", "user_days", "user_group_share", "item_repeat_rate",
        "price_ratio",
    ]

    def __init__(self, candidates: int = 100, training_users: int = 3_000, seed: int = 0) -> None:
        self.candidates = candidates
        self.training_users = training_users
        self.seed = seed

    def fit(self, inputs: dict[str, pd.DataFrame]) -> LightGBMReranker:
        inputs = typed_inputs(inputs)
        self.items = inputs["items"].set_index(ITEM)
        catalogue = pd.Index(self.items.index)
        users = pd.Index(inputs["train"][USER].unique())
        history, held_out, _ = hold_out(inputs["train"])
        rng = np.random.default_rng(self.seed)
        label_users = held_out[USER].unique()
        label_users = np.sort(rng.choice(label_users, min(self.training_users, label_users.size), replace=False))
        generator = _CandidateGenerator(Interactions.from_table(history, catalogue, users), self.items)
        frame = generator.candidates(users.get_indexer(label_users), self.candidates)
        positives = pd.MultiIndex.from_arrays([users.get_indexer(held_out[USER]),
                                               catalogue.get_indexer(held_out[ITEM])])
        frame["label"] = pd.MultiIndex.from_arrays([frame["user"], frame["item"]]).isin(positives).astype(int)
        frame = frame[frame.groupby("user")["label"].transform("max") > 0]
        self.model = LGBMRanker(
            objective="lambdarank", n_estimators=100, learning_rate=0.05, num_leaves=31, min_child_samples=50,
            subsample=0.8, subsample_freq=1, colsample_bytree=0.8, lambdarank_truncation_level=20,
            random_state=self.seed,
            # One thread: LightGBM's OpenMP threads spin-wait, and on a small shared machine
            # that turns seconds into minutes.
            n_jobs=1, verbose=-1,
        )
        self.model.fit(frame[self.FEATURES], frame["label"], group=frame.groupby("user", sort=False).size().to_numpy())
        self.generator = _CandidateGenerator(Interactions.from_table(inputs["train"], catalogue, users), self.items)
        return self

    def recommend(self, users: np.ndarray, k: int) -> pd.DataFrame:
        users = np.asarray(users).astype(str)
        codes = self.generator.interactions.users.get_indexer(users)
        frame = self.generator.candidates(codes, self.candidates)
        frame["score"] = self.model.predict(frame[self.FEATURES])
        frame = frame.sort_values(["row", "score"], ascending=[True, False], kind="stable")
        rows, items = _top_up(frame["row"].to_numpy(), frame["item"].to_numpy(), len(users),
                              self.generator.popularity.ranking, k)
        return _submission(users[rows], self.generator.interactions.items[items].to_numpy(), _ranks(rows))


class _CandidateGenerator:
    """Popularity and item-kNN candidates for a set of users, with their ranking features."""

    def __init__(self, interactions: Interactions, items: pd.DataFrame) -> None:
        self.interactions = interactions
        self.popularity = RecentPopularity().fit_interactions(interactions)
        self.knn = ItemKNN().fit_interactions(interactions)
        inter = interactions
        n_items = len(inter.items)
        day = 86_400
        end = inter.end
        self.all_time = np.log1p(np.bincount(inter.item, weights=inter.weight, minlength=n_items))
        last_week = np.bincount(inter.item[inter.seconds >= end - 7 * day], minlength=n_items)
        week_before = np.bincount(inter.item[(inter.seconds >= end - 14 * day) & (inter.seconds < end - 7 * day)],
                                  minlength=n_items)
        self.trend = np.log1p(last_week) - np.log1p(week_before)
        self.popularity_rank = np.empty(n_items)
        self.popularity_rank[self.popularity.ranking] = np.arange(n_items)

        pairs = pd.DataFrame({"user": inter.user, "item": inter.item, "seconds": inter.seconds,
                              "weight": inter.weight, "day": inter.seconds // day})
        per_pair = pairs.groupby(["user", "item"]).agg(weight=("weight", "sum"), count=("weight", "size"),
                                                       last=("seconds", "max"), days=("day", "nunique"))
        self.per_pair = per_pair
        per_item_users = per_pair.groupby("item").size()
        repeaters = per_pair[per_pair["days"] > 1].groupby("item").size()
        self.repeat_rate = (repeaters.reindex(range(n_items), fill_value=0)
                            / per_item_users.reindex(range(n_items), fill_value=0).clip(lower=1)).to_numpy()
        self.user_interactions = np.bincount(inter.user, minlength=len(inter.users))
        self.user_last = np.full(len(inter.users), -np.inf)
        np.maximum.at(self.user_last, inter.user, inter.seconds)
        self.end = end

        group = _item_groups(items.reindex(inter.items))
        self.group = group
        group_weight = sparse.csr_matrix((inter.weight, (inter.user, group[inter.item])),
                                         shape=(len(inter.users), group.max() + 1)).toarray()
        self.group_share = group_weight / np.maximum(group_weight.sum(axis=1, keepdims=True), 1e-9)
        price = items.reindex(inter.items)["price"].to_numpy(float) if "price" in items.columns else None
        self.price = price
        if price is not None:
            spent = np.bincount(inter.user, weights=np.log(price[inter.item]), minlength=len(inter.users))
            self.user_log_price = spent / np.maximum(self.user_interactions, 1)

    def candidates(self, users: np.ndarray, n: int) -> pd.DataFrame:
        """Up to ``2 n`` candidates per user code (-1: a user unseen in training), with features.

        The frame is grouped by user; ``row`` is the position in ``users``.
        """
        knn_rows, knn_items, knn_scores = self.knn.top(users, n)
        top = self.popularity.ranking[:n]
        frame = pd.concat([
            pd.DataFrame({"row": knn_rows, "item": knn_items, "knn_score": knn_scores,
                          "knn_rank": _ranks(knn_rows).astype(float)}),
            pd.DataFrame({"row": np.repeat(np.arange(len(users)), n), "item": np.tile(top, len(users)),
                          "knn_score": 0.0, "knn_rank": float(n + 1)}),
        ]).drop_duplicates(["row", "item"]).sort_values("row", kind="stable", ignore_index=True)
        user = users[frame["row"].to_numpy()]
        item = frame["item"].to_numpy()
        frame["user"] = user
        frame["popularity"] = np.log1p(self.popularity.scores[item])
        frame["popularity_rank"] = self.popularity_rank[item]
        frame["all_time"] = self.all_time[item]
        frame["trend"] = self.trend[item]
        pair = self.per_pair.reindex(pd.MultiIndex.from_arrays([user, item]))
        frame["user_item_weight"] = pair["weight"].fillna(0).to_numpy()
        frame["user_item_count"] = pair["count"].fillna(0).to_numpy()
        frame["user_item_days"] = ((self.end - pair["last"]) / 86_400).fillna(999).to_numpy()
        known = user >= 0
        safe = np.maximum(user, 0)
        frame["user_interactions"] = np.where(known, np.log1p(self.user_interactions[safe]), 0.0)
        frame["user_days"] = np.where(known, (self.end - self.user_last[safe]) / 86_400, 999.0)
        frame["user_group_share"] = np.where(known, self.group_share[safe, self.group[item]], 0.0)
        frame["item_repeat_rate"] = self.repeat_rate[item]
        if self.price is not None:
            frame["price_ratio"] = np.where(known, np.log(self.price[item]) - self.user_log_price[safe], 0.0)
        else:
            frame["price_ratio"] = np.nan
        return frame


def _item_groups(items: pd.DataFrame) -> np.ndarray:
    """An integer group per item: its category (shop), or its first genre (movies)."""
    if "category" in items.columns:
        labels = items["category"].astype(str)
    else:
        labels = items["genres"].astype(str).str.split("|").str[0]
    return pd.factorize(labels)[0]
