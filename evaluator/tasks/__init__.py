"""Task types: how submissions of one kind are checked, decoded, scored and produced.

A case names its task type (``multiclass``, ...) and the evaluator looks the module up here.
Every task module offers the same functions:

- ``submission_columns(spec, labels) -> (required, optional)``
- ``check_values(frame, spec, labels, name, report)``: value checks after the generic ones
- ``truth(answers, spec, labels)`` and ``decode(frame, spec, labels, ids)``: arrays aligned to
  the answer key's order
- ``point_metrics``, ``resampled_metrics``, ``details``: scores, bootstrap functions, and the
  tables a report shows
- ``sample_submission`` and ``baseline_submission``: well-formed submissions

and, where the generic behaviour does not fit, optionally:

- ``check_ids(frame, spec, expected_ids, name, report)``: replaces the generic one-row-per-id
  check (a ranking submission has one row per recommended item)
- ``notes(truth, predictions)``: sentences the scorecard adds to its notes
- ``read_decision(submission_path, report) -> dict``: a decision the candidate declares in a
  file beside the submission (the binary task's threshold), checked with the submission and
  passed to ``decode`` as keyword arguments
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

_MODULES = {
    "multiclass": "evaluator.tasks.multiclass",
    "ranking": "evaluator.tasks.ranking",
    "binary": "evaluator.tasks.binary",
}


def get(task: str) -> ModuleType:
    """The module that implements ``task``."""
    try:
        return import_module(_MODULES[task])
    except KeyError:
        raise ValueError(f"no evaluator for task type {task!r}; known: {sorted(_MODULES)}") from None
