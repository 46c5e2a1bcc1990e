"""The scorecard: the complete, machine-readable result of one evaluation.

``scorecard.json`` carries a ``schema_version``; fields are only ever added within a version.
Version 2 gives the task's details as a typed record and the slices beside them (version 1
kept both in one untyped ``details`` object).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from pydantic import ConfigDict, TypeAdapter

from casekit.errors import IntegrityError
from casekit.scoring.detectable import DetectableDifference
from casekit.scoring.slices import SliceReport
from casekit.tasks import task_type
from casekit.tasks.base import Decision, TaskDetails

SCHEMA_VERSION = 2


@dataclass(frozen=True)
class MetricResult:
    """One metric's value and, for headline metrics, its bootstrap interval."""

    name: str
    title: str
    direction: str
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class ModelResult:
    """The metrics of one baseline on the same test set."""

    name: str
    title: str
    tier: str
    metrics: list[MetricResult]

    def metric(self, name: str) -> MetricResult:
        return next(metric for metric in self.metrics if metric.name == name)


@dataclass(frozen=True)
class Comparison:
    """The paired-bootstrap comparison of the candidate with one baseline on the primary metric.

    ``delta`` is candidate minus baseline; the verdict reads the interval in the metric's
    direction (for a loss, a negative delta is better).
    """

    baseline: str
    title: str
    tier: str
    metric: str
    candidate_value: float | None
    baseline_value: float | None
    delta: float | None
    delta_low: float | None
    delta_high: float | None
    verdict: str


@dataclass(frozen=True)
class SubmissionInfo:
    """Which file was scored: its name as the reviewer knows it, its sha256 and rows, and the
    decision the candidate declared with it (empty when none was)."""

    file: str
    sha256: str
    rows: int
    decision: Decision = field(default_factory=dict)


@dataclass(frozen=True)
class BootstrapSettings:
    """How the intervals were computed: resamples of which unit, with which seed."""

    resamples: int
    seed: int
    confidence: float
    unit: str
    method: str = "percentile; paired resamples for baseline comparisons"


@dataclass(frozen=True)
class Scorecard:
    """One evaluation: the metrics with intervals, the baselines, the paired comparisons, the
    task's details, the slices, and the smallest difference the test set can detect (None
    without the baselines)."""

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(arbitrary_types_allowed=True)

    case: str
    title: str
    task: str
    instance_id: str
    source: str
    seed: int | None
    candidate: str | None
    submission: SubmissionInfo
    evaluated_at: str
    casekit_version: str
    primary_metric: str
    metrics: list[MetricResult]
    baselines: list[ModelResult]
    comparisons: list[Comparison]
    details: TaskDetails
    bootstrap: BootstrapSettings
    slices: SliceReport | None = None
    notes: list[str] = field(default_factory=list)
    detectable: DetectableDifference | None = None
    schema_version: int = SCHEMA_VERSION

    @property
    def primary(self) -> MetricResult:
        return self.metric(self.primary_metric)

    def metric(self, name: str) -> MetricResult:
        return next(metric for metric in self.metrics if metric.name == name)

    def to_json(self) -> str:
        return json.dumps(_finite(asdict(self)), indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Scorecard:
        """Read a scorecard written by :meth:`to_json`; :class:`IntegrityError` says why one cannot be read."""
        raw: dict[str, Any] = json.loads(text)
        if raw.get("schema_version") != SCHEMA_VERSION:
            raise IntegrityError(f"scorecard schema_version {raw.get('schema_version')!r} is not {SCHEMA_VERSION}: it "
                                 "was written by another casekit version; evaluate the submission again")
        details_type: type[TaskDetails] = task_type(raw["task"]).details_type
        raw["details"] = TypeAdapter(details_type).validate_python(raw["details"])
        card: Scorecard = TypeAdapter(Scorecard).validate_python(raw)
        return card


def _finite(value: Any) -> Any:
    """JSON has no NaN: undefined numbers are written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value
