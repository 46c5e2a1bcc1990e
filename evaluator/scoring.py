"""Score a submission: validate it, compute its metrics with intervals, compare with baselines."""

from __future__ import annotations

from datetime import datetime, timezone
import numpy as np
import pandas as pd

from cases.spec import Baseline, CaseSpec
from evaluator import __version__, tasks
from evaluator.bootstrap import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    bootstrap_metrics,
    percentile_interval,
    verdict,
)
from evaluator.bundle import BundleMetadata
from evaluator.errors import InvalidSubmissionError
from evaluator.fingerprint import sha256_file
from evaluator.keystore import AnswerKey
from evaluator.scorecard import Comparison, MetricResult, ModelResult, Scorecard
from evaluator.submission import CheckedSubmission

CANDIDATE = "candidate"


def score_submission(
    spec: CaseSpec,
    bundle: BundleMetadata,
    key: AnswerKey,
    submission: CheckedSubmission,
    baselines: dict[str, pd.DataFrame],
    *,
    candidate: str | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Scorecard:
    """Score a checked submission against ``key``, paired with each baseline's predictions.

    Raises
    ------
    InvalidSubmissionError
        When the submission did not pass :func:`~evaluator.submission.check_submission`.
    """
    if not submission.report.ok:
        raise InvalidSubmissionError(submission.report)
    task = tasks.get(spec.task)
    labels = tuple(bundle.labels)
    truth = task.truth(key.answers, spec, labels)
    predictions = {CANDIDATE: task.decode(submission.frame, spec, labels, truth.ids)}
    for name, frame in baselines.items():
        predictions[name] = task.decode(frame, spec, labels, truth.ids)
    points = {name: task.point_metrics(truth, prediction, spec) for name, prediction in predictions.items()}

    with_interval = {metric.name for metric in spec.metrics if metric.interval}
    resampled = {name: task.resampled_metrics(truth, prediction, spec, with_interval)
                 for name, prediction in predictions.items()}

    def evaluate(weights: np.ndarray) -> dict[str, np.ndarray]:
        return {f"{name}/{metric}": values
                for name, function in resampled.items() for metric, values in function(weights).items()}

    draws = bootstrap_metrics(evaluate, truth.n_units, resamples, seed)

    def results(name: str) -> list[MetricResult]:
        out = []
        for metric in spec.metrics:
            if metric.name not in points[name]:
                continue
            samples = draws.get(f"{name}/{metric.name}")
            interval = percentile_interval(samples, confidence) if samples is not None else None
            out.append(MetricResult(metric.name, metric.title, metric.direction, points[name][metric.name],
                                    interval.low if interval else None, interval.high if interval else None))
        return out

    primary = spec.primary
    comparisons = []
    for baseline in _ordered(spec, baselines):
        delta = draws[f"{CANDIDATE}/{primary.name}"] - draws[f"{baseline.name}/{primary.name}"]
        interval = percentile_interval(delta, confidence)
        comparisons.append(Comparison(
            baseline=baseline.name,
            title=baseline.title,
            tier=baseline.tier,
            metric=primary.name,
            candidate_value=points[CANDIDATE][primary.name],
            baseline_value=points[baseline.name][primary.name],
            delta=points[CANDIDATE][primary.name] - points[baseline.name][primary.name],
            delta_low=interval.low,
            delta_high=interval.high,
            verdict=verdict(interval, primary.higher_is_better),
        ))

    notes = []
    if predictions[CANDIDATE].proba is None and any(m.requires_probabilities for m in spec.metrics):
        names = ", ".join(m.title for m in spec.metrics if m.requires_probabilities)
        notes.append(f"No class probabilities were submitted, so {names} could not be scored.")

    return Scorecard(
        case=spec.slug,
        title=spec.title,
        task=spec.task,
        instance_id=bundle.instance_id,
        source=bundle.source,
        seed=bundle.seed,
        candidate=candidate if candidate is not None else bundle.candidate,
        submission={"file": str(submission.report.file), "sha256": sha256_file(submission.report.file),
                    "rows": submission.report.rows},
        evaluated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        casekit_version=__version__,
        primary_metric=primary.name,
        metrics=results(CANDIDATE),
        baselines=[ModelResult(b.name, b.title, b.tier, results(b.name)) for b in _ordered(spec, baselines)],
        comparisons=comparisons,
        details=task.details(truth, predictions[CANDIDATE]),
        bootstrap={"resamples": resamples, "seed": seed, "confidence": confidence, "unit": "test row",
                   "method": "percentile; paired resamples for baseline comparisons"},
        notes=notes,
    )


def _ordered(spec: CaseSpec, baselines: dict[str, pd.DataFrame]) -> list[Baseline]:
    return [baseline for baseline in spec.baselines if baseline.name in baselines]
