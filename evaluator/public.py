"""The public scoring API that generated projects use for local validation.

Both functions read the project's ``casekit.json`` to know the case, its labels and its test
ids, and apply exactly the checks and metrics that ``casekit evaluate`` applies.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from evaluator import tasks
from evaluator.errors import InvalidSubmissionError, UsageError
from evaluator.files.fingerprint import csv_bytes
from evaluator.instances.bundle import BundleMetadata, find_project
from evaluator.submissions.checks import ValidationReport
from evaluator.tasks.base import DECISION_FILE


def validate_predictions(
    predictions: pd.DataFrame | str | Path, project: str | Path = ".", decision: dict | None = None
) -> ValidationReport:
    """Check predictions for the project's test set, as ``casekit validate`` does.

    Parameters
    ----------
    predictions : DataFrame or path
        A submission table, or the path of a submission CSV.
    project : path
        The project folder, or any folder inside it.
    decision : dict, optional
        With a table: what ``submission/decision.json`` would declare with it (a file brings
        its own ``decision.json``, from its folder).

    Returns
    -------
    ValidationReport
        ``report.ok`` is True when the submission is valid; ``report.problems`` lists the rest.
    """
    root, bundle = _project(project)
    task = tasks.load_case(bundle.case, bundle.source)
    id_column = task.spec.id_column
    test = pd.read_csv(root / "data" / "test.csv", dtype=str, keep_default_na=False, usecols=[id_column])
    with _as_file(predictions, decision) as path:
        checked = task.check_submission(path, tuple(bundle.labels), pd.Index(test[id_column]))
    return checked.report


def score_predictions(
    predictions: pd.DataFrame, answers: pd.DataFrame, project: str | Path = ".", decision: dict | None = None
) -> dict[str, float]:
    """Score predictions against answers you hold (for instance a held-out part of train).

    Parameters
    ----------
    predictions : DataFrame
        In the submission format, one row per row of ``answers``.
    answers : DataFrame
        The id column and the target column.
    decision : dict, optional
        What ``submission/decision.json`` would declare with these predictions, for cases
        that score a decision (e.g. ``{"threshold": 0.3}`` for a binary case).

    Returns
    -------
    dict of str to float
        Every metric of the case that the predictions support, by name.

    Raises
    ------
    InvalidSubmissionError
        When the predictions do not follow the submission format.
    """
    _, bundle = _project(project)
    task = tasks.load_case(bundle.case, bundle.source)
    labels = tuple(bundle.labels)
    answers = answers[[task.spec.id_column, task.spec.target]].astype(str)
    truth = task.truth(answers, labels)
    with _as_file(predictions, decision) as path:
        checked = task.check_submission(path, labels, truth.ids)
    if not checked.report.ok or checked.frame is None:
        raise InvalidSubmissionError(checked.report)
    return task.point_metrics(truth, task.decode(checked.frame, labels, truth.ids, checked.decision))


def _project(start: str | Path) -> tuple[Path, BundleMetadata]:
    root = find_project(Path(start))
    if root is None:
        raise UsageError(f"{start}: not inside a casekit project (no casekit.json found); create one with "
                         "'casekit new'")
    return root, BundleMetadata.read(root)


@contextmanager
def _as_file(predictions: pd.DataFrame | str | Path, decision: dict | None = None) -> Iterator[Path]:
    """A path for ``predictions``: the file itself, or a temporary CSV of the table (with the
    ``decision`` beside it, where a submission keeps its ``decision.json``)."""
    if not isinstance(predictions, pd.DataFrame):
        yield Path(predictions)
        return
    with tempfile.TemporaryDirectory(prefix="casekit-") as folder:
        path = Path(folder) / "predictions.csv"
        path.write_bytes(csv_bytes(predictions))
        if decision is not None:
            (Path(folder) / DECISION_FILE).write_text(json.dumps(decision), encoding="utf-8")
        yield path
