"""Slices: the primary metric on parts of the test set, each with an interval, and the weak ones.

A case names the test-input columns to slice by (``CaseSpec.slices``); every frequent value of
such a column is a slice. A slice's metric is the task's own resampled metric on the slice's
rows, with each row counted as often as the overall score's resamples drew it: the slice
and the whole are judged on the same draws (as if the rows outside the slice weighed 0).

A slice is *much worse* than overall when its whole confidence interval lies more than
``MUCH_WORSE_MARGIN`` (in the metric's units) on the worse side of the overall point estimate:
the model is then worse there by a margin that matters, not by the luck of a small sample.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import pandas as pd

from cases.spec import CaseSpec, SliceSpec
from evaluator import tasks
from evaluator.scoring.bootstrap import bootstrap_metrics, percentile_interval

MUCH_WORSE_MARGIN = 0.05


@dataclass(frozen=True)
class SliceResult:
    """The primary metric on the test rows whose ``column`` holds ``value``."""

    column: str
    value: str
    rows: int
    point: float
    ci_low: float
    ci_high: float
    much_worse: bool


def slice_members(test: pd.DataFrame, slices: tuple[SliceSpec, ...]) -> list[tuple[SliceSpec, str, np.ndarray]]:
    """Every slice of ``test`` with the boolean mask of its rows, most frequent values first.

    Examples
    --------
    >>> test = pd.DataFrame({"subject": ["tax,jobs", "tax", "jobs", "health"]})
    >>> [(value, mask.tolist()) for _, value, mask in slice_members(test, (SliceSpec("subject", "Subject", 2, 5, ","),))]
    [('jobs', [True, False, True, False]), ('tax', [True, True, False, False])]
    """
    found = []
    for spec in slices:
        cells = test[spec.column].reset_index(drop=True).fillna("").astype(str)
        values = cells.str.split(spec.separator) if spec.separator else cells.map(lambda cell: [cell])
        exploded = values.explode().str.strip()
        exploded = exploded[exploded != ""]
        counts = exploded.value_counts()
        frequent = counts[counts >= spec.min_rows]
        ordered = sorted(frequent.items(), key=lambda item: (-item[1], item[0]))[: spec.max_slices]
        for value, _ in ordered:
            rows = exploded.index[exploded == value].unique()
            mask = np.zeros(len(test), dtype=bool)
            mask[rows] = True
            found.append((spec, str(value), mask))
    return found


def score_slices(
    spec: CaseSpec,
    test: pd.DataFrame,
    truth,
    prediction,
    overall: float,
    *,
    resamples: int,
    seed: int,
    confidence: float,
) -> dict[str, object]:
    """The primary metric on every slice of the test set, for the scorecard details.

    ``test`` holds the id column and the slice columns of the test inputs; ``truth`` and
    ``prediction`` are the task's decoded arrays, in the answer key's order; ``overall`` is
    the primary metric on the whole test set.
    """
    primary = spec.primary
    task = tasks.get(spec.task)
    test = test.set_index(spec.id_column).reindex(truth.ids).reset_index()
    members = slice_members(test, spec.slices)
    resampled = [
        task.resampled_metrics(rows_of(truth, mask), rows_of(prediction, mask), spec, {primary.name})
        for _, _, mask in members
    ]

    def evaluate(weights: np.ndarray) -> dict[str, np.ndarray]:
        return {str(index): metric(weights[:, mask])[primary.name]
                for index, (metric, (_, _, mask)) in enumerate(zip(resampled, members))}

    draws = bootstrap_metrics(evaluate, truth.n_units, resamples, seed) if members else {}
    results = []
    for index, (slice_spec, value, mask) in enumerate(members):
        point = float(resampled[index](np.ones((1, int(mask.sum()))))[primary.name][0])
        interval = percentile_interval(draws[str(index)], confidence)
        if primary.higher_is_better:
            much_worse = interval.high < overall - MUCH_WORSE_MARGIN
        else:
            much_worse = interval.low > overall + MUCH_WORSE_MARGIN
        results.append(SliceResult(slice_spec.column, value, int(mask.sum()), point, interval.low, interval.high,
                                   bool(much_worse)))
    return {
        "metric": primary.name,
        "metric_title": primary.title,
        "direction": primary.direction,
        "overall": overall,
        "margin": MUCH_WORSE_MARGIN,
        "columns": {slice_spec.column: slice_spec.title for slice_spec in spec.slices},
        "slices": [asdict(result) for result in results],
    }


def rows_of(decoded, mask: np.ndarray):
    """A task's decoded truth or prediction restricted to the rows in ``mask``.

    Decoded values are dataclasses whose per-row fields are arrays (or an index) with one entry
    per test row; every such field is cut down, and the rest (labels, a threshold) is kept.
    """
    size = mask.size
    cut = {field.name: getattr(decoded, field.name)[mask] for field in fields(decoded)
           if isinstance(getattr(decoded, field.name), (np.ndarray, pd.Index))
           and len(getattr(decoded, field.name)) == size}
    return replace(decoded, **cut)


def notes(details: dict[str, object]) -> list[str]:
    """One sentence per slice that is much worse than overall, or one saying there is none."""
    found = details.get("slices")
    if not found:
        return []
    titles = found["columns"]
    worse = [row for row in found["slices"] if row["much_worse"]]
    checked = f"{len(found['slices'])} slices (by {', '.join(t.lower() for t in titles.values())})"
    if not worse:
        return [f"Checked {checked} on {found['metric_title']}: none is much worse than overall."]
    side = "below" if found["direction"] == "higher" else "above"
    return [
        f"Much worse on {titles[row['column']].lower()} {row['value']!r} ({row['rows']:,} rows): "
        f"{found['metric_title']} {row['point']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}] against "
        f"{found['overall']:.3f} overall (its whole interval is more than {found['margin']:g} {side})."
        for row in worse
    ]


def report_tables(details: dict[str, object]) -> list[dict[str, object]]:
    """The slice table of a report, or nothing when the case has no slices."""
    found = details.get("slices")
    if not found:
        return []
    titles = found["columns"]
    rows = [
        [f"{titles[row['column']]}: {row['value']}", f"{row['rows']:,}", _number(row["point"]),
         f"[{_number(row['ci_low'])}, {_number(row['ci_high'])}]", _number(row["point"] - found["overall"], True),
         "much worse" if row["much_worse"] else ""]
        for row in found["slices"]
    ]
    return [{
        "title": f"Slices: {found['metric_title']} by {', '.join(t.lower() for t in titles.values())} "
                 f"(overall {found['overall']:.4f}; much worse = whole interval more than {found['margin']:g} "
                 f"{'below' if found['direction'] == 'higher' else 'above'} overall)",
        "columns": ["slice", "rows", found["metric_title"], "interval", "− overall", "flag"],
        "rows": rows,
    }]


def tracked_metrics(details: dict[str, object]) -> dict[str, float]:
    """Slice metrics for MLflow, named ``slice/<column>/<value>/<metric>`` (value made key-safe)."""
    found = details.get("slices")
    if not found:
        return {}
    values = {"slices_much_worse": float(sum(row["much_worse"] for row in found["slices"]))}
    for row in found["slices"]:
        stem = f"slice/{row['column']}/{re.sub(r'[^0-9A-Za-z_. -]', '_', row['value'])}/{found['metric']}"
        values[stem] = row["point"]
        values[f"{stem}_ci_low"] = row["ci_low"]
        values[f"{stem}_ci_high"] = row["ci_high"]
    return values


def _number(value: float | None, signed: bool = False) -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    return f"{value:+.4f}" if signed else f"{value:.4f}"
