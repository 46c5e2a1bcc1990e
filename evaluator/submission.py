"""Check one submission file against a case instance: the generic checks, then the task's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cases.spec import CaseSpec
from evaluator import tasks
from evaluator.validation import ValidationReport, check_columns, check_ids, read_submission


@dataclass(frozen=True)
class CheckedSubmission:
    """A submission's validation report and, when it could be read, its table (as text)."""

    report: ValidationReport
    frame: pd.DataFrame | None


def check_submission(
    path: Path, spec: CaseSpec, labels: tuple[str, ...], expected_ids: pd.Index
) -> CheckedSubmission:
    """Validate ``path`` for an instance whose test rows have ``expected_ids``."""
    task = tasks.get(spec.task)
    report = ValidationReport(file=path)
    schema = spec.submission
    frame = read_submission(path, report, [c for c in (schema.id_column, schema.label_column) if c])
    if frame is None:
        return CheckedSubmission(report, None)
    required, optional = task.submission_columns(spec, labels)
    check_columns(frame, required, optional, path.name, report)
    id_column = spec.submission.id_column
    if id_column in frame.columns:
        if hasattr(task, "check_ids"):
            task.check_ids(frame, spec, expected_ids, path.name, report)
        else:
            check_ids(frame, id_column, expected_ids, path.name, report)
        task.check_values(frame, spec, labels, path.name, report)
    return CheckedSubmission(report, frame)
