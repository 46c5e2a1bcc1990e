"""Slices: the primary metric on parts of the test set, each with an interval, and the weak ones.

A case names the columns to slice by (``CaseSpec.slices``): a column of a test input, or of the
answer key, with one value per scored unit (a test row; a test user for ranking). Every
frequent value of such a column is a slice; a numeric column with ``bins`` is cut into ranges.
A slice's metric is the task's own resampled metric on the slice's units (truth and
predictions take the subset of themselves), with each unit counted as often as the overall
score's resamples drew it: the slice and the whole are judged on the same draws (as if the
units outside the slice weighed 0).

A per-answer slice (``SliceSpec.per_answer``) reads a column of the answers themselves, which
varies within a unit (is the user a member of the event's group, for each event they said yes
to): each of its slices keeps every unit's answers holding the value, and the units left with
at least one; the task's truth does the restricting (:class:`~casekit.tasks.base.AnswerUnits`).

A slice is *much worse* than overall when its whole confidence interval lies more than
``MUCH_WORSE_MARGIN`` (in the metric's units) on the worse side of the overall point estimate:
the model is then worse there by a margin that matters, not by the luck of a small sample.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from casekit.cases.spec import SliceSpec
from casekit.metrics.bootstrap import bootstrap_metrics, percentile_interval
from casekit.tasks.base import AnswerUnits, ReportTable, Task, Truth, Units

MUCH_WORSE_MARGIN = 0.05


@dataclass(frozen=True)
class SliceResult:
    """The primary metric on the units whose ``column`` holds ``value``."""

    column: str
    value: str
    units: int
    point: float | None
    ci_low: float | None
    ci_high: float | None
    much_worse: bool


@dataclass(frozen=True)
class SliceReport:
    """Every slice of the test set on the primary metric, against the overall score."""

    metric: str
    metric_title: str
    direction: str
    overall: float
    margin: float
    unit: str
    columns: dict[str, str]
    slices: list[SliceResult]

    def notes(self) -> list[str]:
        """One sentence per slice that is much worse than overall, or one saying there is none."""
        titles = ", ".join(title.lower() for title in self.columns.values())
        worse = [row for row in self.slices if row.much_worse]
        if not worse:
            return [f"Checked {len(self.slices)} slices (by {titles}) on {self.metric_title}: none is much worse than "
                    "overall."]
        side = "below" if self.direction == "higher" else "above"
        return [
            f"Much worse on {self.columns[row.column].lower()} {row.value!r} ({row.units:,} {self.unit}s): "
            f"{self.metric_title} {_number(row.point)} [{_number(row.ci_low)}, {_number(row.ci_high)}] against "
            f"{self.overall:.3f} overall (its whole interval is more than {self.margin:g} {side})."
            for row in worse
        ]

    def tables(self) -> list[ReportTable]:
        titles = ", ".join(title.lower() for title in self.columns.values())
        side = "below" if self.direction == "higher" else "above"
        rows = [
            [f"{self.columns[row.column]}: {row.value}", f"{row.units:,}", _number(row.point),
             f"[{_number(row.ci_low)}, {_number(row.ci_high)}]",
             _number(None if row.point is None else row.point - self.overall, signed=True),
             "much worse" if row.much_worse else ""]
            for row in self.slices
        ]
        return [ReportTable(
            f"Slices: {self.metric_title} by {titles} (overall {self.overall:.4f}; much worse = whole interval more "
            f"than {self.margin:g} {side} overall)",
            ["slice", f"{self.unit}s", self.metric_title, "interval", "− overall", "flag"],
            rows,
        )]

    def tracked_metrics(self) -> dict[str, float]:
        """Slice metrics for MLflow, named ``slice/<column>/<value>/<metric>`` (value made key-safe)."""
        values = {"slices_much_worse": float(sum(row.much_worse for row in self.slices))}
        for row in self.slices:
            stem = f"slice/{row.column}/{re.sub(r'[^0-9A-Za-z_. -]', '_', row.value)}/{self.metric}"
            for suffix, value in (("", row.point), ("_ci_low", row.ci_low), ("_ci_high", row.ci_high)):
                if value is not None and np.isfinite(value):
                    values[stem + suffix] = value
        return values


def slice_members(columns: pd.DataFrame, slices: tuple[SliceSpec, ...]) -> list[tuple[SliceSpec, str, np.ndarray]]:
    """Every slice with the boolean mask of its units: most frequent values first, or ranges in
    their order for a binned column.

    ``columns`` holds one row per unit and a column per slice spec.

    Examples
    --------
    >>> columns = pd.DataFrame({"subject": ["tax,jobs", "tax", "jobs", "health"]})
    >>> spec = SliceSpec("subject", "Subject", min_rows=2, separator=",")
    >>> [(value, mask.tolist()) for _, value, mask in slice_members(columns, (spec,))]
    [('jobs', [True, False, True, False]), ('tax', [True, True, False, False])]
    >>> history = pd.DataFrame({"events": [0, 2, 3, 7, 9]})
    >>> spec = SliceSpec("events", "Events", min_rows=1, bins=(1, 4))
    >>> [value for _, value, _ in slice_members(history, (spec,))]
    ['< 1', '1-3', '4+']
    """
    found = []
    for spec in slices:
        cells = columns[spec.column].reset_index(drop=True)
        if spec.bins:
            values = binned(cells, spec.bins).map(lambda cell: [cell])
        else:
            text = cells.fillna("").astype(str)
            values = text.str.split(spec.separator) if spec.separator else text.map(lambda cell: [cell])
        exploded = values.explode().astype(str).str.strip()
        exploded = exploded[(exploded != "") & (exploded != "nan")]
        counts = exploded.value_counts()
        frequent = counts[counts >= spec.min_rows]
        if spec.bins:
            ordered = [name for name in bin_names(spec.bins) if name in frequent.index]
        else:
            ordered = [value for value, _ in sorted(frequent.items(), key=lambda item: (-item[1], item[0]))]
        for value in ordered[: spec.max_slices]:
            units = exploded.index[exploded == value].unique()
            mask = np.zeros(len(columns), dtype=bool)
            mask[units] = True
            found.append((spec, str(value), mask))
    return found


def answer_slice_members(truth: AnswerUnits, slices: tuple[SliceSpec, ...]
                         ) -> list[tuple[SliceSpec, str, np.ndarray, AnswerUnits]]:
    """Every per-answer slice: its value, the mask of the units with at least one answer
    holding it, and the truth restricted to those answers (most frequent values first).

    Examples
    --------
    >>> from casekit.metrics.ranking import RelevantSets
    >>> from casekit.tasks.ranking import RankingTruth
    >>> truth = RankingTruth(ids=pd.Index(["u1", "u2"]), items=pd.Index(["a", "b"]), history=None,
    ...                      relevant=RelevantSets.from_pairs(np.array([0, 0, 1]), np.array([0, 1, 1]), 2),
    ...                      answer_columns={"member": np.array(["yes", "no", "no"])})
    >>> spec = SliceSpec("member", "Member", table="answers", per_answer=True, min_rows=1)
    >>> [(value, mask.tolist()) for _, value, mask, _ in answer_slice_members(truth, (spec,))]
    [('no', [True, True]), ('yes', [True, False])]
    """
    found = []
    owners = np.repeat(np.arange(truth.n_units), truth.answer_counts)
    for spec in slices:
        values = truth.answer_values(spec.column)
        units_per_value = pd.Series(owners).groupby(values).nunique()
        frequent = units_per_value[units_per_value >= spec.min_rows]
        ordered = [value for value, _ in sorted(frequent.items(), key=lambda item: (-item[1], item[0]))
                   if value not in ("", "nan")]
        for value in ordered[: spec.max_slices]:
            restricted = truth.restrict_answers(values == value)
            found.append((spec, str(value), restricted.answer_counts > 0, restricted))
    return found


def binned(values: pd.Series, edges: tuple[float, ...]) -> pd.Series:
    """Each number's range among ``edges``: ``< e0``, ``e0-e1``, ..., ``eN+`` (empty when missing).

    Ranges of whole numbers are named by their first and last member (``1-3`` for [1, 4)).

    Examples
    --------
    >>> binned(pd.Series([0, 1, 3, 4, 10]), (1, 4)).tolist()
    ['< 1', '1-3', '1-3', '4+', '4+']
    >>> binned(pd.Series([0.2, 0.7]), (0.5,)).tolist()
    ['< 0.5', '0.5+']
    """
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    names = bin_names(edges)
    positions = np.searchsorted(np.asarray(edges, dtype=float), numbers, side="right")
    labels = np.asarray(names, dtype=object)[positions]
    labels[np.isnan(numbers)] = ""
    return pd.Series(labels, index=values.index)


def bin_names(edges: tuple[float, ...]) -> list[str]:
    """The names of the ranges that ``edges`` cut, in order (see :func:`binned`)."""
    whole = all(float(edge).is_integer() for edge in edges)
    names = [f"< {edges[0]:g}"]
    for low, high in itertools.pairwise(edges):
        if whole:
            names.append(f"{low:g}" if high - low == 1 else f"{low:g}-{high - 1:g}")
        else:
            names.append(f"{low:g}-{high:g}")
    return [*names, f"{edges[-1]:g}+"]


def score_slices(
    task: Task,
    columns: pd.DataFrame,
    truth: Truth,
    predictions: Units,
    overall: float,
    *,
    resamples: int,
    seed: int,
    confidence: float,
) -> SliceReport:
    """The primary metric on every slice, for the scorecard.

    ``columns`` holds the slice columns, one row per unit of ``truth`` in its order;
    ``overall`` is the primary metric on the whole test set.
    """
    primary = task.primary
    per_unit = tuple(part for part in task.spec.slices if not part.per_answer)
    per_answer = tuple(part for part in task.spec.slices if part.per_answer)
    members = [(spec, value, mask, truth) for spec, value, mask in slice_members(columns, per_unit)]
    if per_answer:
        members += answer_slice_members(truth, per_answer)  # type: ignore[arg-type]  # several_answers_per_unit
    resampled = [task.resampled_metrics(sliced.subset(mask), predictions.subset(mask), {primary.name})
                 for _, _, mask, sliced in members]

    def evaluate(weights: np.ndarray) -> dict[str, np.ndarray]:
        return {str(index): metric(weights[:, mask])[primary.name]
                for index, (metric, (_, _, mask, _)) in enumerate(zip(resampled, members, strict=True))}

    draws = bootstrap_metrics(evaluate, truth.n_units, resamples, seed) if members else {}
    results = []
    for index, (slice_spec, value, mask, _) in enumerate(members):
        point = float(resampled[index](np.ones((1, int(mask.sum()))))[primary.name][0])
        interval = percentile_interval(draws[str(index)], confidence)
        if primary.higher_is_better:
            much_worse = interval.high < overall - MUCH_WORSE_MARGIN
        else:
            much_worse = interval.low > overall + MUCH_WORSE_MARGIN
        results.append(SliceResult(slice_spec.column, value, int(mask.sum()), _finite(point),
                                   _finite(interval.low), _finite(interval.high), bool(much_worse)))
    return SliceReport(
        metric=primary.name,
        metric_title=primary.title,
        direction=primary.direction,
        overall=overall,
        margin=MUCH_WORSE_MARGIN,
        unit=task.unit,
        columns={slice_spec.column: slice_spec.title for slice_spec in task.spec.slices},
        slices=results,
    )


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _number(value: float | None, signed: bool = False) -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    return f"{value:+.4f}" if signed else f"{value:.4f}"
