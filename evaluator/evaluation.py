"""The evaluate and baselines workflows: from a project folder to files and MLflow runs.

Order matters for not losing results: the scorecard and report are written locally first
(as one folder, atomically), and only then logged to MLflow.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import cases
from cases.spec import CaseSpec
from evaluator import atomic, slices, tasks, tracking
from evaluator.baselines import BaselinePredictions, baseline_scores, ensure_baselines
from evaluator.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from evaluator.bundle import DEFAULT_SUBMISSION, BundleMetadata
from evaluator.errors import InvalidSubmissionError, UsageError
from evaluator.keystore import AnswerKey, keys_root, load_key
from evaluator.report import render_report
from evaluator.scorecard import Scorecard
from evaluator.scoring import ModelScores, score_submission
from evaluator.submission import check_submission

EVALUATION_DIR = "evaluation"
Status = Callable[[str], None]


@dataclass(frozen=True)
class Evaluation:
    """A finished evaluation: its scorecard, where its files are, and its MLflow run."""

    scorecard: Scorecard
    folder: Path | None
    run: tracking.TrackedRun | None


@dataclass(frozen=True)
class Instance:
    """A project's case instance, with its verified answer key."""

    project: Path
    bundle: BundleMetadata
    spec: CaseSpec
    key: AnswerKey

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.bundle.labels)


def open_instance(project: Path, keys_dir: Path | None = None) -> Instance:
    """Read a project's metadata and load its answer key, refusing any mismatch."""
    bundle = BundleMetadata.read(project)
    try:
        spec = cases.get(bundle.case).for_source(bundle.source)
    except KeyError as error:
        raise UsageError(f"{project}: {error}") from error
    return Instance(project, bundle, spec, load_key(keys_root(keys_dir), bundle))


def evaluate_project(
    project: Path,
    *,
    submission: Path | None = None,
    keys_dir: Path | None = None,
    candidate: str | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    track: bool = True,
    status: Status | None = None,
) -> Evaluation:
    """Validate and score a project's submission, write its scorecard and report, log it."""
    say = status or (lambda message: None)
    instance = open_instance(project, keys_dir)
    submission = submission or project / DEFAULT_SUBMISSION
    say("validating the submission")
    checked = check_submission(submission, instance.spec, instance.labels, _test_ids(instance))
    if not checked.report.ok:
        raise InvalidSubmissionError(checked.report)

    baselines = ensure_baselines(instance.spec, instance.key, instance.labels, say)
    say(f"scoring with {resamples:,} bootstrap resamples")
    scores = baseline_scores(instance.spec, instance.key, instance.labels, baselines,
                             resamples=resamples, seed=DEFAULT_SEED)
    if track:
        log_baselines(instance, baselines, scores, resamples=resamples, status=say)
    card = score_submission(instance.spec, instance.bundle, instance.key, checked, scores,
                            candidate=candidate, resamples=resamples)
    folder = write_outputs(card, project / EVALUATION_DIR / _timestamp())
    run = None
    if track:
        say("logging to MLflow")
        run = tracking.log_evaluation(card, role="candidate", outputs=folder, submission=submission,
                                      test_set=instance.key.answers, test_source=instance.key.answers_path,
                                      target=instance.spec.target)
        atomic.write_text(folder / "mlflow_run.json", json.dumps(run.__dict__, indent=2) + "\n")
    return Evaluation(card, folder, run)


def log_baselines(
    instance: Instance,
    baselines: list[BaselinePredictions],
    scores: dict[str, ModelScores],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    include_logged: bool = False,
    status: Status | None = None,
) -> list[Evaluation]:
    """Score the baselines and log each one the tracking store has no run for yet.

    Existing baseline runs are kept, so repeated evaluations do not pile up duplicates.
    With ``include_logged`` the already-logged baselines are scored too (and returned with
    their existing run); otherwise they are skipped.
    """
    say = status or (lambda message: None)
    results = []
    for item in baselines:
        name = item.baseline.name
        existing = tracking.find_baseline_run(instance.bundle.case, instance.bundle.instance_id, name)
        if existing and not include_logged:
            continue
        say(f"scoring baseline {item.baseline.title}")
        others = {other: value for other, value in scores.items() if other != name}
        checked = check_submission(item.path, instance.spec, instance.labels, _test_ids(instance))
        card = score_submission(instance.spec, instance.bundle, instance.key, checked, others,
                                candidate=f"baseline {name}", resamples=resamples)
        if existing:
            results.append(Evaluation(card, None, existing))
            continue
        folder = write_outputs(card, instance.key.baselines_dir / "reports" / f"{name}-{_timestamp()}")
        say(f"logging baseline {item.baseline.title} to MLflow")
        run = tracking.log_evaluation(card, role="baseline", baseline=name, outputs=folder, submission=item.path,
                                      test_set=instance.key.answers, test_source=instance.key.answers_path,
                                      target=instance.spec.target)
        results.append(Evaluation(card, folder, run))
    return results


def write_outputs(card: Scorecard, destination: Path) -> Path:
    """Write scorecard.json, report.html and the figures into ``destination``, atomically."""
    task = tasks.get(card.task)
    figures = task.figures(card.details)
    html = render_report(card, task.report_tables(card.details) + slices.report_tables(card.details), figures)
    with atomic.staged_directory(destination) as staging:
        (staging / "scorecard.json").write_text(card.to_json(), encoding="utf-8")
        (staging / "report.html").write_text(html, encoding="utf-8")
        (staging / "plots").mkdir()
        for name, png in figures.items():
            (staging / "plots" / name).write_bytes(png)
    return destination


def _test_ids(instance: Instance):
    import pandas as pd

    return pd.Index(instance.key.answers[instance.spec.id_column])


def _timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
