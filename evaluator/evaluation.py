"""The evaluate, baselines and sync workflows: from a project folder to files and MLflow runs.

Order matters for not losing results: an evaluation's folder (scorecard, report, plots and a
copy of the submission) is written locally first, atomically, and only then recorded in MLflow
(:mod:`casekit.outputs.recording`, which reviews share). Its ``tracking.json`` says whether it
was logged; when the tracking store could not take it, it says ``pending``, and ``casekit
sync`` logs it later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock

from casekit.files import atomic
from casekit.instances.bundle import DEFAULT_SUBMISSION
from casekit.instances.instance import Instance, open_instance
from casekit.instances.keystore import keys_root, refuse_key_store_file
from casekit.metrics.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from casekit.outputs import recording, tracking
from casekit.outputs.evaluation_folder import write_evaluation_folder
from casekit.scoring.baselines import ensure_baselines
from casekit.scoring.score import score_submission
from casekit.scoring.scorecard import Scorecard

EVALUATION_DIR = "evaluation"
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
    if candidate is None and instance.bundle.candidate is None:
        candidate = project.resolve().name  # the run's name: the project's, not 'unnamed'
    say("validating the submission")
    card = score_submission(instance, submission, candidate=candidate, resamples=resamples, status=say)
    evaluations = project / EVALUATION_DIR
    atomic.remove_abandoned(evaluations)
    folder = write_evaluation_folder(card, evaluations / timestamp(), submission)
    if not track:
        return Evaluation(card, folder, None)
    return _track(instance, card, folder, say)


def sync_project(project: Path, *, keys_dir: Path | None = None, status: Status | None = None) -> list[Evaluation]:
    """Log the project's evaluations that are still pending, and any missing baseline runs."""
    say = status or (lambda message: None)
    instance = open_instance(project, keys_dir)
    results = []
    for folder in pending_evaluations(project):
        card = Scorecard.from_json((folder / recording.SCORECARD_FILE).read_text(encoding="utf-8"))
        results.append(_track(instance, card, folder, say))
    return results


def pending_evaluations(project: Path) -> list[Path]:
    """The project's evaluation folders that wait for ``casekit sync``."""
    return recording.pending_folders(sorted((project / EVALUATION_DIR).glob("*/")))


def evaluation_recipe(card: Scorecard) -> recording.RunRecipe:
    """A candidate evaluation's run: one per submission, decision, instance, resamples, casekit
    version and candidate."""
    key = recording.content_key({
        "kind": "evaluation", "submission": card.submission.sha256, "decision": card.submission.decision,
        "instance": card.instance_id, "resamples": card.bootstrap.resamples, "casekit": card.casekit_version,
        "candidate": card.candidate})
    return recording.RunRecipe(role="candidate", content_key=key)


def _track(instance: Instance, card: Scorecard, folder: Path, say: Status) -> Evaluation:
    """Log the baselines (once) and the evaluation; on a store that cannot take them, mark it pending."""
    recipe = evaluation_recipe(card)
    try:
        log_baselines(instance, resamples=card.bootstrap.resamples, status=say)
    except tracking.TrackingUnavailableError as error:
        result = recording.mark_pending(folder, recipe, str(error))
    else:
        say("logging to MLflow")
        result = recording.record(folder, card, recipe, instance)
    return Evaluation(card, folder, result.run, tracking_error=result.error)


def log_baselines(
    instance: Instance,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    include_logged: bool = False,
    status: Status | None = None,
) -> list[Evaluation]:
    """Score the baselines and log each one the tracking store has no run for yet.

    Each baseline is scored as a submission, through the same path as a candidate's, and
    compared with the other baselines. Existing baseline runs are kept, so repeated
    evaluations do not pile up duplicates; the instance's lock makes the look-up and the
    logging one step for parallel evaluations. With ``include_logged`` the already-logged
    baselines are scored too (and returned with their existing run); otherwise they are
    skipped.
    """
    say = status or (lambda message: None)
    results = []
    predictions = ensure_baselines(instance, say)
    with FileLock(str(instance.key.baselines_dir / ".tracking.lock")):
        logged = tracking.find_baseline_runs(instance.bundle.case, instance.bundle.instance_id)
        for item in predictions:
            name = item.baseline.name
            existing = logged.get(name)
            if existing and not include_logged:
                continue
            say(f"scoring baseline {item.baseline.title}")
            card = score_submission(instance, item.path, candidate=f"baseline {name}", exclude_baseline=name,
                                    resamples=resamples, seed=DEFAULT_SEED)
            if existing:
                results.append(Evaluation(card, None, existing))
                continue
            folder = write_evaluation_folder(card, instance.key.baselines_dir / "reports" / f"{name}-{timestamp()}",
                                             item.path)
            say(f"logging baseline {item.baseline.title} to MLflow")
            key = recording.content_key({"kind": "baseline", "baseline": name, "predictions": card.submission.sha256,
                                         "instance": card.instance_id, "resamples": resamples,
                                         "casekit": card.casekit_version})
            run = tracking.log_evaluation(card, role="baseline", baseline=name, outputs=folder,
                                          test_set=instance.key.answers, test_source=instance.key.answers_path,
                                          target=instance.spec.target, content_key=key)
            results.append(Evaluation(card, folder, run))
    return results


def timestamp() -> str:
    """A sortable UTC timestamp to the microsecond: the name of an evaluation's folder."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
