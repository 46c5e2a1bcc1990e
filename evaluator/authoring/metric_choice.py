"""The metrics of an authored case, and the primary one, chosen from the target's distribution.

The task type declares both (:attr:`casekit.tasks.base.Task.table_authoring`): its metrics,
and which one fits a target as the profile found it, with the reason the brief gives.
``--metric`` picks another primary metric among the case's.
"""

from __future__ import annotations

from dataclasses import dataclass

from casekit import tasks
from casekit.authoring.profile import TargetProfile
from casekit.cases.spec import MetricSpec
from casekit.errors import UsageError


@dataclass(frozen=True)
class MetricChoice:
    """The case's metrics, its primary one, and why that one fits the target."""

    metrics: tuple[MetricSpec, ...]
    primary: str
    reason: str

    @property
    def primary_title(self) -> str:
        return next(metric.title for metric in self.metrics if metric.name == self.primary)


def choose_metrics(target: TargetProfile, override: str | None = None) -> MetricChoice:
    """The metrics for ``target``'s task, the primary one chosen as the module says (or ``override``)."""
    authoring = tasks.table_authoring(target.task)
    metrics = authoring.metrics
    if override is not None:
        names = [metric.name for metric in metrics]
        if override not in names:
            raise UsageError(f"--metric {override}: a {target.task} case's metrics are {', '.join(names)}")
        return MetricChoice(metrics, override, "chosen by the case's author (--metric)")
    primary, reason = authoring.primary_metric(target)
    return MetricChoice(metrics, primary, reason)

