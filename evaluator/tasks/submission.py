"""Check one submission file against a case instance: the generic checks, then the task's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cases.spec import CaseSpec
from evaluator import tasks
from evaluator.submissions.checks import ValidationReport, check_columns, check_ids, read_submission

# Where a candidate declares a decision that goes with their predictions: beside the file.
DECISION_FILE = "decision.json"


@dataclass(frozen=True)
class CheckedSubmission:
    """A submission's validation report and, when it could be read, its table (as text).

    ``decision`` holds what the candidate declared beside the submission, for the task's
    ``decode`` (e.g. ``{"threshold": 0.35}``); it is empty for tasks that take no decision.
    """

    report: ValidationReport
    frame: pd.DataFrame | None
    decision: dict[str, object] = field(default_factory=dict)


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
    decision = task.read_decision(path, report) if hasattr(task, "read_decision") else {}
    return CheckedSubmission(report, frame, decision)
