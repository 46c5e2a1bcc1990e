"""Top-k recommendation: a ranked list of items for each test user.

Submission (:class:`~casekit.cases.submission_schemas.RankingSubmission`): long format, one
row per recommended item, with the user (``user_column``), the item (``item_column``) and its
``rank_column``: ranks
run 1, 2, 3, ... without gaps, up to the submission's ``max_list_length`` (default
:data:`MAX_LIST_LENGTH`). A test user may be left without a list; they then score 0 on every
metric, and the scorecard says how many. Items are the case's labels: its catalogue, or, for
a case whose test has a catalogue of its own (next week's events), that catalogue alone.

The answer key holds one row per held-out relevant ``(user, item)`` pair, and optionally
the user's number of training interactions (:data:`HISTORY_COLUMN`) for the cold / warm
slices. The case's ``labels`` are its item catalogue, most popular (in training) first, so
an item's code is its popularity rank: that is how the long-tail metrics and the head / tail
slices tell head items (the first :data:`HEAD_SHARE` of the catalogue) from the tail.

The answer key may carry more columns about each pair (is the place new to the user, is the
user a member of the event's group): a per-user metric with ``only=AnswerFilter(column,
value)`` counts only the answers holding that value as relevant (recall on new places), and a
slice with ``per_answer`` breaks the primary metric down by such a column.

The bootstrap unit is the test user: every metric with an interval is a mean of per-user
values (see :mod:`casekit.metrics.ranking`); catalogue coverage, a property of all the lists
together, has none. A case may add diagnostics of its own (:class:`~casekit.cases.spec.CaseMetric`,
a places case's distance from the user to what it recommends): the task gives the case's
function the top k of every list, as a submission lists them, and the input tables it reads
(:meth:`RankingTask.scoring_inputs`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field
from pydantic.dataclasses import dataclass as parameters

from casekit.cases.errors import CaseSpecError
from casekit.cases.spec import AnswerFilter, CaseMetric
from casekit.cases.submission_schemas import RankingSubmission
from casekit.errors import InvalidAnswersError
from casekit.metrics import ranking as metrics
from casekit.submissions.checks import (
    EXAMPLES_PER_PROBLEM,
    Problem,
    ValidationReport,
    add_row_problems,
    row_locator,
    suspicious_characters,
)
from casekit.tasks.base import Decision, ReportTable, Task, TaskDetails
from casekit.tasks.hostile_files import SCORED, HostileSubmission, SubmissionRoles, csv_bytes, with_cells
from casekit.tasks.metric import PARAMETERS, MetricDefinition, MetricRegistry

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


@parameters(frozen=True, kw_only=True, config=PARAMETERS)
class AtDepth:
    """The list depth ``k``: the top k items of each list are scored (at most the case's
    longest list, which the task checks)."""

    k: Annotated[int, Field(ge=1)]


@parameters(frozen=True, kw_only=True, config=PARAMETERS)
class OnAnswers:
    """The answers counted as relevant: all of them, or ``only`` those an answer filter keeps
    (users left without any have no value and are left out)."""

    only: AnswerFilter | None = None


@parameters(frozen=True, kw_only=True, config=PARAMETERS)
class AtDepthOnAnswers(AtDepth, OnAnswers):
    """A list depth and the answers counted as relevant."""


@dataclass(frozen=True)
class RankingTruth:
    """The answer key: each evaluated user's relevant items, as codes.

    ``ids`` are the evaluated users in the key's order (user code = position); ``items`` is
    the catalogue, most popular first (item code = position); ``history`` is each user's
    number of training interactions, when the key records it. ``answer_columns`` holds the
    answer-key columns that metrics and slices read per answer, one value per relevant pair in
    the order of ``relevant.items``; ``inputs`` the input tables the case's own metrics read.
    """

    ids: pd.Index
    relevant: metrics.RelevantSets
    items: pd.Index
    history: np.ndarray | None
    answer_columns: Mapping[str, np.ndarray] = field(default_factory=dict)
    inputs: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def n_units(self) -> int:
        return len(self.ids)

    @property
    def answer_counts(self) -> np.ndarray:
        """How many answers (relevant items) each user has."""
        return self.relevant.counts

    def answer_values(self, column: str) -> np.ndarray:
        """The answer-key column ``column``, one value per answer (as text)."""
        return self.answer_columns[column]

    def restrict_answers(self, keep: np.ndarray) -> RankingTruth:
        """The same users (in place, some maybe left without answers) with only the answers
        where ``keep`` is True: ``keep`` has one flag per relevant pair, as ``answer_values``."""
        counts = np.bincount(self.relevant.users[keep], minlength=self.n_units)
        indptr = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        relevant = metrics.RelevantSets(indptr=indptr, items=self.relevant.items[keep])
        return replace(self, relevant=relevant,
                       answer_columns={name: values[keep] for name, values in self.answer_columns.items()})

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_head(self) -> int:
        return math.ceil(HEAD_SHARE * self.n_items)

    def subset(self, mask: np.ndarray) -> RankingTruth:
        pairs = np.repeat(mask, self.relevant.counts)
        return replace(self, ids=self.ids[mask], relevant=self.relevant.subset(mask),
                       history=None if self.history is None else self.history[mask],
                       answer_columns={name: values[pairs] for name, values in self.answer_columns.items()})


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
class Judged:
    """A submission's lists judged against the relevant items: which slots hit (``hits``), how
    many relevant items each user has (``counts``, at least 1), and which users have any
    (``defined``; None when all do)."""

    hits: np.ndarray
    counts: np.ndarray
    defined: np.ndarray | None


@dataclass
class RankingScoring:
    """What the ranking metrics read: the truth, the lists, and the lists judged against the
    answers, once per answer filter."""

    truth: RankingTruth
    lists: RankedLists
    top_columns: tuple[str, str, str]
    _judged: dict[AnswerFilter | None, Judged] = field(default_factory=dict)

    def judged(self, only: AnswerFilter | None) -> Judged:
        """The lists judged against every answer, or against those ``only`` keeps."""
        if only not in self._judged:
            truth = self.truth
            defined = None
            if only is not None:
                truth = truth.restrict_answers(truth.answer_values(only.column) == only.value)
                defined = truth.relevant.counts > 0
            counts = truth.relevant.counts if defined is None else np.maximum(truth.relevant.counts, 1)
            self._judged[only] = Judged(metrics.hit_matrix(self.lists.recommended, truth.relevant, truth.n_items),
                                        counts, defined)
        return self._judged[only]

    def top(self, k: int) -> pd.DataFrame:
        """The top ``k`` of every list as a submission lists them: user, item and rank columns."""
        top = self.lists.recommended[:, :k]
        users, slots = np.nonzero(top < self.truth.n_items)
        user, item, rank = self.top_columns
        return pd.DataFrame({user: self.truth.ids.to_numpy()[users],
                             item: self.truth.items.to_numpy()[top[users, slots]], rank: slots + 1})


def _per_user(name: str, summary: str, measure: Callable[[Judged, Any], np.ndarray],
              params: type[OnAnswers] = AtDepthOnAnswers) -> MetricDefinition[RankingScoring, Any]:
    """A mean over users of ``measure(judged, params)``, each user judged against the answers
    the metric's ``only`` keeps (a user without any has no value)."""

    def values(scoring: RankingScoring, params: Any) -> np.ndarray:
        judged = scoring.judged(params.only)
        per_user = measure(judged, params)
        return per_user if judged.defined is None else np.where(judged.defined, per_user, np.nan)

    return MetricDefinition.mean_over_units(name, "higher", summary, values, params)


REGISTRY = MetricRegistry("ranking", (
    _per_user("ndcg", "Normalised discounted cumulative gain at k (binary relevance): sum of 1 / log2(rank + 1) "
                      "over hits, over its ideal.",
              lambda judged, p: metrics.ndcg_at_k(judged.hits, judged.counts, p.k)),
    _per_user("map", "Average precision at k: mean of precision@rank over the hits, divided by min(k, relevant "
                     "items).",
              lambda judged, p: metrics.average_precision_at_k(judged.hits, judged.counts, p.k)),
    _per_user("recall", "Share of the user's relevant items in the top k.",
              lambda judged, p: metrics.recall_at_k(judged.hits, judged.counts, p.k)),
    _per_user("precision", "Share of the top k that is relevant.",
              lambda judged, p: metrics.precision_at_k(judged.hits, p.k)),
    _per_user("hit_rate", "Whether any of the top k is relevant.",
              lambda judged, p: metrics.hit_rate_at_k(judged.hits, p.k)),
    _per_user("mrr", "Reciprocal rank of the first relevant item (0 without one).",
              lambda judged, p: metrics.reciprocal_rank(judged.hits), OnAnswers),
    MetricDefinition.mean_over_units(
        "long_tail_share", "higher", f"Share of the top k outside the most popular {HEAD_SHARE:.0%} of the catalogue.",
        lambda s, p: metrics.long_tail_share_at_k(s.lists.recommended, s.truth.n_items, s.truth.n_head, p.k), AtDepth),
    MetricDefinition("coverage", "higher", "Share of the catalogue that appears in some user's top k (all the lists "
                                           "together: no per-user interval).",
                     lambda s, p: metrics.catalog_coverage(s.lists.recommended, s.truth.n_items, p.k), None, AtDepth),
))


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
        from casekit.tasks.figures import recall_curve_png

        return {"recall_at_k.png": recall_curve_png(self.recall_curve.k, self.recall_curve.recall,
                                                    marked_k=DETAIL_K)}


class RankingTask(Task[RankingSubmission, RankingTruth, RankedLists]):
    """A ranked list of items for each test user, scored per user at a list depth k."""

    name = "ranking"
    schema_type = RankingSubmission
    unit = "test user"
    registry = REGISTRY
    details_type = RankingDetails

    several_answers_per_unit = True

    @property
    def max_list_length(self) -> int:
        """The longest list a submission may give: the case's limit, else :data:`MAX_LIST_LENGTH`."""
        return self.schema.max_list_length or MAX_LIST_LENGTH

    def check_spec(self) -> None:
        schema = self.schema
        slug = self.spec.slug
        if not 1 <= self.max_list_length <= MAX_LIST_LENGTH:
            raise CaseSpecError(f"case {slug!r}: max_list_length={schema.max_list_length} is outside 1.."
                                f"{MAX_LIST_LENGTH}")
        for metric in self.metrics:
            if isinstance(metric.params, AtDepth) and metric.params.k > self.max_list_length:
                raise CaseSpecError(f"case {slug!r}: metric {metric.name!r}: k={metric.params.k} is outside 1.."
                                    f"{self.max_list_length}, the longest list a submission may give")

    def case_metric(self, name: str, declared: CaseMetric) -> MetricDefinition[RankingScoring, AtDepth]:
        """A diagnostic the case computes itself: its function is given the top ``k`` of every
        list (a table with the submission's user, item and rank columns) and the input tables the
        case declares it reads, and returns one number for all the lists together."""
        try:
            function = declared.function()
        except (ImportError, AttributeError, ValueError) as error:
            raise CaseSpecError(f"case {self.spec.slug!r}: metric {name!r}: its function {declared.compute!r} cannot "
                                f"be found ({error})") from None

        def point(scoring: RankingScoring, params: AtDepth) -> float:
            return float(function(scoring.top(params.k), scoring.truth.inputs))

        return MetricDefinition(name, declared.direction, declared.summary, point, None, AtDepth)

    def scoring(self, truth: RankingTruth, lists: RankedLists) -> RankingScoring:
        schema = self.schema
        return RankingScoring(truth, lists, (schema.user_column, schema.item_column, schema.rank_column))

    def scoring_inputs(self) -> dict[str, list[str]]:
        """The input tables, and their columns, that the case's own metrics read."""
        needed: dict[str, list[str]] = {}
        for metric in self.spec.metrics:
            if isinstance(metric.metric, CaseMetric):
                for table, columns in metric.metric.reads.items():
                    listed = needed.setdefault(table, [])
                    listed += [column for column in columns if column not in listed]
        return needed

    def answer_columns_read(self) -> tuple[list[str], list[str]]:
        """The answer-key columns read per answer: those the metrics' answer filters read, and
        those the per-answer slices read (an issued key has them; answers held locally may not)."""
        needed = [metric.params.only.column for metric in self.metrics
                  if isinstance(metric.params, OnAnswers) and metric.params.only is not None]
        sliced = [part.column for part in self.spec.slices if part.per_answer and part.column not in needed]
        return list(dict.fromkeys(needed)), list(dict.fromkeys(sliced))

    def answer_columns(self, available: list[str]) -> list[str]:
        """The id and the item, the training history when given, and the columns read per answer."""
        needed, sliced = self.answer_columns_read()
        extra = [column for column in (HISTORY_COLUMN, *needed, *sliced) if column in available]
        return [self.spec.id_column, self.spec.target, *dict.fromkeys(extra)]

    def template_context(self) -> dict[str, Any]:
        return {**super().template_context(), "sample_group": self.spec.id_column}

    def describe_submission(self) -> str:
        schema = self.schema
        items = (f" (only items of ``{schema.catalogue_table}``)" if schema.catalogue_table else "")
        return (f"one row per recommended item: ``{schema.user_column}``, ``{schema.item_column}``{items} and "
                f"``{schema.rank_column}`` (1, 2, 3, ... without gaps; at most {self.max_list_length} items per "
                f"{schema.user_column})")

    def text_columns(self) -> list[str]:
        return [self.schema.user_column, self.schema.item_column]

    def submission_columns(self, labels: tuple[str, ...]) -> tuple[list[str], list[str]]:
        schema = self.schema
        return [schema.user_column, schema.item_column, schema.rank_column], []

    def held_out_labels(self, inputs: Mapping[str, pd.DataFrame]) -> tuple[str, ...] | None:
        """The items of the held-out part's own catalogue table, when the case names one."""
        catalogue = self.schema.catalogue_table
        if catalogue is None:
            return None
        if catalogue not in inputs:
            raise InvalidAnswersError(f"inputs has no table {catalogue!r}, which lists the items the predictions may "
                                      "name; pass the tables as holdout.split gives them")
        return tuple(inputs[catalogue][self.spec.target].astype(str))

    def check_ids(self, frame: pd.DataFrame, expected_ids: pd.Index, name: str, report: ValidationReport) -> None:
        """Record empty users and users who are not test users.

        A user appears on many rows, and a test user with no rows is allowed (they score 0).
        """
        column = self.schema.user_column
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
        schema = self.schema
        users = frame[schema.user_column]
        user_codes = factorize_runs(users)[0]
        rows = np.arange(1, len(frame) + 1)
        if schema.item_column in frame.columns:
            _check_items(frame[schema.item_column], users, user_codes, rows, labels, schema.item_column, name,
                         report, schema.catalogue_table)
        if schema.rank_column in frame.columns:
            _check_ranks(frame[schema.rank_column], users, user_codes, rows, schema.user_column, schema.rank_column,
                         name, report, self.max_list_length)

    def truth(self, answers: pd.DataFrame, labels: tuple[str, ...],
              inputs: Mapping[str, pd.DataFrame] | None = None) -> RankingTruth:
        """The answer key as codes: users in the key's order, items by their catalogue position.

        ``inputs`` holds the tables :meth:`scoring_inputs` names (those the case's own metrics
        read); the answer columns that metrics and slices read per answer are kept.
        """
        spec = self.spec
        user_codes, users = factorize_runs(answers[spec.id_column])
        catalogue = pd.Index(labels)
        item_codes = _positions(answers[spec.target], catalogue)
        if (item_codes < 0).any():
            unknown = answers[spec.target][item_codes < 0].iloc[0]
            raise InvalidAnswersError(f"the answers name item {unknown!r}, which is not in the catalogue; score "
                                      "against answers whose items the catalogue lists")
        # Each (user, item) pair once, hashed as one integer key rather than as a two-column
        # frame (a ten-million-row key keeps its peak memory down).
        keys = user_codes * len(catalogue) + item_codes
        pairs = pd.unique(keys)
        relevant = metrics.RelevantSets.from_pairs(pairs // len(catalogue), pairs % len(catalogue), len(users))
        history = None
        if HISTORY_COLUMN in answers.columns:
            first_rows = np.unique(user_codes, return_index=True)[1]
            history = answers[HISTORY_COLUMN].iloc[first_rows].astype(np.int64).to_numpy()
        answer_columns = {}
        needed, sliced = self.answer_columns_read()
        missing = [column for column in needed if column not in answers.columns]
        if missing:
            raise InvalidAnswersError(f"the answers have no column(s) {missing}, which the case's metrics read per "
                                      "answer; keep them in the answers you score against")
        wanted = needed + [column for column in sliced if column in answers.columns]
        if wanted:
            # Each pair's values from its first row, in the order from_pairs gives the pairs.
            codes, _ = pd.factorize(keys)
            first = np.empty(pairs.size, dtype=np.int64)
            first[codes[::-1]] = np.arange(keys.size)[::-1]
            first = first[np.argsort(pairs // len(catalogue), kind="stable")]
            answer_columns = {column: answers[column].astype(str).to_numpy()[first] for column in wanted}
        return RankingTruth(ids=pd.Index(users), relevant=relevant, items=catalogue, history=history,
                            answer_columns=answer_columns, inputs=self._read_inputs(inputs or {}))

    def _read_inputs(self, inputs: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """The input tables the case's own metrics read, with the columns they name."""
        read = {}
        for table, columns in self.scoring_inputs().items():
            if table not in inputs:
                raise InvalidAnswersError(f"the case's metrics read the input table {table!r}, which was not given; "
                                          f"pass it in inputs")
            missing = [column for column in columns if column not in inputs[table].columns]
            if missing:
                raise InvalidAnswersError(f"the input table {table!r} has no column(s) {missing}, which the case's "
                                          f"metrics read; pass the table as the case issued it")
            read[table] = inputs[table][columns]
        return read

    def decode(self, frame: pd.DataFrame, labels: tuple[str, ...], ids: pd.Index,
               decision: Decision | None = None) -> RankedLists:
        """Turn a validated submission into a ``(users, deepest rank)`` matrix of item codes."""
        schema = self.schema
        users = _positions(frame[schema.user_column], ids, runs=True)
        items = _positions(frame[schema.item_column], pd.Index(labels))
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
        schema = self.schema
        users = inputs["test"][self.spec.id_column].to_numpy()
        top = np.asarray(labels[:SAMPLE_LIST_LENGTH], dtype=object)
        return pd.DataFrame({
            schema.user_column: np.repeat(users, top.size),
            schema.item_column: np.tile(top, users.size),
            schema.rank_column: np.tile(np.arange(1, top.size + 1), users.size),
        })

    def baseline_submission(self, estimator: Any, inputs: dict[str, pd.DataFrame],
                            labels: tuple[str, ...]) -> pd.DataFrame:
        """Fit a recommender on the instance's inputs and return its lists for the test users.

        ``estimator`` follows the case's recommender protocol: ``fit(inputs)`` on the input
        tables and ``recommend(users, k)`` returning a submission-format table.
        """
        estimator.fit(inputs)
        return estimator.recommend(inputs["test"][self.spec.id_column].to_numpy(), self.max_list_length)

    # -- hostile submissions -------------------------------------------------------------------

    def hostile_roles(self, labels: tuple[str, ...]) -> SubmissionRoles:
        return SubmissionRoles(self.schema.user_column, self.schema.item_column, self.schema.rank_column)

    def hostile_submissions(self, valid: pd.DataFrame) -> list[HostileSubmission]:
        """Hostile lists: ranks out of range, repeated or with gaps; unknown, repeated or
        malformed items and users; lists left out or from another instance.

        ``valid`` lists each user's items together, ranks 1, 2, 3, ... in order.
        """
        user, item, rank = self.schema.user_column, self.schema.item_column, self.schema.rank_column
        first = valid[valid[user] == valid[user].iloc[0]]
        last = len(first) - 1
        variants = [
            ("rank-negative-integer", with_cells(valid, rank, {0: "-3"}), "rank_out_of_range"),
            ("rank-zero", with_cells(valid, rank, {0: "0"}), "rank_out_of_range"),
            ("rank-fraction", with_cells(valid, rank, {1: "2.5"}), "rank_not_an_integer"),
            ("rank-beyond-k", with_cells(valid, rank, {last: "101"}), "rank_beyond_k"),
            ("rank-huge-integer", with_cells(valid, rank, {last: "99999999999999999999"}), "rank_beyond_k"),
            ("rank-repeated", with_cells(valid, rank, {1: "1"}), "duplicate_rank"),
            ("rank-gap", valid.drop(index=first.index[2]), "missing_rank"),
            ("rank-booleans", first.iloc[:2].assign(**{rank: ["True", "False"]}), "rank_not_an_integer"),
            ("ranks-as-decimals", valid.assign(**{rank: valid[rank] + ".0"}), SCORED),
            ("ranks-listed-backwards", valid.iloc[::-1], SCORED),
            ("item-repeated-in-a-list", with_cells(valid, item, {1: valid[item].iloc[0]}), "duplicate_item"),
            ("item-unknown", with_cells(valid, item, {0: "no-such-item"}), "unknown_item"),
            ("item-as-float", with_cells(valid, item, {0: f"{valid[item].iloc[0]}.0"}), "unknown_item"),
            ("item-empty", with_cells(valid, item, {0: ""}), "empty_item"),
            ("user-unknown", with_cells(valid, user, {0: "no-such-user"}), "unknown_id"),
            ("user-as-float", with_cells(valid, user, {0: f"{valid[user].iloc[0]}.0"}), "unknown_id"),
            ("user-without-a-list", valid.drop(index=first.index), SCORED),
            ("one-user-only", first, SCORED),
            ("users-of-another-instance", valid.assign(**{user: "other-" + valid[user]}), "wrong_instance"),
        ]
        return [HostileSubmission(name, csv_bytes(frame), expected) for name, frame, expected in variants]


def _cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _check_items(
    items: pd.Series,
    users: pd.Series,
    user_codes: np.ndarray,
    rows: np.ndarray,
    labels: tuple[str, ...],
    column: str,
    name: str,
    report: ValidationReport,
    catalogue_table: str | None = None,
) -> None:
    where = row_locator(name, users, column, unit="user ")
    # A case whose test has a catalogue of its own says where it is: the items of other tables
    # (past events) are known ids, but not ones a list may name.
    catalogue_name = f"the items of {catalogue_table}.csv, the only ones a list may name" if catalogue_table \
        else "the catalogue"
    item_codes, distinct = pd.factorize(items)
    empty = _per_row(distinct.str.strip() == "", item_codes)
    add_row_problems(report, "empty_item", empty, rows, users, column,
                     lambda row, value: f"{where(row)}: empty item id")
    catalogue = pd.Index(labels)
    unknown = _per_row(~distinct.isin(catalogue), item_codes) & ~empty
    add_row_problems(report, "unknown_item", unknown, rows, users, column,
                     lambda row, value: f"{where(row)}: item {value!r} is not in {catalogue_name}"
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
    limit: int = MAX_LIST_LENGTH,
) -> None:
    where = row_locator(name, users, column, unit="user ")
    ranks = rank_values(text)
    whole = np.isfinite(ranks) & (ranks == np.round(ranks))
    add_row_problems(report, "rank_not_an_integer", ~whole, rows, users, column,
                     lambda row, value: f"{where(row)}: rank {value!r} is not a whole number", values=text)
    below = whole & (ranks < 1)
    add_row_problems(report, "rank_out_of_range", below, rows, users, column,
                     lambda row, value: f"{where(row)}: rank {value} is below 1; ranks start at 1", values=text)
    beyond = whole & (ranks > limit)
    add_row_problems(report, "rank_beyond_k", beyond, rows, users, column,
                     lambda row, value: f"{where(row)}: rank {value} is beyond {limit}, the longest "
                                        "list allowed", values=text)

    usable = whole & ~below & ~beyond
    keys = pd.Series(user_codes.astype(np.int64) * (limit + 1) + np.where(usable, ranks, 0).astype(np.int64))
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

