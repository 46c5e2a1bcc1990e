"""Score a submission: its metrics with intervals, and paired comparisons with the baselines.

A model's scores are its point metrics plus its metric values on every bootstrap resample.
Resamples depend only on the bootstrap seed and the number of test units, so scores computed
at different times pair exactly: the baselines' scores are computed once per instance and
cached (see :mod:`evaluator.scoring.baselines`), and each candidate is resampled the same way.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from cases.spec import CaseSpec
from evaluator import __version__, tasks
from evaluator.scoring import slices
from evaluator.scoring.bootstrap import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    bootstrap_metrics,
    percentile_interval,
    verdict,
)
from evaluator.instances.bundle import BundleMetadata
from evaluator.errors import InvalidSubmissionError
from evaluator.files.fingerprint import sha256_file
from evaluator.instances.keystore import AnswerKey, read_input
from evaluator.scoring.scorecard import Comparison, MetricResult, ModelResult, Scorecard
from evaluator.tasks.submission import CheckedSubmission


@dataclass(frozen=True)
class ModelScores:
    """One model's point metrics and its metric values on each bootstrap resample."""

    points: dict[str, float]
    draws: dict[str, np.ndarray]


def score_model(spec: CaseSpec, truth, prediction, *, resamples: int, seed: int) -> ModelScores:
    """Point metrics and bootstrap draws of one model's decoded predictions."""
    task = tasks.get(spec.task)
    with_interval = {metric.name for metric in spec.metrics if metric.interval}
    resampled = task.resampled_metrics(truth, prediction, spec, with_interval)
    # The point estimates (sklearn) and the bootstrap are both mostly numpy work that releases
    # the GIL, so on two cores they overlap.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(task.point_metrics, truth, prediction, spec)
        draws = bootstrap_metrics(resampled, truth.n_units, resamples, seed)
        points = pending.result()
    return ModelScores(points, draws)


def score_submission(
    spec: CaseSpec,
    bundle: BundleMetadata,
    key: AnswerKey,
    submission: CheckedSubmission,
    baselines: dict[str, ModelScores],
    *,
    candidate: str | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Scorecard:
    """Score a checked submission against ``key`` and compare it with the baselines' scores.

    ``baselines`` must have been scored with the same ``resamples`` and ``seed``, which makes
    the comparison paired.

    Raises
    ------
    InvalidSubmissionError
        When the submission did not pass :func:`~evaluator.tasks.submission.check_submission`.
    """
    if not submission.report.ok:
        raise InvalidSubmissionError(submission.report)
    task = tasks.get(spec.task)
    labels = tuple(bundle.labels)
    truth = task.truth(key.answers, spec, labels)
    prediction = task.decode(submission.frame, spec, labels, truth.ids, **submission.decision)
    scores = score_model(spec, truth, prediction, resamples=resamples, seed=seed)
    ordered = [baseline for baseline in spec.baselines if baseline.name in baselines]

    primary = spec.primary
    comparisons = []
    for baseline in ordered:
        theirs = baselines[baseline.name]
        interval = percentile_interval(scores.draws[primary.name] - theirs.draws[primary.name], confidence)
        comparisons.append(Comparison(
            baseline=baseline.name,
            title=baseline.title,
            tier=baseline.tier,
            metric=primary.name,
            candidate_value=scores.points[primary.name],
            baseline_value=theirs.points[primary.name],
            delta=scores.points[primary.name] - theirs.points[primary.name],
            delta_low=interval.low,
            delta_high=interval.high,
            verdict=verdict(interval, primary.higher_is_better),
        ))

    notes = []
    if not any(metric.requires_probabilities and metric.name in scores.points for metric in spec.metrics) and any(
        metric.requires_probabilities for metric in spec.metrics
    ):
        names = ", ".join(m.title for m in spec.metrics if m.requires_probabilities)
        notes.append(f"No class probabilities were submitted, so {names} could not be scored.")
    details = task.details(truth, prediction)
    if spec.slices:
        test = read_input(key, "test", [spec.id_column, *(part.column for part in spec.slices)])
        details["slices"] = slices.score_slices(spec, test, truth, prediction, scores.points[primary.name],
                                                resamples=resamples, seed=seed, confidence=confidence)
        notes += slices.notes(details)
    if hasattr(task, "notes"):
        notes += task.notes(truth, prediction)

    return Scorecard(
        case=spec.slug,
        title=spec.title,
        task=spec.task,
        instance_id=bundle.instance_id,
        source=bundle.source,
        seed=bundle.seed,
        candidate=candidate if candidate is not None else bundle.candidate,
        submission={"file": str(submission.report.file), "sha256": sha256_file(submission.report.file),
                    "rows": submission.report.rows,
                    **({"decision": submission.decision} if submission.decision else {})},
        evaluated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        casekit_version=__version__,
        primary_metric=primary.name,
        metrics=_results(spec, scores, confidence),
        baselines=[ModelResult(b.name, b.title, b.tier, _results(spec, baselines[b.name], confidence))
                   for b in ordered],
        comparisons=comparisons,
        details=details,
        bootstrap={"resamples": resamples, "seed": seed, "confidence": confidence,
                   "unit": getattr(truth, "unit", "test row"),
                   "method": "percentile; paired resamples for baseline comparisons"},
        notes=notes,
    )


def _results(spec: CaseSpec, scores: ModelScores, confidence: float) -> list[MetricResult]:
    results = []
    for metric in spec.metrics:
        if metric.name not in scores.points:
            continue
        samples = scores.draws.get(metric.name)
        interval = percentile_interval(samples, confidence) if samples is not None else None
        results.append(MetricResult(metric.name, metric.title, metric.direction, scores.points[metric.name],
                                    interval.low if interval else None, interval.high if interval else None))
    return results
