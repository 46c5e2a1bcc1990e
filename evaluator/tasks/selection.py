"""Selection under a budget: for each group of items (a day of footage, a video), the items to keep.

Each item has a length in whole seconds and each group a budget: a group's selected items may
last no longer than its budget. Human editors judged every test group: each cut it (chose the
items of their own recap) and rated every item's importance. The selection is scored against
them, group by group, then averaged over groups; the bootstrap resamples groups.

**Submission** (:class:`~casekit.cases.submission_schemas.SelectionSubmission`). One row per
selected item: the group (the record's ``group_column``) and the item (its ``item_column``). A
group with no rows has an empty selection (it scores 0 on the F1 metrics). Optionally, all or
none, two more columns: ``selected`` (1 or 0) and ``score`` (any finite number, higher = more
important); a submission with them lists *every* item of every test group, ``selected`` marking
its cut, and is scored on the rank metrics too (Kendall's tau, Spearman's rho, highlight mAP
and HIT@1), which need a score for each item: a correlation over the selected items alone would
say nothing about the ones left out. The scores are optional because the cut is the product: a
pipeline that produces a cut without a per-item score (rules, an editor's tool) is scored on
what it made.

**Test table and answer key.** Both list the test items group by group, in time order, with
the group, the item, :data:`LENGTH_COLUMN` and :data:`BUDGET_COLUMN` (the same on every row
of a group). The key adds, for every editor named in the case's ``labels``,
``selected_<editor>`` (how much of the item is in that editor's cut, 0 to 1: a fraction when
the editor's scores tie at the edge of the budget) and ``importance_<editor>``, both empty
where the editor did not judge the group, and the target: the editors' mean importance, from
which the oracle (the knapsack of :mod:`casekit.cases.knapsack`) computes the best achievable value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field
from pydantic.dataclasses import dataclass as parameters

from casekit.cases.knapsack import best_selections
from casekit.cases.submission_schemas import SelectionSubmission
from casekit.errors import InvalidAnswersError
from casekit.metrics import selection as metrics
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
from casekit.tasks.metric import PARAMETERS, MetricDefinition, MetricRegistry, NoParameters
from casekit.tasks.ranking import decimal_hint, factorize_runs

LENGTH_COLUMN = "duration"
BUDGET_COLUMN = "budget"
SELECTED_COLUMN = "selected"
SCORE_COLUMN = "score"
SELECTED_PREFIX = "selected_"
IMPORTANCE_PREFIX = "importance_"
# The report draws the timelines of at most this many groups (the first ones of the key).
TIMELINE_GROUPS = 8
# The per-group table lists at most this many groups.
TABLE_GROUPS = 60
_SHOWN_CHARACTERS = 60

@dataclass(frozen=True)
class SelectionTruth:
    """The answer key: the test items group by group, their lengths, the budgets and the editors.

    Items are flat, in the key's order; group ``g`` holds items ``offsets[g]:offsets[g + 1]``.
    ``cuts`` and ``importance`` have one row per editor (NaN where the editor did not judge
    the group); ``value`` is each item's mean importance x seconds and ``best`` each group's
    most valuable selection within budget.
    """

    ids: pd.Index
    items: pd.MultiIndex
    offsets: np.ndarray
    lengths: np.ndarray
    budgets: np.ndarray
    editors: tuple[str, ...]
    cuts: np.ndarray
    importance: np.ndarray
    value: np.ndarray
    best: np.ndarray

    @property
    def n_units(self) -> int:
        return len(self.ids)

    def subset(self, mask: np.ndarray) -> SelectionTruth:
        keep = _items_of(self.offsets, mask)
        return replace(self, ids=self.ids[mask], items=self.items[keep], offsets=_offsets_of(self.offsets, mask),
                       lengths=self.lengths[keep], budgets=self.budgets[mask], cuts=self.cuts[:, keep],
                       importance=self.importance[:, keep], value=self.value[keep], best=self.best[mask])


@dataclass(frozen=True)
class Selections:
    """A submission's rows as codes: each row's group (position in the truth's groups), its item
    id, whether it is selected and its score (NaN without scores)."""

    group: np.ndarray
    item: np.ndarray
    selected: np.ndarray
    score: np.ndarray
    n_groups: int
    scored: bool

    @property
    def n_units(self) -> int:
        return self.n_groups

    def subset(self, mask: np.ndarray) -> Selections:
        new_code = np.cumsum(mask) - 1
        rows = mask[self.group]
        return replace(self, group=new_code[self.group[rows]], item=self.item[rows], selected=self.selected[rows],
                       score=self.score[rows], n_groups=int(mask.sum()))


@dataclass
class SelectionScoring:
    """What the selection metrics read: the truth, the selection as a mask over its items, the
    item scores (None without them), and what several metrics share, computed once."""

    truth: SelectionTruth
    selected: np.ndarray
    scores: np.ndarray | None

    @property
    def item_scores(self) -> np.ndarray:
        assert self.scores is not None  # only the metrics that require scores ask
        return self.scores

    @cached_property
    def f1(self) -> np.ndarray:
        """Each group's F1 against each editor (NaN where the editor did not judge it)."""
        return metrics.time_f1(self.selected, self.truth.cuts, self.truth.lengths, self.truth.offsets)

    @cached_property
    def rank_correlations(self) -> tuple[np.ndarray, np.ndarray]:
        """Kendall's tau and Spearman's rho of the scores against each editor, per group."""
        return metrics.rank_correlations(self.item_scores, self.truth.importance, self.truth.offsets)

    def relevant(self, min_score: int) -> np.ndarray:
        return _relevant(self.truth.importance, min_score)


@parameters(frozen=True, kw_only=True, config=PARAMETERS)
class OverEditors:
    """How a group's F1 against each editor becomes one value: ``"mean"`` (TVSum) or ``"max"`` (SumMe)."""

    over_editors: Literal["mean", "max"] = "mean"


@parameters(frozen=True, kw_only=True, config=PARAMETERS)
class MinScore:
    """An item is relevant to an editor who rated it at least ``min_score``."""

    min_score: Annotated[int, Field(ge=0)]


REGISTRY = MetricRegistry("selection", (
    MetricDefinition.mean_over_units(
        "f1", "higher", "F1 of the selected seconds against each editor's cut (2 x seconds in both / (selected + "
                        "editor's seconds)), averaged or maxed over the group's editors.",
        lambda s, p: _over_editors(s.f1, p.over_editors), OverEditors),
    MetricDefinition.mean_over_units(
        "importance_share", "higher", "The selection's importance (editors' mean importance x seconds, summed) over "
                                      "the most any selection within budget achieves.",
        lambda s, p: metrics.importance_share(s.selected, s.truth.value, s.truth.offsets, s.truth.best),
        NoParameters),
    MetricDefinition.mean_over_units(
        "kendall_tau", "higher", "Kendall's tau-b of the item scores against each editor's importance, averaged over "
                                 "the group's editors.",
        lambda s, p: _over_editors(s.rank_correlations[0], "mean"), NoParameters, requires_probabilities=True),
    MetricDefinition.mean_over_units(
        "spearman_rho", "higher", "Spearman's rho of the item scores against each editor's importance, averaged over "
                                  "the group's editors.",
        lambda s, p: _over_editors(s.rank_correlations[1], "mean"), NoParameters, requires_probabilities=True),
    MetricDefinition.mean_over_units(
        "highlight_map", "higher", "Interpolated average precision of the item scores, relevant = rated min_score or "
                                   "more, averaged over editors (QVHighlights' HL-mAP).",
        lambda s, p: _over_editors(metrics.highlight_average_precision(s.item_scores, s.relevant(p.min_score),
                                                                       s.truth.offsets), "mean"),
        MinScore, requires_probabilities=True),
    MetricDefinition.mean_over_units(
        "highlight_hit_at_1", "higher", "Whether any editor rated the top-scored item min_score or more "
                                        "(QVHighlights' HL-Hit1).",
        lambda s, p: _over_editors(metrics.highlight_hit_at_one(s.item_scores, s.relevant(p.min_score),
                                                                s.truth.offsets), "max"),
        MinScore, requires_probabilities=True),
))


@dataclass(frozen=True)
class GroupRow:
    """One group's cut against its editors."""

    group: str
    items: int
    budget: int
    selected_seconds: int
    f1_mean: float | None
    f1_max: float | None
    importance_share: float | None


@dataclass(frozen=True)
class Timeline:
    """One group's timeline: item lengths in order, the selection and each editor's cut."""

    group: str
    lengths: list[int]
    selected: list[bool]
    cuts: dict[str, list[float]]


@dataclass(frozen=True)
class EditorAgreement:
    """How well one editor's cut matches the others' (mean F1 over the groups both judged): what
    a human scores, to read the candidate's F1 against."""

    editor: str
    groups: int
    f1_against_the_others: float | None


@dataclass(frozen=True)
class SelectionDetails(TaskDetails):
    """Per-group results, how much editors agree, and timelines of the cut against the editors'."""

    groups: list[GroupRow]
    more_groups: int
    agreement: list[EditorAgreement]
    timelines: list[Timeline]

    def tables(self) -> list[ReportTable]:
        tables = [ReportTable(
            "Per group: the cut against the editors'" + (f" (first {len(self.groups)}; {self.more_groups:,} more "
                                                           "not listed)" if self.more_groups else ""),
            ["group", "items", "budget (s)", "selected (s)", "F1 (mean over editors)", "F1 (best editor)",
             "importance share"],
            [[row.group, f"{row.items:,}", f"{row.budget:,}", f"{row.selected_seconds:,}", _cell(row.f1_mean),
              _cell(row.f1_max), _cell(row.importance_share)] for row in self.groups],
        )]
        if self.agreement:
            tables.append(ReportTable(
                "How much the editors agree (each editor's cut scored like a submission against the others')",
                ["editor", "groups", "F1 against the others (mean)"],
                [[row.editor, f"{row.groups:,}", _cell(row.f1_against_the_others)] for row in self.agreement],
            ))
        return tables

    def figures(self) -> dict[str, bytes]:
        from casekit.tasks.figures import selection_timelines_png

        if not self.timelines:
            return {}
        return {"timelines.png": selection_timelines_png(
            [(row.group, row.lengths, row.selected, row.cuts) for row in self.timelines])}


class SelectionTask(Task[SelectionSubmission, SelectionTruth, Selections]):
    """Items to keep in each group within its budget, scored against several editors' cuts."""

    name = "selection"
    schema_type = SelectionSubmission
    unit = "test group"
    registry = REGISTRY
    details_type = SelectionDetails
    optional_output: ClassVar[str] = "per-item scores"

    def template_context(self) -> dict[str, Any]:
        return {**super().template_context(), "sample_group": self.spec.id_column, "split_group": self.spec.id_column}

    @property
    def _group(self) -> str:
        return self.spec.id_column

    @property
    def _item(self) -> str:
        return self.schema.item_column

    def describe_submission(self) -> str:
        return (f"one row per selected item: ``{self._group}`` and ``{self._item}`` (the items of each "
                f"{self._group} lasting at most its ``{BUDGET_COLUMN}``); or, to be scored on the rank metrics too, "
                f"one row for every item of every test {self._group} with ``{SELECTED_COLUMN}`` (1 or 0) and "
                f"``{SCORE_COLUMN}`` (a number, higher = more important)")

    def text_columns(self) -> list[str]:
        return [self.schema.group_column, self._item]

    def submission_columns(self, labels: tuple[str, ...]) -> tuple[list[str], list[str]]:
        return [self._group, self._item], [SELECTED_COLUMN, SCORE_COLUMN]

    # -- the units ------------------------------------------------------------------------------

    def unit_columns(self) -> list[str]:
        return [self._group, self._item, LENGTH_COLUMN, BUDGET_COLUMN]

    def expected_units(self, table: pd.DataFrame) -> pd.MultiIndex:
        """Every test item: (group, item, length, budget), in the table's order."""
        return pd.MultiIndex.from_arrays(
            [table[self._group].astype(str), table[self._item].astype(str),
             _whole_seconds(table[LENGTH_COLUMN]), _whole_seconds(table[BUDGET_COLUMN])],
            names=[self._group, self._item, LENGTH_COLUMN, BUDGET_COLUMN])

    def answer_columns(self, available: list[str]) -> list[str]:
        editors = [column for column in available if column.startswith((SELECTED_PREFIX, IMPORTANCE_PREFIX))]
        return [*self.unit_columns(), self.spec.target, *editors]

    def sample_pattern(self, sample: pd.DataFrame, test: pd.DataFrame) -> pd.Series:
        """Per group: the positions (in the test table) of the selected items, and the distinct scores."""
        position = test.groupby(self._group, sort=False).cumcount()
        where = pd.Series(position.to_numpy(), index=pd.MultiIndex.from_frame(test[[self._group, self._item]]))
        rows = sample.assign(position=where.reindex(pd.MultiIndex.from_frame(sample[[self._group, self._item]]))
                             .to_numpy())
        if SELECTED_COLUMN in rows.columns:
            rows = rows.assign(**{SELECTED_COLUMN: pd.to_numeric(rows[SELECTED_COLUMN], errors="coerce")})
            chosen = rows[rows[SELECTED_COLUMN] == 1]
        else:
            chosen = rows
        positions = chosen.groupby(self._group, sort=False)["position"].apply(lambda values: tuple(sorted(values)))
        scores = (rows.groupby(self._group, sort=False)[SCORE_COLUMN].apply(lambda values: tuple(sorted(set(values))))
                  if SCORE_COLUMN in rows.columns else pd.Series(dtype=object))
        groups = pd.Index(sample[self._group].unique())
        return pd.Series([(positions.get(group, ()), scores.get(group, ())) for group in groups], index=groups)

    # -- checking a submission ------------------------------------------------------------------

    def check_ids(self, frame: pd.DataFrame, expected_ids: pd.Index, name: str, report: ValidationReport) -> None:
        """Record unknown groups and items, items of another group, repeats, missing items (with
        scores) and groups over their budget. Without the item column (a missing column, reported
        already) there is nothing to check."""
        if self._item not in frame.columns:
            return
        expected = _expected_frame(expected_ids, self._group, self._item)
        groups, items = frame[self._group], frame[self._item]
        rows = np.arange(1, len(frame) + 1)

        empty_group = (groups.str.strip() == "").to_numpy()
        add_row_problems(report, "empty_id", empty_group, rows, groups, self._group,
                         lambda row, value: f"{name}: row {row}, column '{self._group}': empty {self._group}")
        known_groups = pd.Index(expected[self._group].unique())
        unknown_group = ~groups.isin(known_groups).to_numpy() & ~empty_group
        if unknown_group.sum() > len(frame) / 2:
            report.problems.append(Problem(
                "wrong_instance",
                f"{name}: {int(unknown_group.sum()):,} of {len(frame):,} rows name a {self._group} that is not a test "
                f"{self._group} of this instance; this looks like a submission for another instance of the case (check "
                "the project you are evaluating)", column=self._group))
        add_row_problems(report, "unknown_id", unknown_group, rows, groups, self._group,
                         lambda row, value: f"{name}: row {row}, column '{self._group}': {self._group} {_shown(value)} "
                                            f"is not a test {self._group}{suspicious_characters(value)}"
                                            f"{decimal_hint(value, known_groups)}")

        where = self._locator(name, groups)
        empty_item = (items.str.strip() == "").to_numpy() & ~empty_group & ~unknown_group
        add_row_problems(report, "empty_item", empty_item, rows, groups, self._item,
                         lambda row, value: f"{where(row)}: empty {self._item}")
        pairs = pd.MultiIndex.from_arrays([expected[self._group], expected[self._item]])
        position = pairs.get_indexer(pd.MultiIndex.from_arrays([groups, items]))
        unmatched = (position < 0) & ~empty_group & ~unknown_group & ~empty_item
        owner = expected.drop_duplicates(self._item).set_index(self._item)[self._group]
        elsewhere = unmatched & items.isin(owner.index).to_numpy()
        add_row_problems(report, "item_in_another_group", elsewhere, rows, groups, self._item,
                         lambda row, value: f"{where(row)}: {self._item} {_shown(value)} belongs to {self._group} "
                                            f"{owner.get(value)!r}, not to this one", values=items)
        add_row_problems(report, "unknown_item", unmatched & ~elsewhere, rows, groups, self._item,
                         lambda row, value: f"{where(row)}: {self._item} {_shown(value)} is not an item of this "
                                            f"{self._group}{suspicious_characters(value)}", values=items)
        matched = position >= 0
        repeated = pd.Series(np.where(matched, position, -1 - np.arange(len(frame)))).duplicated().to_numpy()
        add_row_problems(report, "duplicate_item", repeated, rows, groups, self._item,
                         lambda row, value: f"{where(row)}: {self._item} {_shown(value)} is listed twice",
                         values=items)

        listed = matched & ~repeated
        scored = SELECTED_COLUMN in frame.columns and SCORE_COLUMN in frame.columns
        if scored:
            self._check_every_item_listed(expected, position[listed], name, report)
            chosen = listed & (_numbers(frame[SELECTED_COLUMN]) == 1)
        else:
            chosen = listed
        self._check_budgets(expected, position[chosen], name, report)

    def _check_every_item_listed(self, expected: pd.DataFrame, listed: np.ndarray, name: str,
                                 report: ValidationReport) -> None:
        present = np.zeros(len(expected), dtype=bool)
        present[listed] = True
        missing = expected[~present].groupby(self._group, sort=False).size()
        for group, count in missing.iloc[:EXAMPLES_PER_PROBLEM].items():
            report.problems.append(Problem(
                "missing_items",
                f"{name}: {self._group} {group!r}: {count:,} of its {int((expected[self._group] == group).sum()):,} "
                f"items have no row; with '{SELECTED_COLUMN}' and '{SCORE_COLUMN}', list every item of every test "
                f"{self._group} (or drop both columns and list only the selected items)", column=self._item,
                id=str(group)))
        if len(missing) > EXAMPLES_PER_PROBLEM:
            report.problems.append(Problem("missing_items", f"{name}: ... and {len(missing) - EXAMPLES_PER_PROBLEM:,} "
                                                            f"more {self._group}(s) with items missing",
                                           column=self._item))

    def _check_budgets(self, expected: pd.DataFrame, chosen: np.ndarray, name: str, report: ValidationReport) -> None:
        picked = expected.iloc[chosen]
        totals = picked.groupby(self._group, sort=False)[LENGTH_COLUMN].sum()
        budgets = expected.drop_duplicates(self._group).set_index(self._group)[BUDGET_COLUMN]
        over = totals[totals > budgets.reindex(totals.index)]
        for group, total in over.iloc[:EXAMPLES_PER_PROBLEM].items():
            report.problems.append(Problem(
                "over_budget",
                f"{name}: {self._group} {group!r}: the selected items last {int(total):,} s, over its budget of "
                f"{int(budgets[group]):,} s", column=self._item, id=str(group)))
        if len(over) > EXAMPLES_PER_PROBLEM:
            report.problems.append(Problem("over_budget", f"{name}: ... and {len(over) - EXAMPLES_PER_PROBLEM:,} more "
                                                          f"{self._group}(s) over their budget", column=self._item))

    def check_values(self, frame: pd.DataFrame, labels: tuple[str, ...], name: str, report: ValidationReport) -> None:
        """Record ``selected`` values other than 1 and 0, and scores that are not finite numbers."""
        if SELECTED_COLUMN not in frame.columns or SCORE_COLUMN not in frame.columns:
            return
        groups = frame[self._group]
        rows = np.arange(1, len(frame) + 1)
        selected_at, score_at = self._locator(name, groups, SELECTED_COLUMN), self._locator(name, groups, SCORE_COLUMN)
        selected = frame[SELECTED_COLUMN]
        flags = _numbers(selected)
        add_row_problems(report, "invalid_selected", ~np.isin(flags, (0.0, 1.0)), rows, groups, SELECTED_COLUMN,
                         lambda row, value: f"{selected_at(row)}: {_shown(value)} is not 1 (selected) or "
                                            "0 (not selected)", values=selected)
        scores = frame[SCORE_COLUMN]
        add_row_problems(report, "invalid_score", ~np.isfinite(_numbers(scores)), rows, groups, SCORE_COLUMN,
                         lambda row, value: f"{score_at(row)}: {_shown(value)} is not a finite number",
                         values=scores)

    def _locator(self, name: str, groups: pd.Series, column: str | None = None) -> Callable[[int], str]:
        """Where a problem sits: the file, the row, its group and ``column`` (the item column by default)."""
        return row_locator(name, groups, column or self._item, unit=f"{self._group} ", show=_shown)

    # -- truth and predictions ------------------------------------------------------------------

    def truth(self, answers: pd.DataFrame, labels: tuple[str, ...]) -> SelectionTruth:
        """The key's items group by group (a group's rows must be together), with the oracle's best value."""
        codes, groups = factorize_runs(answers[self._group])
        if (np.diff(codes) < 0).any() or len(np.unique(codes)) != len(groups) or (np.diff(codes) > 1).any():
            raise InvalidAnswersError(f"the answers list the items of a {self._group} apart from each other; keep each "
                                      f"{self._group}'s rows together, in their order")
        sizes = np.bincount(codes, minlength=len(groups))
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        lengths = _whole_seconds(answers[LENGTH_COLUMN])
        budgets = _whole_seconds(answers[BUDGET_COLUMN]).to_numpy()[offsets[:-1]]
        editors = tuple(labels)
        cuts = np.vstack([_floats(answers[f"{SELECTED_PREFIX}{editor}"]) for editor in editors])
        importance = np.vstack([_floats(answers[f"{IMPORTANCE_PREFIX}{editor}"]) for editor in editors])
        mean = np.nan_to_num(_floats(answers[self.spec.target]))
        value = mean * lengths.to_numpy()
        best_cut = best_selections(value, lengths.to_numpy(), offsets, budgets)
        best = metrics.group_sums(np.where(best_cut, value, 0.0), offsets)
        items = pd.MultiIndex.from_arrays([answers[self._group].astype(str), answers[self._item].astype(str)])
        return SelectionTruth(ids=pd.Index(groups), items=items, offsets=offsets, lengths=lengths.to_numpy(),
                              budgets=budgets, editors=editors, cuts=cuts, importance=importance, value=value,
                              best=best)

    def decode(self, frame: pd.DataFrame, labels: tuple[str, ...], ids: pd.Index,
               decision: Decision | None = None) -> Selections:
        scored = SELECTED_COLUMN in frame.columns and SCORE_COLUMN in frame.columns
        group = pd.Index(ids).get_indexer(frame[self._group].astype(str))
        selected = (_numbers(frame[SELECTED_COLUMN]) == 1) if scored else np.ones(len(frame), dtype=bool)
        score = _numbers(frame[SCORE_COLUMN]) if scored else np.full(len(frame), np.nan)
        return Selections(group=group, item=frame[self._item].astype(str).to_numpy(dtype=object),
                          selected=selected, score=score, n_groups=len(ids), scored=scored)

    def _aligned(self, truth: SelectionTruth, selections: Selections) -> tuple[np.ndarray, np.ndarray | None]:
        """The selection as a mask over the truth's items, and the scores in the same order."""
        position = truth.items.get_indexer(pd.MultiIndex.from_arrays(
            [truth.ids[selections.group].astype(str), selections.item]))
        known = position >= 0
        selected = np.zeros(len(truth.items), dtype=bool)
        selected[position[known & selections.selected]] = True
        if not selections.scored:
            return selected, None
        scores = np.full(len(truth.items), np.nan)
        scores[position[known]] = selections.score[known]
        return selected, scores

    # -- metrics --------------------------------------------------------------------------------

    def scoring(self, truth: SelectionTruth, selections: Selections) -> SelectionScoring:
        return SelectionScoring(truth, *self._aligned(truth, selections))

    def gives_optional_output(self, selections: Selections) -> bool:
        return selections.scored

    def notes(self, truth: SelectionTruth, selections: Selections) -> list[str]:
        """How many groups have an empty selection, and how much of the budget was used."""
        selected, _ = self._aligned(truth, selections)
        seconds = metrics.group_sums(np.where(selected, truth.lengths, 0).astype(float), truth.offsets)
        notes = []
        empty = int((seconds == 0).sum())
        if empty:
            notes.append(f"{empty:,} of {truth.n_units:,} test groups have an empty selection; they score 0 on F1 and "
                         "on the importance share.")
        with np.errstate(invalid="ignore", divide="ignore"):
            used = float(np.nanmean(np.where(truth.budgets > 0, seconds / truth.budgets, np.nan)))
        notes.append(f"The selections use {used:.0%} of their budget on average.")
        return notes

    def details(self, truth: SelectionTruth, selections: Selections) -> SelectionDetails:
        selected, _ = self._aligned(truth, selections)
        f1 = metrics.time_f1(selected, truth.cuts, truth.lengths, truth.offsets)
        share = metrics.importance_share(selected, truth.value, truth.offsets, truth.best)
        seconds = metrics.group_sums(np.where(selected, truth.lengths, 0).astype(float), truth.offsets)
        mean, best = _over_editors(f1, "mean"), _over_editors(f1, "max")
        rows = [GroupRow(str(group), int(truth.offsets[g + 1] - truth.offsets[g]), int(truth.budgets[g]),
                         int(seconds[g]), _finite(mean[g]), _finite(best[g]), _finite(share[g]))
                for g, group in enumerate(truth.ids[:TABLE_GROUPS])]
        timelines = []
        for g, group in enumerate(truth.ids[:TIMELINE_GROUPS]):
            span = slice(truth.offsets[g], truth.offsets[g + 1])
            cuts = {editor: np.round(truth.cuts[e, span], 4).tolist() for e, editor in enumerate(truth.editors)
                    if not np.isnan(truth.cuts[e, span]).any()}
            timelines.append(Timeline(str(group), truth.lengths[span].astype(int).tolist(),
                                      selected[span].tolist(), cuts))
        return SelectionDetails(groups=rows, more_groups=max(0, truth.n_units - TABLE_GROUPS),
                                agreement=_agreement(truth), timelines=timelines)

    # -- producing submissions ------------------------------------------------------------------

    def sample_submission(self, inputs: dict[str, pd.DataFrame], labels: tuple[str, ...]) -> pd.DataFrame:
        """A well-formed submission that knows nothing: every test item listed, the first item of
        each group selected (a case's budget holds any one item), every score 0."""
        test = inputs["test"]
        first = ~test[self._group].duplicated()
        return pd.DataFrame({self._group: test[self._group].astype(str).to_numpy(),
                             self._item: test[self._item].astype(str).to_numpy(),
                             SELECTED_COLUMN: first.astype(int).to_numpy(), SCORE_COLUMN: 0.0})

    def baseline_submission(self, estimator: Any, inputs: dict[str, pd.DataFrame],
                            labels: tuple[str, ...]) -> pd.DataFrame:
        """Fit a selector on the instance's inputs and return its submission for the test groups.

        ``estimator`` follows the case's selector protocol: ``fit(inputs)`` on the input tables,
        then ``select(test)`` returning a submission-format table for the test table's groups.
        """
        estimator.fit(inputs)
        return estimator.select(inputs["test"])

    # -- hostile submissions -------------------------------------------------------------------

    def hostile_roles(self, labels: tuple[str, ...]) -> SubmissionRoles:
        return SubmissionRoles(self._group, self._item, SELECTED_COLUMN)

    def hostile_submissions(self, valid: pd.DataFrame) -> list[HostileSubmission]:
        """Hostile selections: over the budget, items unknown, repeated, missing or of another
        group, groups unknown or missing, ``selected`` and ``score`` malformed.

        ``valid`` lists every item of every test group, the group's items together, with
        ``selected`` (1 or 0) and ``score``: the form that adds the rank metrics.
        """
        group, item, selected, score = self._group, self._item, SELECTED_COLUMN, SCORE_COLUMN
        first_group = valid[group] == valid[group].iloc[0]
        other = int(np.flatnonzero(~first_group.to_numpy())[0])
        chosen = valid[selected].astype(str) == "1"
        variants = [
            ("every-item-selected", valid.assign(**{selected: "1"}), "over_budget"),
            ("item-of-another-group", with_cells(valid, item, {0: valid[item].iloc[other]}), "item_in_another_group"),
            ("item-unknown", with_cells(valid, item, {0: "no-such-item"}), "unknown_item"),
            ("item-empty", with_cells(valid, item, {0: ""}), "empty_item"),
            ("item-listed-twice", pd.concat([valid, valid.iloc[[0]]], ignore_index=True), "duplicate_item"),
            ("group-unknown", with_cells(valid, group, {0: "no-such-group"}), "unknown_id"),
            ("groups-of-another-instance", valid.assign(**{group: "other-" + valid[group]}), "wrong_instance"),
            ("selected-two", with_cells(valid, selected, {0: "2"}), "invalid_selected"),
            ("selected-true-false", valid.assign(**{selected: valid[selected].map({"1": "True", "0": "False"})}),
             "invalid_selected"),
            ("selected-as-decimals", valid.assign(**{selected: valid[selected].astype(str) + ".0"}), SCORED),
            ("score-nan", with_cells(valid, score, {0: "nan"}), "invalid_score"),
            ("score-infinite", with_cells(valid, score, {0: "inf"}), "invalid_score"),
            ("score-text", with_cells(valid, score, {0: "high"}), "invalid_score"),
            ("scores-negative", valid.assign(**{score: "-3.5"}), SCORED),
            ("an-item-missing", valid.drop(index=valid.index[~chosen][0]), "missing_items"),
            ("a-group-missing", valid[~first_group], "missing_items"),
            ("selected-without-score", valid.drop(columns=[score]), "missing_columns"),
            ("nothing-selected", valid.assign(**{selected: "0"}), SCORED),
            ("selected-items-only", valid[chosen][[group, item]], SCORED),
            ("selected-items-only-one-group", valid[chosen & first_group][[group, item]], SCORED),
            ("selected-items-only-everything", valid[[group, item]], "over_budget"),
            ("rows-listed-backwards", valid.iloc[::-1], SCORED),
        ]
        return [HostileSubmission(name, csv_bytes(frame), expected) for name, frame, expected in variants]


def _agreement(truth: SelectionTruth) -> list[EditorAgreement]:
    """Each editor's cut scored against the other editors' (mean F1 over the groups both judged)."""
    rows = []
    for e, editor in enumerate(truth.editors):
        others = np.delete(truth.cuts, e, axis=0)
        if others.shape[0] == 0:
            continue
        own = truth.cuts[e]
        judged = ~np.isnan(own)
        f1 = metrics.time_f1(np.nan_to_num(own) >= 0.5, others, truth.lengths, truth.offsets)
        per_group = _over_editors(f1, "mean")
        judged_groups = metrics.group_sums(judged.astype(float), truth.offsets) > 0
        per_group[~judged_groups] = np.nan
        defined = per_group[~np.isnan(per_group)]
        rows.append(EditorAgreement(editor, int(defined.size), float(defined.mean()) if defined.size else None))
    return rows


def _over_editors(values: np.ndarray, how: str) -> np.ndarray:
    """One value per group from its editors' (NaN where no editor gives one)."""
    defined = ~np.isnan(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        if how == "max":
            return np.where(defined.any(axis=1), np.where(defined, values, -np.inf).max(axis=1), np.nan)
        return np.nansum(values, axis=1) / np.where(defined.any(axis=1), defined.sum(axis=1), np.nan)


def _relevant(importance: np.ndarray, min_score: int) -> np.ndarray:
    return np.where(np.isnan(importance), np.nan, (importance >= min_score).astype(float))


def _expected_frame(expected: pd.Index, group: str, item: str) -> pd.DataFrame:
    frame = expected.to_frame(index=False)
    frame.columns = [group, item, LENGTH_COLUMN, BUDGET_COLUMN]
    return frame


def _items_of(offsets: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.repeat(mask, np.diff(offsets))


def _offsets_of(offsets: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(np.diff(offsets)[mask])])


def _whole_seconds(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="raise").astype(np.int64)


def _floats(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column.replace("", np.nan), errors="coerce").to_numpy(dtype=float)


def _numbers(column: pd.Series) -> np.ndarray:
    """The cells as floats, NaN where one is not a number (``True`` / ``False`` are not numbers)."""
    if pd.api.types.is_bool_dtype(column):
        return np.full(len(column), np.nan)
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype=float)
    text = column.astype(str).str.strip()
    return pd.to_numeric(text.where(text.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")),
                         errors="coerce").to_numpy(dtype=float)


def _shown(value: object) -> str:
    """A cell as a message shows it: quoted, and cut short when it is long."""
    text = str(value)
    return repr(text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS] + "...")


def _cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
