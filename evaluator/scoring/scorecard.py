"""The scorecard: the complete, machine-readable result of one evaluation.

``scorecard.json`` carries a ``schema_version``; fields are only ever added within a version.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class MetricResult:
    """One metric's value and, for headline metrics, its bootstrap interval."""

    name: str
    title: str
    direction: str
    value: float
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
    candidate_value: float
    baseline_value: float
    delta: float
    delta_low: float
    delta_high: float
    verdict: str


@dataclass(frozen=True)
class Scorecard:
    case: str
    title: str
    task: str
    instance_id: str
    source: str
    seed: int | None
    candidate: str | None
    submission: dict[str, object]
    evaluated_at: str
    casekit_version: str
    primary_metric: str
    metrics: list[MetricResult]
    baselines: list[ModelResult]
    comparisons: list[Comparison]
    details: dict[str, object]
    bootstrap: dict[str, object]
    notes: list[str] = field(default_factory=list)
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
        raw = json.loads(text)
        if raw.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"scorecard schema_version {raw.get('schema_version')!r} is not {SCHEMA_VERSION}")
        raw["metrics"] = [MetricResult(**metric) for metric in raw["metrics"]]
        raw["baselines"] = [ModelResult(**{**model, "metrics": [MetricResult(**m) for m in model["metrics"]]})
                            for model in raw["baselines"]]
        raw["comparisons"] = [Comparison(**comparison) for comparison in raw["comparisons"]]
        return cls(**raw)


def _finite(value):
    """JSON has no NaN: undefined numbers are written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value
