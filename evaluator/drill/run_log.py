"""Log a finished drill as an MLflow run: a self-score per decision and the seconds per question.

The run goes to the tracking store evaluations use (``MLFLOW_TRACKING_URI``, else MLflow's
default), in the experiment ``casekit/<case>/drill``, tagged ``casekit.role = drill``, with the
transcript's two files as artifacts. It is written the way evaluations are written: with the
store's lock held, "database is locked" retried, and MLflow's chatter kept quiet.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

from casekit.drill.transcript import JSON_FILE, MARKDOWN_FILE, Transcript
from casekit.outputs import tracking

DRILL_ROLE = "drill"


def drill_experiment(case: str) -> str:
    return f"casekit/{case}/drill"


def log_drill(transcript: Transcript, folder: Path, candidate: str | None = None) -> tracking.TrackedRun:
    """Log ``transcript`` (written in ``folder``) as one run.

    Raises
    ------
    TrackingUnavailableError
        When a tracking server does not answer.
    """
    tracking._quiet_mlflow()
    tracking.ensure_reachable()
    with tracking.exclusive_store():
        return tracking.retry_when_locked(lambda: _log(transcript, folder, candidate))


def drill_metrics(transcript: Transcript) -> dict[str, float]:
    """``score/<decision>`` per scored decision, ``seconds/<decision>/q<n>`` per question, and totals."""
    metrics: dict[str, float] = {f"score/{key}": float(score) for key, score in transcript.scores.items()}
    for answer in transcript.answers:
        metrics[f"seconds/{answer.decision}/q{answer.level + 1}"] = answer.seconds
    metrics["score_total"] = float(sum(transcript.scores.values()))
    metrics["decisions_scored"] = float(len(transcript.scores))
    metrics["questions_answered"] = float(len(transcript.answers))
    metrics["elapsed_seconds"] = transcript.elapsed_seconds
    return metrics


def _log(transcript: Transcript, folder: Path, candidate: str | None) -> tracking.TrackedRun:
    import mlflow

    name = drill_experiment(transcript.case)
    experiment = tracking._experiment(name)
    tags = {tracking.ROLE_TAG: DRILL_ROLE, "casekit.case": transcript.case}
    if candidate:
        tags[tracking.CANDIDATE_TAG] = candidate
    run = mlflow.start_run(experiment_id=experiment.experiment_id, run_name=f"drill:{folder.name}", tags=tags)
    try:
        mlflow.log_params({"case": transcript.case, "minutes": transcript.minutes,
                           "decisions": len(transcript.decisions), "project": transcript.project or ""})
        mlflow.log_metrics(drill_metrics(transcript))
        for file in (MARKDOWN_FILE, JSON_FILE):
            mlflow.log_artifact(str(folder / file))
    except BaseException:
        mlflow.end_run(status="FAILED")
        mlflow.MlflowClient().delete_run(run.info.run_id)
        raise
    with redirect_stdout(io.StringIO()):
        mlflow.end_run()
    return tracking.TrackedRun(mlflow.get_tracking_uri(), name, experiment.experiment_id, run.info.run_id)
