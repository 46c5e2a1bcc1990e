"""Binary classification: one probability of the positive class per row, and a declared threshold.

Submission columns: the id and ``<prefix><positive label>`` (e.g. ``prob_fake``), a number in
[0, 1] on every row. The probabilities are scored as they are (ROC-AUC, PR-AUC, log loss,
Brier score, calibration error); precision, recall and F1 score the decision of flagging
every row whose probability is at least the candidate's threshold.

The threshold is declared in ``decision.json`` beside the submission file, e.g.
``{"threshold": 0.35}``; without that file it is ``DEFAULT_THRESHOLD``. It travels with the
submission, so a reviewer scores the operating point the candidate chose, not one picked
after seeing the answers.
"""

from __future__ import annotations

import json
import math
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cases.spec import CaseSpec
from evaluator.metrics import binary
from evaluator.tasks.submission import DECISION_FILE
from evaluator.submissions.checks import Problem, ValidationReport, add_row_problems

DEFAULT_THRESHOLD = 0.5
# decision.json holds one number; anything much larger is not a decision file.
MAX_DECISION_BYTES = 64 * 1024
# The curves in a scorecard are thinned to this many points: enough to draw, small in JSON.
CURVE_POINTS = 200
_MISSING_TEXT = {"", "nan", "none", "null", "na", "n/a"}


@dataclass(frozen=True)
class BinaryTruth:
    """The answer key in the key's row order: whether each row is of the positive class."""

    ids: pd.Index
    positive: np.ndarray
    positive_label: str

    @property
    def n_units(self) -> int:
        return self.positive.size


@dataclass(frozen=True)
class BinaryPredictions:
    """Probabilities of the positive class aligned to the answer key, and the decision threshold.

    ``declared`` says whether the candidate declared the threshold or it is the default.
    """

    proba: np.ndarray
    threshold: float = DEFAULT_THRESHOLD
    declared: bool = False


def probability_column(spec: CaseSpec) -> str:
    schema = spec.submission
    return f"{schema.probability_prefix}{schema.positive_label}"


def submission_columns(spec: CaseSpec, labels: tuple[str, ...]) -> tuple[list[str], list[str]]:
    return [spec.submission.id_column, probability_column(spec)], []


def check_values(
    frame: pd.DataFrame, spec: CaseSpec, labels: tuple[str, ...], name: str, report: ValidationReport
) -> None:
    """Record probabilities that are empty, not numbers, or outside [0, 1]."""
    column = probability_column(spec)
    if column not in frame.columns:
        return
    id_column = spec.submission.id_column
    ids = frame[id_column]
    cells = frame[column]
    numbers = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
    unparsed = np.isnan(numbers)
    # Only the cells that did not parse need a second look (empty or NaN, or some other text):
    # turning ten million numbers back into text would take seconds.
    missing = np.zeros(len(frame), dtype=bool)
    second_look = np.flatnonzero(unparsed)
    missing[second_look] = [str(cell).strip().lower() in _MISSING_TEXT for cell in cells.to_numpy()[second_look]]
    outside = ~unparsed & ((numbers < 0) | (numbers > 1) | ~np.isfinite(numbers))
    rows = np.arange(1, len(frame) + 1)

    def where(row: int) -> str:
        return f"{name}: row {row} ({id_column}={ids.iloc[row - 1]!r}), column '{column}'"

    add_row_problems(report, "nan_value", missing, rows, ids, column,
                     lambda row, value: f"{where(row)}: empty or NaN probability")
    add_row_problems(report, "not_a_number", unparsed & ~missing, rows, ids, column,
                     lambda row, value: f"{where(row)}: {value!r} is not a number", values=cells)
    add_row_problems(report, "probability_out_of_range", outside, rows, ids, column,
                     lambda row, value: f"{where(row)}: probability {value} is outside [0, 1]", values=cells)


def read_decision(submission: Path, report: ValidationReport) -> dict[str, float]:
    """The threshold declared in ``decision.json`` beside ``submission``, as decode's keywords.

    Returns ``{}`` when there is no such file (the default threshold applies); records a
    problem naming the file and the key when the file is not ``{"threshold": <0..1>}``. The
    file is read as UTF-8 (a byte-order mark is allowed, as in the submission), and what it
    holds is quoted shortened, so a hostile file cannot flood the report.
    """
    path = submission.parent / DECISION_FILE
    if not path.exists() and not path.is_symlink():
        return {}
    declared, error = _read_json(path)
    if error:
        report.problems.append(Problem("invalid_decision", f"{path}: {error}"))
        return {}
    if not isinstance(declared, dict):
        report.problems.append(Problem("invalid_decision", f"{path}: expected a JSON object such as "
                                                           '{"threshold": 0.5}'))
        return {}
    unknown = sorted(set(declared) - {"threshold"})
    if unknown:
        report.problems.append(Problem("invalid_decision", f"{path}: unknown key(s) {reprlib.repr(unknown)}; the "
                                                           "only key is 'threshold'", column=unknown[0][:40]))
    if "threshold" not in declared:
        report.problems.append(Problem("invalid_decision", f"{path}: key 'threshold' is missing", column="threshold"))
        return {}
    threshold = declared["threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        report.problems.append(Problem("invalid_decision", f"{path}: key 'threshold': {reprlib.repr(threshold)} is "
                                                           "not a number in [0, 1]", column="threshold"))
        return {}
    return {"threshold": float(threshold) + 0.0}  # + 0.0 turns -0.0 into 0.0


def _read_json(path: Path) -> tuple[object, str | None]:
    """The JSON value in ``path``, or why it could not be read (as the problem's wording)."""
    if not path.is_file():
        return None, "not a regular file"
    size = path.stat().st_size
    if size > MAX_DECISION_BYTES:
        return None, f"{size:,} bytes; a decision is a small JSON object such as {{\"threshold\": 0.5}}"
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"), object_pairs_hook=_unique_keys), None
    except RecursionError:
        return None, "not valid JSON (nested too deeply)"
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
        return None, f"not valid JSON ({error})"


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object's members; a key given twice is refused (which one would count?)."""
    members = dict(pairs)
    if len(members) < len(pairs):
        seen: set[str] = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise ValueError(f"key {reprlib.repr(repeated)} appears more than once")
    return members


def truth(answers: pd.DataFrame, spec: CaseSpec, labels: tuple[str, ...]) -> BinaryTruth:
    positive_label = spec.submission.positive_label
    return BinaryTruth(ids=pd.Index(answers[spec.id_column]),
                       positive=(answers[spec.target] == positive_label).to_numpy(),
                       positive_label=positive_label)


def decode(
    frame: pd.DataFrame, spec: CaseSpec, labels: tuple[str, ...], ids: pd.Index, threshold: float | None = None
) -> BinaryPredictions:
    """Turn a validated submission into probabilities in the order of ``ids``."""
    aligned = frame.set_index(spec.submission.id_column).reindex(ids)
    proba = pd.to_numeric(aligned[probability_column(spec)]).to_numpy(dtype=float)
    if threshold is None:
        return BinaryPredictions(proba)
    return BinaryPredictions(proba, threshold, declared=True)


def point_metrics(truth: BinaryTruth, predictions: BinaryPredictions, spec: CaseSpec) -> dict[str, float]:
    values = binary.point_metrics(truth.positive, predictions.proba, predictions.threshold)
    return {metric.name: values[metric.name] for metric in spec.metrics if metric.name in values}


def resampled_metrics(
    truth: BinaryTruth, predictions: BinaryPredictions, spec: CaseSpec, names: set[str]
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """Bootstrap functions for the metrics in ``names``."""
    return binary.resampled_metrics(truth.positive, predictions.proba, predictions.threshold, names)


def details(truth: BinaryTruth, predictions: BinaryPredictions) -> dict[str, object]:
    """The decision at the threshold, the ROC and precision-recall curves, the reliability bins."""
    from sklearn.metrics import precision_recall_curve, roc_curve

    positive, proba = truth.positive, predictions.proba
    flagged = proba >= predictions.threshold
    counts = {
        "true_positives": int(np.sum(positive & flagged)),
        "false_positives": int(np.sum(~positive & flagged)),
        "false_negatives": int(np.sum(positive & ~flagged)),
        "true_negatives": int(np.sum(~positive & ~flagged)),
    }
    result: dict[str, object] = {
        "positive_label": truth.positive_label,
        "rows": int(positive.size),
        "positives": int(positive.sum()),
        "decision": {"threshold": predictions.threshold, "declared": predictions.declared,
                     "flagged": int(flagged.sum()), **counts},
        "reliability": _reliability(positive, proba),
    }
    if positive.any() and not positive.all():
        fpr, tpr, _ = roc_curve(positive, proba)
        precision, recall, _ = precision_recall_curve(positive, proba)
        result["roc_curve"] = {"fpr": _thin(fpr), "tpr": _thin(tpr)}
        result["pr_curve"] = {"recall": _thin(recall[::-1]), "precision": _thin(precision[::-1])}
    return result


def _reliability(positive: np.ndarray, proba: np.ndarray) -> list[dict[str, float]]:
    """Rows, mean predicted probability and observed share of positives in each calibration bin."""
    bins = binary.calibration_bins(proba, binary.DEFAULT_BINS)
    table = []
    for k in range(binary.DEFAULT_BINS):
        inside = bins == k
        rows = int(inside.sum())
        table.append({
            "low": k / binary.DEFAULT_BINS,
            "high": (k + 1) / binary.DEFAULT_BINS,
            "rows": rows,
            "mean_predicted": float(proba[inside].mean()) if rows else None,
            "observed": float(positive[inside].mean()) if rows else None,
        })
    return table


def _thin(values: np.ndarray) -> list[float]:
    """At most ``CURVE_POINTS`` evenly spaced points of a curve, its two ends included."""
    keep = np.unique(np.linspace(0, values.size - 1, min(values.size, CURVE_POINTS)).round().astype(int))
    return [round(float(value), 6) for value in values[keep]]


def sample_submission(inputs: dict[str, pd.DataFrame], spec: CaseSpec, labels: tuple[str, ...]) -> pd.DataFrame:
    """A well-formed submission that gives every test row a probability of 0.5."""
    return pd.DataFrame({spec.submission.id_column: inputs["test"][spec.id_column], probability_column(spec): 0.5})


def baseline_submission(
    estimator, inputs: dict[str, pd.DataFrame], spec: CaseSpec, labels: tuple[str, ...]
) -> pd.DataFrame:
    """Fit ``estimator`` on the train table and return its probabilities for the test table."""
    train, test = inputs["train"], inputs["test"]
    estimator.fit(train.drop(columns=[spec.id_column, spec.target]), train[spec.target])
    fitted = estimator.predict_proba(test.drop(columns=[spec.id_column]))
    positive = list(estimator.classes_).index(spec.submission.positive_label)
    return pd.DataFrame({spec.submission.id_column: test[spec.id_column].to_numpy(),
                         probability_column(spec): fitted[:, positive]})


def report_tables(details: dict[str, object]) -> list[dict[str, object]]:
    """The decision at the threshold and the reliability bins."""
    decision = details["decision"]
    rows = details["rows"]
    label = details["positive_label"]
    flagged = decision["flagged"]
    source = "declared in decision.json" if decision["declared"] else "default: no decision.json"
    at_threshold = [
        ["threshold", f"{decision['threshold']:g} ({source})"],
        [f"flagged as {label}", f"{flagged:,} of {rows:,} ({flagged / rows:.1%})"],
        [f"{label}, flagged (true positives)", f"{decision['true_positives']:,}"],
        [f"not {label}, flagged (false positives)", f"{decision['false_positives']:,}"],
        [f"{label}, not flagged (false negatives)", f"{decision['false_negatives']:,}"],
        [f"not {label}, not flagged (true negatives)", f"{decision['true_negatives']:,}"],
    ]
    reliability = [
        [f"{b['low']:.1f}-{b['high']:.1f}", f"{b['rows']:,}", _maybe(b["mean_predicted"]), _maybe(b["observed"]),
         _maybe(None if b["rows"] == 0 else b["observed"] - b["mean_predicted"], signed=True)]
        for b in details["reliability"]
    ]
    return [
        {"title": "Decision at the threshold", "columns": ["", "value"], "rows": at_threshold},
        {"title": f"Reliability ({len(reliability)} equal-width bins of the predicted probability)",
         "columns": ["predicted", "rows", "mean predicted", f"observed share {label}", "observed − predicted"],
         "rows": reliability},
    ]


def figures(details: dict[str, object]) -> dict[str, bytes]:
    """The ROC curve, the precision-recall curve and the reliability diagram, as PNG."""
    from evaluator.outputs import plots

    decision = details["decision"]
    negatives = details["rows"] - details["positives"]
    tp, fp = decision["true_positives"], decision["false_positives"]
    recall = tp / details["positives"] if details["positives"] else math.nan
    precision = tp / (tp + fp) if tp + fp else math.nan
    threshold = decision["threshold"]
    images = {"reliability_diagram.png": plots.reliability_diagram_png(details["reliability"])}
    if "roc_curve" in details:
        roc, pr = details["roc_curve"], details["pr_curve"]
        false_positive_rate = fp / negatives if negatives else math.nan
        images["roc_curve.png"] = plots.roc_curve_png(roc["fpr"], roc["tpr"], (false_positive_rate, recall), threshold)
        images["pr_curve.png"] = plots.precision_recall_curve_png(
            pr["recall"], pr["precision"], details["positives"] / details["rows"], (recall, precision), threshold)
    return images


def _maybe(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.3f}" if signed else f"{value:.3f}"
