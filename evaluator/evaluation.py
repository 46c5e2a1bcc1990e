"""The evaluate, baselines and sync workflows: from a project folder to files and MLflow runs.

Order matters for not losing results: an evaluation's folder (scorecard, report, plots and a
copy of the submission) is written locally first, atomically, and only then logged to MLflow.
Its ``tracking.json`` says whether it was logged; when the tracking store could not be
reached it says ``pending``, and ``casekit sync`` logs it later.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock

import cases
import evaluator
from cases.spec import CaseSpec
from evaluator import tasks
from evaluator.files import atomic
from evaluator.scoring import slices
from evaluator.outputs import tracking
from evaluator.scoring.baselines import BaselinePredictions, baseline_scores, ensure_baselines
from evaluator.scoring.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from evaluator.instances.bundle import DEFAULT_SUBMISSION, METADATA_FILE, BundleMetadata
from evaluator.errors import IntegrityError, InvalidSubmissionError, UsageError
from evaluator.files.fingerprint import sha256_file
from evaluator.instances.keystore import KEY_FILE, AnswerKey, KeyRecord, keys_root, load_key, refuse_key_store_file
from evaluator.outputs.report import render_report
from evaluator.scoring.scorecard import Scorecard
from evaluator.scoring.score import ModelScores, score_submission
from evaluator.tasks.submission import DECISION_FILE, check_submission

EVALUATION_DIR = "evaluation"
TRACKING_FILE = tracking.STATUS_FILE
SUBMISSION_COPY_DIR = "submission"
Status = Callable[[str], None]


@dataclass(frozen=True)
class Evaluation:
    """A finished evaluation: its scorecard, where its files are, and its MLflow run.

    ``tracking_error`` is set when the run could not be logged (the files are kept, pending).
    """

    scorecard: Scorecard
    folder: Path | None
    run: tracking.TrackedRun | None
    tracking_error: str | None = None


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
    bundle_sha256 = sha256_file(project / METADATA_FILE)
    return Instance(project, bundle, spec, load_key(keys_root(keys_dir), bundle, bundle_sha256))


def open_issued_instance(instance_id: str, keys_dir: Path | None = None) -> Instance:
    """An instance known only by its id, from its key record (for bare submission files).

    The metadata is rebuilt from the key record; the seed stays withheld, as in a reviewer's
    project, and ``project`` is the key's folder.
    """
    root = keys_root(keys_dir)
    record_path = root / instance_id / KEY_FILE
    if not re.fullmatch(r"[\w.-]+", instance_id) or set(instance_id) == {"."} or not record_path.is_file():
        raise UsageError(f"no answer key for instance {instance_id!r} in {root}; pass --keys-dir (or set "
                         f"CASEKIT_KEYS_DIR) to the folder the reviewer used with 'casekit new --keys-dir'")
    try:
        record = KeyRecord(**json.loads(record_path.read_text(encoding="utf-8")))
        spec = cases.get(record.case).for_source(record.source)
    except (TypeError, ValueError) as error:
        raise IntegrityError(f"{record_path}: unreadable key record ({error})") from error
    except KeyError as error:
        raise UsageError(f"{record_path}: {error}") from error
    bundle = BundleMetadata(
        case=record.case, title=spec.title, task=spec.task, instance_id=record.instance_id, source=record.source,
        seed=None, labels=list(record.labels), id_column=spec.id_column, target=spec.target,
        primary_metric=spec.primary_metric, key_sha256=record.answers_sha256, files={},
        casekit_version=evaluator.__version__,
    )
    # A bare file comes without a casekit.json, so there is no issued metadata to check it
    # against: the record's own fingerprint of what it issued stands in for it.
    return Instance(root / instance_id, bundle, spec, load_key(root, bundle, next(iter(record.bundles), "")))


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
    submission = refuse_key_store_file(submission or project / DEFAULT_SUBMISSION, keys_root(keys_dir))
    say("validating the submission")
    checked = check_submission(submission, instance.spec, instance.labels, _test_ids(instance))
    if not checked.report.ok:
        raise InvalidSubmissionError(checked.report)

    baselines = ensure_baselines(instance.spec, instance.key, instance.labels, say)
    say(f"scoring with {resamples:,} bootstrap resamples")
    scores = baseline_scores(instance.spec, instance.key, instance.labels, baselines,
                             resamples=resamples, seed=DEFAULT_SEED)
    card = score_submission(instance.spec, instance.bundle, instance.key, checked, scores,
                            candidate=candidate, resamples=resamples)
    evaluations = project / EVALUATION_DIR
    atomic.remove_abandoned(evaluations)
    folder = write_outputs(card, evaluations / _timestamp(), submission)
    if not track:
        return Evaluation(card, folder, None)
    return _track(instance, baselines, scores, card, folder, resamples, say)


def sync_project(project: Path, *, keys_dir: Path | None = None, status: Status | None = None) -> list[Evaluation]:
    """Log the project's evaluations that are still pending, and any missing baseline runs."""
    say = status or (lambda message: None)
    instance = open_instance(project, keys_dir)
    pending = pending_evaluations(project)
    baselines = ensure_baselines(instance.spec, instance.key, instance.labels, say)
    results = []
    for folder in pending:
        card = Scorecard.from_json((folder / "scorecard.json").read_text(encoding="utf-8"))
        scores = baseline_scores(instance.spec, instance.key, instance.labels, baselines,
                                 resamples=int(card.bootstrap["resamples"]), seed=int(card.bootstrap["seed"]))
        results.append(_track(instance, baselines, scores, card, folder, int(card.bootstrap["resamples"]), say))
    return results


def pending_evaluations(project: Path) -> list[Path]:
    """The project's evaluation folders that wait for ``casekit sync``."""
    return [folder for folder in sorted((project / EVALUATION_DIR).glob("*/")) if _tracking_status(folder) == "pending"]


def _track(
    instance: Instance,
    baselines: list[BaselinePredictions],
    scores: dict[str, ModelScores],
    card: Scorecard,
    folder: Path,
    resamples: int,
    say: Status,
) -> Evaluation:
    """Log the baselines (once) and the evaluation; on an unreachable store, mark it pending."""
    try:
        log_baselines(instance, baselines, scores, resamples=resamples, status=say)
        say("logging to MLflow")
        run = tracking.log_evaluation(card, role="candidate", outputs=folder, test_set=instance.key.answers,
                                      test_source=instance.key.answers_path, target=instance.spec.target)
    except tracking.TrackingUnavailableError as error:
        atomic.write_text(folder / TRACKING_FILE, json.dumps(
            {"status": "pending", "tracking_uri": tracking.tracking_uri(), "error": str(error)}, indent=2) + "\n")
        return Evaluation(card, folder, None, tracking_error=str(error))
    atomic.write_text(folder / TRACKING_FILE, json.dumps({"status": "logged", **asdict(run)}, indent=2) + "\n")
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

    Existing baseline runs are kept, so repeated evaluations do not pile up duplicates; the
    instance's lock makes the look-up and the logging one step for parallel evaluations.
    With ``include_logged`` the already-logged baselines are scored too (and returned with
    their existing run); otherwise they are skipped.
    """
    say = status or (lambda message: None)
    results = []
    with FileLock(str(instance.key.baselines_dir / ".tracking.lock")):
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
            folder = write_outputs(card, instance.key.baselines_dir / "reports" / f"{name}-{_timestamp()}", item.path)
            say(f"logging baseline {item.baseline.title} to MLflow")
            run = tracking.log_evaluation(card, role="baseline", baseline=name, outputs=folder,
                                          test_set=instance.key.answers, test_source=instance.key.answers_path,
                                          target=instance.spec.target)
            results.append(Evaluation(card, folder, run))
    return results


def write_outputs(
    card: Scorecard, destination: Path, submission: Path, *, review: dict | None = None,
    extra_files: dict[str, bytes] | None = None,
) -> Path:
    """Write scorecard.json, report.html, the figures and a copy of the submission (with the
    decision declared beside it, if any) into ``destination``, atomically: the folder appears
    complete or not at all.

    ``review`` adds the review's section to the report (see :mod:`evaluator.review.batch`), and
    ``extra_files`` (relative path to bytes) are written into the same folder.
    """
    task = tasks.get(card.task)
    figures = task.figures(card.details)
    tables = task.report_tables(card.details) + slices.report_tables(card.details)
    html = render_report(card, tables, figures, review=review)
    with atomic.staged_directory(destination) as staging:
        (staging / "scorecard.json").write_text(card.to_json(), encoding="utf-8")
        (staging / "report.html").write_text(html, encoding="utf-8")
        (staging / "plots").mkdir()
        for name, png in figures.items():
            (staging / "plots" / name).write_bytes(png)
        (staging / SUBMISSION_COPY_DIR).mkdir()
        shutil.copyfile(submission, staging / SUBMISSION_COPY_DIR / submission.name)
        decision = submission.parent / DECISION_FILE
        if "decision" in card.submission and decision.is_file():
            shutil.copyfile(decision, staging / SUBMISSION_COPY_DIR / DECISION_FILE)
        for name, payload in (extra_files or {}).items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(payload)
    return destination


def _tracking_status(folder: Path) -> str | None:
    path = folder / TRACKING_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("status")


def _test_ids(instance: Instance):
    import pandas as pd

    # Unique: a ranking key has one row per (user, relevant item).
    return pd.Index(instance.key.answers[instance.spec.id_column].unique())


def _timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
