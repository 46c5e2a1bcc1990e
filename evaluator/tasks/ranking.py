"""Top-k recommendation: a ranked list of items for each test user.

Submission: long format, one row per recommended item, with the user (the spec's
``id_column``), the item (the submission's ``label_column``) and its ``rank_column``: ranks
run 1, 2, 3, ... without gaps, up to :data:`MAX_LIST_LENGTH`. A test user may be left
without a list; they then score 0 on every metric, and the scorecard says how many.

The answer key holds one row per held-out relevant ``(user, item)`` pair, and optionally
the user's number of training interactions (:data:`HISTORY_COLUMN`) for the cold / warm
slices. The case's ``labels`` are its item catalogue, most popular (in training) first, so
an item's code is its popularity rank: that is how the long-tail metrics and the head / tail
slices tell head items (the first :data:`HEAD_SHARE` of the catalogue) from the tail.

The bootstrap unit is the test user: every metric with an interval is a mean of per-user
values (see :mod:`evaluator.metrics.ranking`); catalogue coverage, a property of all the
lists together, has none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from cases.errors import CaseSpecError
from evaluator.metrics import ranking as metrics
from evaluator.submissions.checks import (
    EXAMPLES_PER_PROBLEM,
    Problem,
    ValidationReport,
    add_row_problems,
    suspicious_characters,
)
from evaluator.tasks.base import (
    Decision,
    MetricDefinition,
    MetricRegistry,
    Parameter,
    ReportTable,
    ResampledMetrics,
    Task,
    TaskDetails,
)

MAX_LIST_LENGTH = 100
SAMPLE_LIST_LENGTH = 10
HEAD_SHARE = 0.2
HISTORY_COLUMN = "train_interactions"
# Users with at most this many training interactions count as cold in the slices.
COLD_USER_MAX_INTERACTIONS = 4
# The slices and the recall curve look at this depth (the home-page row's length).
DETAIL_K = 10
# An integer id written as a decimal number, e.g. "17.0" (a float column): group 1 is "17".
_DECIMAL_ID = re.compile(r"(-?\d+)\.0*")

_K = Parameter("k", int, description="the list depth: the top k items of each list are scored")
REGISTRY = MetricRegistry("ranking", (
    MetricDefinition("ndcg", "higher", "Normalised discounted cumulative gain at k (binary relevance): "
                                       "sum of 1 / log2(rank + 1) over hits, over its ideal.", (_K,)),
    MetricDefinition("map", "higher", "Average precision at k: mean of precision@rank over the hits, divided by "
                                      "min(k, relevant items).", (_K,)),
    MetricDefinition("recall", "higher", "Share of the user's relevant items in the top k.", (_K,)),
    MetricDefinition("precision", "higher", "Share of the top k that is relevant.", (_K,)),
    MetricDefinition("hit_rate", "higher", "Whether any of the top k is relevant.", (_K,)),
    MetricDefinition("mrr", "higher", "Reciprocal rank of the first relevant item (0 without one)."),
    MetricDefinition("long_tail_share", "higher", "Share of the top k outside the most popular "
                                                  f"{HEAD_SHARE:.0%} of the catalogue.", (_K,)),
    MetricDefinition("coverage", "higher", "Share of the catalogue that appears in some user's top k (all the "
                                           "lists together: no per-user interval).", (_K,)),
))
# Catalogue-level metrics: properties of all the lists together, with no per-user values.
CATALOGUE_METRICS = frozenset({"coverage"})


@dataclass(frozen=True)
class RankingTruth:
    """The answer key: each evaluated user's relevant items, as codes.

    ``ids`` are the evaluated users in the key's order (user code = position); ``items`` is
    the catalogue, most popular first (item code = position); ``history`` is each user's
    number of training interactions, when the key records it.
    """

    ids: pd.Index
    relevant: metrics.RelevantSets
    items: pd.Index
    history: np.ndarray | None

    @property
    def n_units(self) -> int:
        return len(self.ids)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_head(self) -> int:
        return math.ceil(HEAD_SHARE * self.n_items)

    def subset(self, mask: np.ndarray) -> RankingTruth:
        return replace(self, ids=self.ids[mask], relevant=self.relevant.subset(mask),
                       history=None if self.history is None else self.history[mask])


@dataclass(frozen=True)
class RankedLists:
    """A submission aligned to the truth's users: ``recommended[u]`` is user ``u``'s list of
    item codes, best first, padded with the sentinel ``n_items`` (an empty slot)."""

    recommended: np.ndarray
    n_items: int

    @property
    def n_units(self) -> int:
        return self.recommended.shape[0]

    @property
    def listed(self) -> np.ndarray:
        """Whether each user got a list at all."""
        return self.recommended[:, 0] < self.n_items

    def subset(self, mask: np.ndarray) -> RankedLists:
        return replace(self, recommended=self.recommended[mask])


@dataclass(frozen=True)
class EvaluatedUsers:
    """Who was scored: users with held-out items, those without a list, pairs and catalogue size."""

    evaluated: int
    without_list: int
    relevant_pairs: int
    catalogue_items: int


@dataclass(frozen=True)
class UserSlice:
    """NDCG and recall at ``DETAIL_K`` over a group of users (None when the group is empty)."""

    slice: str
    users: int
    ndcg: float | None
    recall: float | None


@dataclass(frozen=True)
class ItemSlice:
    """Of the held-out pairs whose item is in this part of the catalogue, the share found in the top ``DETAIL_K``."""

    slice: str
    pairs: int
    recall: float | None


@dataclass(frozen=True)
class RecallCurve:
    """Mean recall@k for every list depth k."""

    k: list[int]
    recall: list[float]


@dataclass(frozen=True)
class RankingDetails(TaskDetails):
    """Who was evaluated, the cold / warm and head / tail slices, and the recall@k curve."""

    users: EvaluatedUsers
    user_slices: list[UserSlice]
    item_slices: list[ItemSlice]
    recall_curve: RecallCurve

    def tables(self) -> list[ReportTable]:
        users = self.users
        tables = [ReportTable(
            "Who was evaluated", ["", "count"],
            [["test users with at least one held-out item", f"{users.evaluated:,}"],
             ["of whom without a list (scored 0)", f"{users.without_list:,}"],
             ["held-out (user, item) pairs", f"{users.relevant_pairs:,}"],
             ["items in the catalogue", f"{users.catalogue_items:,}"]],
        )]
        if self.user_slices:
            tables.append(ReportTable(
                f"Cold and warm users (NDCG@{DETAIL_K}, recall@{DETAIL_K})",
                ["slice", "users", f"NDCG@{DETAIL_K}", f"recall@{DETAIL_K}"],
                [[row.slice, f"{row.users:,}", _cell(row.ndcg), _cell(row.recall)] for row in self.user_slices],
            ))
        tables.append(ReportTable(
            f"Head and long-tail items (share of held-out pairs found in the top {DETAIL_K})",
            ["slice", "held-out pairs", f"recall@{DETAIL_K}"],
            [[row.slice, f"{row.pairs:,}", _cell(row.recall)] for row in self.item_slices],
        ))
        return tables

    def figures(self) -> dict[str, bytes]:
        from evaluator.tasks.figures import recall_curve_png

        return {"recall_at_k.png": recall_curve_png(self.recall_curve.k, self.recall_curve.recall,
                                                    marked_k=DETAIL_K)}


class RankingTask(Task[RankingTruth, RankedLists]):
    """A ranked list of items for each test user, scored per user at a list depth k."""

    name = "ranking"
    unit = "test user"
    registry = REGISTRY
    details_type = RankingDetails

    def check_spec(self) -> None:
        schema = self.spec.submission
        if not schema.label_column or not schema.rank_column:
            raise CaseSpecError(f"case {self.spec.slug!r}: a ranking submission names its item column "
                                "(label_column) and its rank column (rank_column)")
        for metric in self.metrics:
            if metric.definition.name in CATALOGUE_METRICS and metric.interval:
                raise CaseSpecError(f"case {self.spec.slug!r}: metric {metric.name!r} ({metric.definition.name}) "
                                    "is a property of all the lists together: it has no per-user interval "
                                    "(declare it with interval=False)")
            k = metric.params.get("k")
            if k is not None and not 1 <= k <= MAX_LIST_LENGTH:
                raise CaseSpecError(f"case {self.spec.slug!r}: metric {metric.name!r}: k={k} is outside 1.."
                                    f"{MAX_LIST_LENGTH}, the longest list a submission may give")

    def template_context(self) -> dict[str, Any]:
        return {**super().template_context(), "sample_group": self.spec.id_column}

    def describe_submission(self) -> str:
        schema = self.spec.submission
        return (f"one row per recommended item: ``{schema.id_column}``, ``{schema.label_column}`` and "
                f"``{schema.rank_column}`` (1, 2, 3, ... without gaps; at most {MAX_LIST_LENGTH} items per "
                f"{schema.id_column})")

    def submission_columns(self, labels: tuple[str, ...]) -> tuple[list[str], list[str]]:
        schema = self.spec.submission
        assert schema.label_column and schema.rank_column  # check_spec
        return [schema.id_column, schema.label_column, schema.rank_column], []

    def check_ids(self, frame: pd.DataFrame, expected_ids: pd.Index, name: str, report: ValidationReport) -> None:
        """Record empty users and users who are not test users.

        A user appears on many rows, and a test user with no rows is allowed (they score 0).
        """
        column = self.spec.submission.id_column
        users = frame[column]
        rows = np.arange(1, len(frame) + 1)
        codes, distinct = factorize_runs(users)
        empty = _per_row(distinct.str.strip() == "", codes)
        add_row_problems(report, "empty_id", empty, rows, users, column,
                         lambda row, value: f"{name}: row {row}, column '{column}': empty user id")
        known = pd.Index(expected_ids)
        unknown = _per_row(~distinct.isin(known), codes) & ~empty
        if unknown.sum() > len(frame) / 2:
            # Synthetic user ids are fresh random tokens per instance: most of them unknown
            # means another instance.
            report.problems.append(Problem(
                "wrong_instance",
                f"{name}: {int(unknown.sum()):,} of {len(frame):,} rows name users who are not test users of this "
                "instance; this looks like a submission for another instance of the case (check the project you "
                "are evaluating)", column=column))
        add_row_problems(report, "unknown_id", unknown, rows, users, column,
                         lambda row, value: f"{name}: row {row}, column '{column}': user {value!r} is not a test "
                                            f"user{suspicious_characters(value)}{decimal_hint(value, known)}")

    def check_values(self, frame: pd.DataFrame, labels: tuple[str, ...], name: str, report: ValidationReport) -> None:
        """Record unknown or repeated items and ranks that are not 1, 2, 3, ... up to the limit."""
        schema = self.spec.submission
        assert schema.label_column and schema.rank_column  # check_spec
        users = frame[schema.id_column]
        user_codes = factorize_runs(users)[0]
        rows = np.arange(1, len(frame) + 1)
        if schema.label_column in frame.columns:
            _check_items(frame[schema.label_column], users, user_codes, rows, labels, schema.label_column, name,
                         report)
        if schema.rank_column in frame.columns:
            _check_ranks(frame[schema.rank_column], users, user_codes, rows, schema.id_column, schema.rank_column,
                         name, report)

    def truth(self, answers: pd.DataFrame, labels: tuple[str, ...]) -> RankingTruth:
        """The answer key as codes: users in the key's order, items by their catalogue position."""
        spec = self.spec
        user_codes, users = factorize_runs(answers[spec.id_column])
        catalogue = pd.Index(labels)
        item_codes = _positions(answers[spec.target], catalogue)
        if (item_codes < 0).any():
            unknown = answers[spec.target][item_codes < 0].iloc[0]
            raise ValueError(f"the answers name item {unknown!r}, which is not in the catalogue")
        # Each (user, item) pair once, hashed as one integer key rather than as a two-column
        # frame (a ten-million-row key keeps its peak memory down).
        pairs = pd.unique(user_codes * len(catalogue) + item_codes)
        relevant = metrics.RelevantSets.from_pairs(pairs // len(catalogue), pairs % len(catalogue), len(users))
        history = None
        if HISTORY_COLUMN in answers.columns:
            first_rows = np.unique(user_codes, return_index=True)[1]
            history = answers[HISTORY_COLUMN].iloc[first_rows].astype(np.int64).to_numpy()
        return RankingTruth(ids=pd.Index(users), relevant=relevant, items=catalogue, history=history)

    def decode(self, frame: pd.DataFrame, labels: tuple[str, ...], ids: pd.Index,
               decision: Decision | None = None) -> RankedLists:
        """Turn a validated submission into a ``(users, deepest rank)`` matrix of item codes."""
        schema = self.spec.submission
        assert schema.label_column and schema.rank_column  # check_spec
        users = _positions(frame[schema.id_column], ids, runs=True)
        items = _positions(frame[schema.label_column], pd.Index(labels))
        column = frame[schema.rank_column]
        # Integers as read; anything else parsed as validation parsed it (written "3.0" or " 3").
        ranks = (column.to_numpy(dtype=np.int64) if pd.api.types.is_integer_dtype(column)
                 else rank_values(column).astype(np.int64))
        depth = int(ranks.max())
        recommended = np.full((len(ids), depth), len(labels), dtype=np.int32)
        slots = users * depth
        slots += ranks - 1
        recommended.ravel()[slots] = items
        return RankedLists(recommended=recommended, n_items=len(labels))

    def user_values(self, truth: RankingTruth, lists: RankedLists) -> dict[str, np.ndarray]:
        """Every per-user metric of the case: one value per evaluated user (NaN: not defined)."""
        hits = metrics.hit_matrix(lists.recommended, truth.relevant, truth.n_items)
        counts = truth.relevant.counts
        values = {}
        for metric in self.metrics:
            # The registry gives every measure with a depth its k; MRR has none.
            measure, k = metric.definition.name, int(metric.params.get("k", 0))
            if measure == "ndcg":
                values[metric.name] = metrics.ndcg_at_k(hits, counts, k)
            elif measure == "map":
                values[metric.name] = metrics.average_precision_at_k(hits, counts, k)
            elif measure == "recall":
                values[metric.name] = metrics.recall_at_k(hits, counts, k)
            elif measure == "precision":
                values[metric.name] = metrics.precision_at_k(hits, k)
            elif measure == "hit_rate":
                values[metric.name] = metrics.hit_rate_at_k(hits, k)
            elif measure == "mrr":
                values[metric.name] = metrics.reciprocal_rank(hits)
            elif measure == "long_tail_share":
                values[metric.name] = metrics.long_tail_share_at_k(lists.recommended, truth.n_items, truth.n_head, k)
        return values

    def point_metrics(self, truth: RankingTruth, lists: RankedLists) -> dict[str, float]:
        """Means over the evaluated users (users without a list count as 0), and catalogue coverage."""
        points = {}
        for name, values in self.user_values(truth, lists).items():
            defined = values[~np.isnan(values)]
            points[name] = float(defined.mean()) if defined.size else float("nan")
        for metric in self.metrics:
            if metric.definition.name == "coverage":
                points[metric.name] = metrics.catalog_coverage(lists.recommended, truth.n_items, metric.params["k"])
        return {metric.name: points[metric.name] for metric in self.metrics}

    def resampled_metrics(self, truth: RankingTruth, lists: RankedLists, names: set[str]) -> ResampledMetrics:
        """Weighted means of the per-user values over each resample of users.

        A user whose value is undefined (a long-tail share without a list) carries no weight.
        """
        per_user = {name: values for name, values in self.user_values(truth, lists).items() if name in names}
        defined = {name: ~np.isnan(values) for name, values in per_user.items()}
        filled = {name: np.nan_to_num(values) for name, values in per_user.items()}

        def evaluate(weights: np.ndarray) -> dict[str, np.ndarray]:
            totals = weights.sum(axis=1)
            result = {}
            for name, values in filled.items():
                mass = totals if defined[name].all() else weights @ defined[name].astype(np.float64)
                with np.errstate(invalid="ignore", divide="ignore"):
                    result[name] = (weights @ values) / mass
            return result

        return evaluate

    def details(self, truth: RankingTruth, lists: RankedLists) -> RankingDetails:
        hits = metrics.hit_matrix(lists.recommended, truth.relevant, truth.n_items)
        n_relevant = truth.relevant.counts
        ndcg = metrics.ndcg_at_k(hits, n_relevant, DETAIL_K)
        recall = metrics.recall_at_k(hits, n_relevant, DETAIL_K)

        user_slices = []
        if truth.history is not None:
            cold = truth.history <= COLD_USER_MAX_INTERACTIONS
            for label, members in ((f"cold users (at most {COLD_USER_MAX_INTERACTIONS} training interactions)", cold),
                                   ("warm users", ~cold)):
                user_slices.append(UserSlice(label, int(members.sum()),
                                             float(ndcg[members].mean()) if members.any() else None,
                                             float(recall[members].mean()) if members.any() else None))

        # Head / tail: of the held-out (user, item) pairs whose item is in the head (or the
        # tail), the share that the user's top DETAIL_K found.
        top = lists.recommended[:, :DETAIL_K]
        found_head = (hits[:, :DETAIL_K] & (top < truth.n_head)).sum()
        found_total = hits[:, :DETAIL_K].sum()
        relevant_head = int((truth.relevant.items < truth.n_head).sum())
        relevant_tail = truth.relevant.items.size - relevant_head
        item_slices = [
            ItemSlice(f"head items (the {HEAD_SHARE:.0%} most popular in training)", relevant_head,
                      float(found_head / relevant_head) if relevant_head else None),
            ItemSlice("long-tail items (the rest of the catalogue)", relevant_tail,
                      float((found_total - found_head) / relevant_tail) if relevant_tail else None),
        ]

        depth = lists.recommended.shape[1]
        with np.errstate(invalid="ignore", divide="ignore"):
            curve = np.cumsum(hits, axis=1) / n_relevant[:, None]
        return RankingDetails(
            users=EvaluatedUsers(truth.n_units, int((~lists.listed).sum()), int(truth.relevant.items.size),
                                 truth.n_items),
            user_slices=user_slices,
            item_slices=item_slices,
            recall_curve=RecallCurve(list(range(1, depth + 1)), curve.mean(axis=0).round(6).tolist()),
        )

    def notes(self, truth: RankingTruth, lists: RankedLists) -> list[str]:
        """How many test users got no list."""
        missing = int((~lists.listed).sum())
        if not missing:
            return []
        return [f"{missing:,} of {truth.n_units:,} test users have no list in the submission; they score 0 on every "
                "metric."]

    def sample_submission(self, inputs: dict[str, pd.DataFrame], labels: tuple[str, ...]) -> pd.DataFrame:
        """A well-formed submission: the same ten most popular items for every test user."""
        schema = self.spec.submission
        assert schema.label_column and schema.rank_column  # check_spec
        users = inputs["test"][self.spec.id_column].to_numpy()
        top = np.asarray(labels[:SAMPLE_LIST_LENGTH], dtype=object)
        return pd.DataFrame({
            schema.id_column: np.repeat(users, top.size),
            schema.label_column: np.tile(top, users.size),
            schema.rank_column: np.tile(np.arange(1, top.size + 1), users.size),
        })

    def baseline_submission(self, estimator: Any, inputs: dict[str, pd.DataFrame],
                            labels: tuple[str, ...]) -> pd.DataFrame:
        """Fit a recommender on the instance's inputs and return its lists for the test users.

        ``estimator`` follows the case's recommender protocol: ``fit(inputs)`` on the input
        tables and ``recommend(users, k)`` returning a submission-format table.
        """
        estimator.fit(inputs)
        return estimator.recommend(inputs["test"][self.spec.id_column].to_numpy(), MAX_LIST_LENGTH)


def _cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _cell_locator(name: str, users: pd.Series, column: str) -> Callable[[int], str]:
    """Where a problem sits, for its message: the file, the 1-based row, its user and the column."""
    return lambda row: f"{name}: row {row} (user {users.iloc[row - 1]!r}), column '{column}'"


def _check_items(
    items: pd.Series,
    users: pd.Series,
    user_codes: np.ndarray,
    rows: np.ndarray,
    labels: tuple[str, ...],
    column: str,
    name: str,
    report: ValidationReport,
) -> None:
    where = _cell_locator(name, users, column)
    item_codes, distinct = pd.factorize(items)
    empty = _per_row(distinct.str.strip() == "", item_codes)
    add_row_problems(report, "empty_item", empty, rows, users, column,
                     lambda row, value: f"{where(row)}: empty item id")
    catalogue = pd.Index(labels)
    unknown = _per_row(~distinct.isin(catalogue), item_codes) & ~empty
    add_row_problems(report, "unknown_item", unknown, rows, users, column,
                     lambda row, value: f"{where(row)}: item {value!r} is not in the catalogue"
                                        f"{suspicious_characters(value)}{decimal_hint(value, catalogue)}",
                     values=items)
    pairs = pd.Series(user_codes.astype(np.int64) * len(distinct) + item_codes)
    repeated = pairs.duplicated().to_numpy() & ~empty
    add_row_problems(report, "duplicate_item", repeated, rows, users, column,
                     lambda row, value: f"{where(row)}: item {value!r} is already in this user's list",
                     values=items)


def _check_ranks(
    text: pd.Series,
    users: pd.Series,
    user_codes: np.ndarray,
    rows: np.ndarray,
    user_column: str,
    column: str,
    name: str,
    report: ValidationReport,
) -> None:
    where = _cell_locator(name, users, column)
    ranks = rank_values(text)
    whole = np.isfinite(ranks) & (ranks == np.round(ranks))
    add_row_problems(report, "rank_not_an_integer", ~whole, rows, users, column,
                     lambda row, value: f"{where(row)}: rank {value!r} is not a whole number", values=text)
    below = whole & (ranks < 1)
    add_row_problems(report, "rank_out_of_range", below, rows, users, column,
                     lambda row, value: f"{where(row)}: rank {value} is below 1; ranks start at 1", values=text)
    beyond = whole & (ranks > MAX_LIST_LENGTH)
    add_row_problems(report, "rank_beyond_k", beyond, rows, users, column,
                     lambda row, value: f"{where(row)}: rank {value} is beyond {MAX_LIST_LENGTH}, the longest "
                                        "list allowed", values=text)

    usable = whole & ~below & ~beyond
    keys = pd.Series(user_codes.astype(np.int64) * (MAX_LIST_LENGTH + 1) + np.where(usable, ranks, 0).astype(np.int64))
    repeated = keys.duplicated().to_numpy() & usable
    add_row_problems(report, "duplicate_rank", repeated, rows, users, column,
                     lambda row, value: f"{where(row)}: rank {value} is already taken in this user's list",
                     values=text)

    # With repeats set aside, a user's list is complete when it has as many ranks as its deepest.
    distinct = usable & ~repeated
    per_user = pd.DataFrame({"user": user_codes[distinct], "rank": ranks[distinct].astype(np.int64)})
    depth = per_user.groupby("user")["rank"].agg(["max", "size"])
    gapped = depth.index[depth["max"] > depth["size"]]
    for code in gapped[:EXAMPLES_PER_PROBLEM]:
        present = set(per_user.loc[per_user["user"] == code, "rank"])
        missing = [rank for rank in range(1, int(depth.at[code, "max"])) if rank not in present]
        user = users.iloc[int(np.flatnonzero(user_codes == code)[0])]
        more = ", ..." if len(missing) > EXAMPLES_PER_PROBLEM else ""
        shown = ", ".join(map(str, missing[:EXAMPLES_PER_PROBLEM])) + more
        report.problems.append(Problem(
            "missing_rank",
            f"{name}: {user_column} {user!r}, column '{column}': the list goes down to rank "
            f"{depth.at[code, 'max']} but rank(s) {shown} are missing; ranks must run 1, 2, 3, ... without gaps",
            column=column, id=str(user)))
    if len(gapped) > EXAMPLES_PER_PROBLEM:
        report.problems.append(Problem("missing_rank", f"{name}: ... and {len(gapped) - EXAMPLES_PER_PROBLEM:,} more "
                                                       "user(s) whose ranks have gaps", column=column))


def decimal_hint(value: object, known: pd.Index) -> str:
    """A hint for an id such as ``"17.0"`` whose integer part ``"17"`` is a known id: ids are
    compared as text, and a numeric id column that went through floats is written that way.

    Examples
    --------
    >>> decimal_hint("17.0", pd.Index(["17", "18"]))
    " (ids are compared as text: write '17', not '17.0')"
    >>> decimal_hint("19.0", pd.Index(["17", "18"]))
    ''
    """
    match = _DECIMAL_ID.fullmatch(str(value).strip())
    if match is None or match.group(1) not in known:
        return ""
    return f" (ids are compared as text: write {match.group(1)!r}, not {str(value)!r})"


def rank_values(column: pd.Series) -> np.ndarray:
    """The ranks as floats, NaN where a cell is not a number. ``True`` / ``False`` are not
    ranks, although pandas reads a column of them as booleans, which numpy counts as 1 / 0.

    Examples
    --------
    >>> rank_values(pd.Series(["1", " 2", "3.0", "x"])).tolist()
    [1.0, 2.0, 3.0, nan]
    >>> rank_values(pd.Series([True, False])).tolist()
    [nan, nan]
    """
    if pd.api.types.is_bool_dtype(column):
        return np.full(len(column), np.nan)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def _per_row(flags: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """A flag computed once per distinct value, spread back to the rows (``codes`` from
    ``pd.factorize``): a column of a million ids holds far fewer distinct ones."""
    return np.asarray(flags, dtype=bool)[codes]


def factorize_runs(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(values)``, hashing only the first value of each run of equal neighbours.

    A submission lists each user's items together and an answer key is sorted by user, so a
    user column of ten million rows holds about as many runs as users. Finding the runs is one
    vectorised comparison of neighbours, several times cheaper than hashing every row; codes
    still number the distinct values in order of first appearance, as ``pd.factorize`` does.

    Examples
    --------
    >>> codes, distinct = factorize_runs(pd.Series(["b", "b", "a", "a", "b"]))
    >>> codes.tolist(), distinct.tolist()
    ([0, 0, 1, 1, 0], ['b', 'a'])
    """
    n = len(values)
    starts = np.ones(n, dtype=bool)
    if n > 1:
        following = values.iloc[1:].reset_index(drop=True)
        preceding = values.iloc[:-1].reset_index(drop=True)
        # Missing values never equal their neighbour, so each starts a run (and gets code -1).
        starts[1:] = following.ne(preceding).to_numpy(dtype=bool, na_value=True)
    codes, distinct = pd.factorize(values[starts])
    lengths = np.diff(np.r_[np.flatnonzero(starts), n])
    return np.repeat(codes, lengths), distinct


def _positions(values: pd.Series, index: pd.Index, runs: bool = False) -> np.ndarray:
    """The position of every value in ``index`` (-1 when absent), hashing each distinct value
    once (and, with ``runs``, only the first of each run of equal values)."""
    codes, distinct = factorize_runs(values) if runs else pd.factorize(values)
    return index.get_indexer(distinct)[codes]

