"""One bin of a reliability diagram: a record of its own, since the binary task's details hold it
and the figures draw it (:mod:`casekit.tasks.figures` must not import a task type)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReliabilityBin:
    """One calibration bin: its rows, mean predicted probability and observed share of positives."""

    low: float
    high: float
    rows: int
    mean_predicted: float | None
    observed: float | None
