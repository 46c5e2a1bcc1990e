"""``casekit review --rerun``: run a candidate's pipeline again, in isolation, and compare.

1. Copy the project (the files a pack would hold) to a scratch folder, and give it the
   instance's input files from the key store (checked against their sha256; never the
   answers), so the re-run uses exactly the data that was issued.
2. Build or reuse the environment for its dependency spec (:mod:`evaluator.review.venvs`).
3. Run its contract tests (``make test``) and its pipeline (``make run``) as separate
   processes with a wall-clock and a memory limit (:mod:`evaluator.review.sandbox`), with a scratch
   ``HOME`` and ``TMPDIR``, its own MLflow store, and no casekit settings in its environment:
   the key store's location is nowhere it is handed.
4. Check the regenerated ``submission/predictions.csv`` (same ids, valid) and compare its
   primary metric with the submitted file's.

Candidate code never runs in the reviewer's process: only its output file is read here.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from evaluator.errors import InvalidSubmissionError
from evaluator.files.fingerprint import csv_bytes
from evaluator.instances.bundle import DEFAULT_SUBMISSION
from evaluator.instances.instance import Instance
from evaluator.review.final_score import EngineeringChecks
from evaluator.review.pack import project_files
from evaluator.review.sandbox import StepResult, run_limited
from evaluator.review.venvs import InstallError, ensure_environment, project_requirements
from evaluator.scoring.score import score_submission

Status = Literal["reproduced", "differs", "failed", "timed_out", "out_of_memory", "install_failed", "no_output"]
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class RerunOptions:
    time_limit: float = 1800.0
    memory_limit_mb: int = 4096
    install_time_limit: float = 1800.0
    run_time_box: float = 900.0
    reproduce_tolerance: float = 0.01


@dataclass(frozen=True)
class PredictionCheck:
    """The regenerated predictions against the submitted ones, on the primary metric."""

    problems: list[str]
    metric: str
    submitted: float
    regenerated: float | None
    tolerance: float

    @property
    def delta(self) -> float | None:
        return None if self.regenerated is None else self.regenerated - self.submitted

    @property
    def reproduces(self) -> bool:
        return not self.problems and self.delta is not None and abs(self.delta) <= self.tolerance


@dataclass(frozen=True)
class RerunResult:
    status: Status
    summary: str
    environment_seconds: float | None
    environment_cached: bool | None
    install: StepResult | None
    tests: StepResult | None
    pipeline: StepResult | None
    check: PredictionCheck | None

    def engineering(self, run_time_box: float) -> EngineeringChecks:
        ran = self.pipeline is not None
        return EngineeringChecks(
            contract_tests=self.tests.passed if self.tests else False,
            reproduces=bool(self.check and self.check.reproduces),
            within_time_box=ran and self.pipeline.passed and self.pipeline.seconds <= run_time_box,
        )

    @property
    def logs(self) -> list[Path]:
        return [step.log for step in (self.install, self.tests, self.pipeline) if step is not None]


def rerun_project(
    project: Path, instance: Instance, submitted_value: float, options: RerunOptions, logs: Path
) -> RerunResult:
    """Re-run the pipeline of ``project`` (a project folder or an unpacked pack); logs go to ``logs``."""
    scratch = Path(tempfile.mkdtemp(prefix="casekit-rerun-"))
    try:
        copy = scratch / "project"
        _copy_project(project, copy)
        _issue_data(instance, copy)
        (copy / DEFAULT_SUBMISSION).unlink(missing_ok=True)
        try:
            environment = ensure_environment(project_requirements(copy), install_time_limit=options.install_time_limit,
                                             case=instance.spec)
        except InstallError as error:
            install = _keep_log(error.step, logs) if error.step else None
            return RerunResult("install_failed", f"cannot be installed: {error}", None, None, install, None, None, None)

        env = _sandbox_environment(scratch, environment.python)
        make = ["make", "--no-print-directory"]
        python = f"PYTHON={environment.python}"
        limits = {"cwd": copy, "env": env, "time_limit": options.time_limit, "memory_limit_mb": options.memory_limit_mb}
        tests = run_limited("tests", [*make, "test", python], log=logs / "tests.log", **limits)
        pipeline = run_limited("pipeline", [*make, "run", python], log=logs / "pipeline.log", **limits)
        install = _keep_log(environment.install, logs) if environment.install else None
        parts = (environment.seconds, environment.cached, install, tests, pipeline)
        if pipeline.outcome == "timed_out":
            return RerunResult("timed_out", f"the pipeline exceeded its time limit of {options.time_limit:g} s "
                               "and was stopped", *parts, None)
        if pipeline.out_of_memory:
            return RerunResult("out_of_memory", f"the pipeline exceeded its memory limit of "
                               f"{options.memory_limit_mb:,} MB", *parts, None)
        if not pipeline.passed:
            return RerunResult("failed", f"the pipeline failed (exit code {pipeline.exit_code})", *parts, None)
        regenerated = copy / DEFAULT_SUBMISSION
        if not regenerated.is_file():
            return RerunResult("no_output", f"the pipeline finished but wrote no {DEFAULT_SUBMISSION}", *parts, None)
        check = compare_predictions(instance, regenerated, submitted_value, options.reproduce_tolerance)
        if check.reproduces:
            summary = f"reproduced: {check.metric} {check.regenerated:.4f} (submitted {check.submitted:.4f})"
            return RerunResult("reproduced", summary, *parts, check)
        if check.problems:
            summary = f"the regenerated predictions differ: {check.problems[0]}"
        else:
            summary = (f"the regenerated predictions score {check.metric} {check.regenerated:.4f}, "
                       f"{check.delta:+.4f} from the submitted {check.submitted:.4f} (tolerance {check.tolerance:g})")
        return RerunResult("differs", summary, *parts, check)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def compare_predictions(instance: Instance, regenerated: Path, submitted_value: float,
                        tolerance: float) -> PredictionCheck:
    """Check and score the regenerated file as any submission is, and compare its primary
    metric with the submitted file's."""
    metric = instance.task.primary.name
    try:
        card = score_submission(instance, regenerated, compare=False)
    except InvalidSubmissionError as error:
        problems = [problem.message for problem in error.report.problems]
        return PredictionCheck(problems, metric, submitted_value, None, tolerance)
    return PredictionCheck([], metric, submitted_value, card.primary.value, tolerance)


def _copy_project(project: Path, destination: Path) -> None:
    files, _links = project_files(project)
    for name in files:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project / name, target)


def _issue_data(instance: Instance, project: Path) -> None:
    """Write the instance's data files into the copy, as ``casekit new`` issued them.

    Input tables come from the key store's copy, each checked against the sha256 that the key
    record and the project's metadata hold; the sample submission is made again from them.
    """
    import pandas as pd

    tables = {}
    for name in instance.key.record.inputs_sha256:
        source = instance.input_path(name)
        target = project / "data" / f"{name}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        tables[name] = pd.read_csv(source, dtype=str, keep_default_na=False)
    sample = instance.task.sample_submission(tables, instance.labels)
    (project / "data" / "sample_submission.csv").write_bytes(csv_bytes(sample))


def _sandbox_environment(scratch: Path, python: Path) -> dict[str, str]:
    home, temporary = scratch / "home", scratch / "tmp"
    home.mkdir()
    temporary.mkdir()
    return {
        "PATH": f"{python.parent}:{SYSTEM_PATH}",
        "HOME": str(home),
        "TMPDIR": str(temporary),
        "LANG": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "GIT_PYTHON_REFRESH": "quiet",
        # The pipeline's own MLflow runs stay in the scratch copy, away from the reviewer's store.
        "MLFLOW_TRACKING_URI": f"sqlite:///{scratch / 'project' / 'mlflow.db'}",
    }


def _keep_log(step: StepResult, logs: Path) -> StepResult:
    """``step`` with its log copied into ``logs`` (the install log lives beside the venvs)."""
    logs.mkdir(parents=True, exist_ok=True)
    kept = logs / f"{step.name}.log"
    shutil.copyfile(step.log, kept)
    return replace(step, log=kept)
