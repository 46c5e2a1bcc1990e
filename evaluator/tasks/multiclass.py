"""Multiclass classification: one label per row, optionally one probability per class.

Submission columns: the id, the label column (unless the case scores probabilities only),
and ``<prefix><label>`` for every class, all or none (required when the case says so). When
a submission has both, the label column is the candidate's decision and is what the label
metrics score; the probabilities feed log loss and ROC-AUC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cases.spec import CaseSpec
from evaluator.metrics import classification
from evaluator.submissions.checks import (
    EXAMPLES_PER_PROBLEM,
    Problem,
    ValidationReport,
    add_row_problems,
    suspicious_characters,
)

SUM_TOLERANCE = 1e-3
_MISSING_TEXT = {"", "nan", "none", "null", "na", "n/a"}


@dataclass(frozen=True)
class ClassPredictions:
    """Predictions aligned to the answer key's rows: class codes and optional probabilities."""

    codes: np.ndarray
    proba: np.ndarray | None


@dataclass(frozen=True)
class ClassTruth:
    """The answer key as class codes, in the key's row order."""

    ids: pd.Index
    codes: np.ndarray
    labels: tuple[str, ...]

    @property
    def n_units(self) -> int:
        return self.codes.size


def submission_columns(spec: CaseSpec, labels: tuple[str, ...]) -> tuple[list[str], list[str]]:
    schema = spec.submission
    required = [schema.id_column] + ([schema.label_column] if schema.label_column else [])
    probabilities = list(schema.probability_columns(labels))
    if schema.probabilities_required:
        return required + probabilities, []
    return required, probabilities


def check_values(
    frame: pd.DataFrame, spec: CaseSpec, labels: tuple[str, ...], name: str, report: ValidationReport
) -> None:
    """Record empty or unknown labels and invalid probabilities."""
    schema = spec.submission
    ids = frame[schema.id_column]
    rows = np.arange(1, len(frame) + 1)
    column = schema.label_column
    if column and column in frame.columns:
        values = frame[column]
        empty = values.str.strip().str.lower().isin(_MISSING_TEXT).to_numpy()
        add_row_problems(report, "nan_value", empty, rows, ids, column,
                         lambda row, value: f"{name}: row {row} ({schema.id_column}={value!r}), column '{column}': "
                                            "empty or NaN label")
        unknown = (~values.isin(labels)).to_numpy() & ~empty
        known = ", ".join(labels)
        add_row_problems(report, "unknown_label", unknown, rows, ids, column,
                         lambda row, value: f"{name}: row {row}, column '{column}': unknown label {value!r}"
                                            f"{suspicious_characters(value)}; expected one of {known}",
                         values=values)

    probability_columns = list(schema.probability_columns(labels))
    if probability_columns and all(c in frame.columns for c in probability_columns):
        _check_probabilities(frame, probability_columns, ids, schema.id_column, name, report)


def _check_probabilities(
    frame: pd.DataFrame, columns: list[str], ids: pd.Series, id_column: str, name: str, report: ValidationReport
) -> None:
    text = frame[columns]
    numbers = text.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    # Only the cells that did not parse need a second look: empty/NaN, or some other text.
    missing = np.zeros(numbers.shape, dtype=bool)
    rows, cols = np.nonzero(np.isnan(numbers))
    cells = text.to_numpy()[rows, cols]
    missing[rows, cols] = [str(cell).strip().lower() in _MISSING_TEXT for cell in cells]
    not_numeric = np.isnan(numbers) & ~missing
    _cell_problems(report, "nan_value", missing, columns, ids, id_column,
                   lambda where, cell: f"{name}: {where}: empty or NaN probability")
    _cell_problems(report, "not_a_number", not_numeric, text, ids, id_column,
                   lambda where, cell: f"{name}: {where}: {cell!r} is not a number")
    finite = np.isfinite(numbers)
    outside = ~np.isnan(numbers) & (~finite | (numbers < 0) | (numbers > 1))
    _cell_problems(report, "probability_out_of_range", outside, text, ids, id_column,
                   lambda where, cell: f"{name}: {where}: probability {cell} is outside [0, 1]")
    complete = finite.all(axis=1) & ~outside.any(axis=1)
    sums = numbers.sum(axis=1, where=finite)
    bad_sum = complete & (np.abs(sums - 1.0) > SUM_TOLERANCE)
    add_row_problems(report, "probabilities_not_summing_to_one", bad_sum, np.arange(1, len(frame) + 1), ids,
                     ", ".join(columns[:2]) + ", ...",
                     lambda row, value: f"{name}: row {row} ({id_column}={value!r}): class probabilities sum to "
                                        f"{sums[row - 1]:.6g}, not 1 (tolerance {SUM_TOLERANCE:g})")


def _cell_problems(
    report: ValidationReport,
    code: str,
    mask: np.ndarray,
    cells: pd.DataFrame | list[str],
    ids: pd.Series,
    id_column: str,
    describe: Callable[[str, object], str],
) -> None:
    columns = list(cells.columns) if isinstance(cells, pd.DataFrame) else cells
    flagged = np.argwhere(mask)
    for row, col in flagged[:EXAMPLES_PER_PROBLEM]:
        where = f"row {row + 1} ({id_column}={ids.iloc[row]!r}), column '{columns[col]}'"
        cell = cells.iat[row, col] if isinstance(cells, pd.DataFrame) else None
        report.problems.append(Problem(code, describe(where, cell), row=int(row + 1), column=columns[col],
                                       id=str(ids.iloc[row])))
    if len(flagged) > EXAMPLES_PER_PROBLEM:
        report.problems.append(Problem(code, f"{report.file.name}: ... and {len(flagged) - EXAMPLES_PER_PROBLEM:,} "
                                             f"more cell(s) with the same problem ({code.replace('_', ' ')})"))


def truth(answers: pd.DataFrame, spec: CaseSpec, labels: tuple[str, ...]) -> ClassTruth:
    codes = pd.Categorical(answers[spec.target], categories=labels).codes.astype(np.int64)
    return ClassTruth(ids=pd.Index(answers[spec.id_column]), codes=codes, labels=labels)


def decode(frame: pd.DataFrame, spec: CaseSpec, labels: tuple[str, ...], ids: pd.Index) -> ClassPredictions:
    """Turn a validated submission into arrays in the order of ``ids``."""
    schema = spec.submission
    aligned = frame.set_index(schema.id_column).reindex(ids)
    probability_columns = list(schema.probability_columns(labels))
    proba = None
    if probability_columns and all(c in aligned.columns for c in probability_columns):
        proba = aligned[probability_columns].astype(float).to_numpy()
    if schema.label_column:
        codes = pd.Categorical(aligned[schema.label_column], categories=labels).codes.astype(np.int64)
    else:
        codes = proba.argmax(axis=1)
    return ClassPredictions(codes=codes, proba=proba)


def point_metrics(truth: ClassTruth, predictions: ClassPredictions, spec: CaseSpec) -> dict[str, float]:
    values = classification.point_metrics(truth.codes, predictions.codes, predictions.proba, len(truth.labels))
    return {metric.name: values[metric.name] for metric in spec.metrics if metric.name in values}


def resampled_metrics(
    truth: ClassTruth, predictions: ClassPredictions, spec: CaseSpec, names: set[str]
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """Bootstrap functions for the metrics in ``names`` that this prediction supports."""
    return classification.resampled_metrics(truth.codes, predictions.codes, predictions.proba, len(truth.labels), names)


def details(truth: ClassTruth, predictions: ClassPredictions) -> dict[str, object]:
    """The per-class table and the confusion matrix (rows: true class, columns: predicted)."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    codes = np.arange(len(truth.labels))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth.codes, predictions.codes, labels=codes, zero_division=0
    )
    return {
        "per_class": [
            {"label": label, "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(truth.labels, precision, recall, f1, support)
        ],
        "confusion_matrix": {
            "labels": list(truth.labels),
            "matrix": confusion_matrix(truth.codes, predictions.codes, labels=codes).tolist(),
        },
    }


def sample_submission(inputs: dict[str, pd.DataFrame], spec: CaseSpec, labels: tuple[str, ...]) -> pd.DataFrame:
    """A well-formed submission that predicts the first label for every test row."""
    schema = spec.submission
    sample = pd.DataFrame({schema.id_column: inputs["test"][spec.id_column]})
    if schema.label_column:
        sample[schema.label_column] = labels[0]
    if schema.probabilities_required:
        for column in schema.probability_columns(labels):
            sample[column] = 1.0 / len(labels)
    return sample


def baseline_submission(
    estimator, inputs: dict[str, pd.DataFrame], spec: CaseSpec, labels: tuple[str, ...]
) -> pd.DataFrame:
    """Fit ``estimator`` on the train table and return its submission for the test table."""
    schema = spec.submission
    train, test = inputs["train"], inputs["test"]
    estimator.fit(train.drop(columns=[spec.id_column, spec.target]), train[spec.target])
    features = test.drop(columns=[spec.id_column])
    fitted = estimator.predict_proba(features)
    proba = np.zeros((len(test), len(labels)))
    for position, label in enumerate(estimator.classes_):
        proba[:, labels.index(label)] = fitted[:, position]
    submission = pd.DataFrame({schema.id_column: test[spec.id_column].to_numpy()})
    if schema.label_column:
        submission[schema.label_column] = estimator.predict(features)
    for column, values in zip(schema.probability_columns(labels), proba.T):
        submission[column] = values
    return submission


def report_tables(details: dict[str, object]) -> list[dict[str, object]]:
    """The tables a report shows for this task: title, column headers, rows."""
    per_class = details["per_class"]
    return [{
        "title": "Per-class precision, recall and F1",
        "columns": ["class", "precision", "recall", "F1", "support"],
        "rows": [[row["label"], f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                  f"{row['support']:,}"] for row in per_class],
    }]


def figures(details: dict[str, object]) -> dict[str, bytes]:
    """PNG figures by file name."""
    from evaluator.outputs.plots import confusion_matrix_png

    matrix = details["confusion_matrix"]
    return {"confusion_matrix.png": confusion_matrix_png(matrix["labels"], matrix["matrix"])}
