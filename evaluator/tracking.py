"""Log evaluations to MLflow: one run per evaluation, in one experiment per case instance.

The tracking store is MLflow's own choice: ``MLFLOW_TRACKING_URI`` when set, else MLflow's
default (a sqlite ``mlflow.db`` in the working directory). Candidate and baseline runs of an
instance share the experiment ``casekit/<case>/<instance-id>``, so the MLflow UI shows them
side by side; the ``casekit.role`` tag tells them apart.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluator import slices
from evaluator.scorecard import Scorecard
from evaluator.submission import DECISION_FILE

ROLE_TAG = "casekit.role"
BASELINE_TAG = "casekit.baseline"
CANDIDATE_TAG = "casekit.candidate"


@dataclass(frozen=True)
class TrackedRun:
    """Where a run landed."""

    tracking_uri: str
    experiment_name: str
    experiment_id: str
    run_id: str


def experiment_name(case: str, instance_id: str) -> str:
    return f"casekit/{case}/{instance_id}"


def tracking_uri() -> str:
    import mlflow

    return mlflow.get_tracking_uri()


def log_evaluation(
    card: Scorecard,
    *,
    role: str,
    outputs: Path,
    submission: Path,
    test_set: pd.DataFrame,
    test_source: Path,
    target: str,
    baseline: str | None = None,
) -> TrackedRun:
    """Log a scorecard as one MLflow run.

    Parameters
    ----------
    role : {"candidate", "baseline"}
    outputs : Path
        The folder holding scorecard.json, report.html and plots; logged as artifacts.
    submission : Path
        The scored file, logged under ``submission/``.
    test_set : DataFrame
        The test set the run was scored on, logged as the run's dataset input (MLflow keeps
        its digest, schema and profile, not its rows).
    test_source : Path
        Where that test set is stored (the answer key file).
    """
    import mlflow

    _quiet_mlflow()
    name = experiment_name(card.case, card.instance_id)
    experiment = mlflow.set_experiment(name)
    tags = {
        ROLE_TAG: role,
        "casekit.case": card.case,
        "casekit.instance": card.instance_id,
        "casekit.source": card.source,
    }
    if baseline:
        tags[BASELINE_TAG] = baseline
    if card.candidate:
        tags[CANDIDATE_TAG] = card.candidate
    tags.update({f"casekit.verdict.{c.baseline}": c.verdict for c in card.comparisons})
    run_name = f"baseline:{baseline}" if baseline else f"candidate:{card.candidate or 'unnamed'}"

    with mlflow.start_run(experiment_id=experiment.experiment_id, run_name=run_name, tags=tags) as run:
        mlflow.log_params({
            "case": card.case,
            "instance_id": card.instance_id,
            "source": card.source,
            "seed": "withheld" if card.seed is None else card.seed,
            "candidate": card.candidate or "",
            "submission_sha256": card.submission["sha256"],
            "bootstrap_resamples": card.bootstrap["resamples"],
            "casekit_version": card.casekit_version,
        })
        mlflow.log_params({f"decision_{name}": value for name, value in card.submission.get("decision", {}).items()})
        mlflow.log_metrics(_metrics(card))
        with warnings.catch_warnings():
            # MLflow registers its local-file source class twice and warns about the tie.
            warnings.filterwarnings("ignore", message="The specified dataset source can be interpreted")
            dataset = mlflow.data.from_pandas(
                test_set, source=test_source.as_uri(), name=f"{card.case}-test", targets=target
            )
        mlflow.log_input(dataset, context="test")
        mlflow.log_artifacts(str(outputs))
        mlflow.log_artifact(str(submission), artifact_path="submission")
        if "decision" in card.submission:
            mlflow.log_artifact(str(submission.parent / DECISION_FILE), artifact_path="submission")
    return TrackedRun(mlflow.get_tracking_uri(), name, experiment.experiment_id, run.info.run_id)


def find_baseline_run(case: str, instance_id: str, baseline: str) -> TrackedRun | None:
    """The existing run of ``baseline`` for this instance, if the store has one."""
    import mlflow

    name = experiment_name(case, instance_id)
    experiment = mlflow.get_experiment_by_name(name)
    if experiment is None:
        return None
    runs = mlflow.search_runs(
        experiment_ids=[experiment.experiment_id],
        filter_string=f"tags.`{ROLE_TAG}` = 'baseline' and tags.`{BASELINE_TAG}` = '{baseline}'",
        max_results=1,
        output_format="list",
    )
    if not runs:
        return None
    return TrackedRun(mlflow.get_tracking_uri(), name, experiment.experiment_id, runs[0].info.run_id)


def _quiet_mlflow() -> None:
    """Keep MLflow's and its migrations' INFO lines out of casekit's output."""
    for logger in ("mlflow", "alembic"):
        logging.getLogger(logger).setLevel(logging.WARNING)


def _metrics(card: Scorecard) -> dict[str, float]:
    values: dict[str, float] = {}
    for metric in card.metrics:
        values[metric.name] = metric.value
        if metric.ci_low is not None:
            values[f"{metric.name}_ci_low"] = metric.ci_low
            values[f"{metric.name}_ci_high"] = metric.ci_high
    for comparison in card.comparisons:
        stem = f"delta_{comparison.metric}_vs_{comparison.baseline}"
        values[stem] = comparison.delta
        values[f"{stem}_ci_low"] = comparison.delta_low
        values[f"{stem}_ci_high"] = comparison.delta_high
    values.update(slices.tracked_metrics(card.details))
    return {name: float(value) for name, value in values.items() if value is not None and math.isfinite(value)}
