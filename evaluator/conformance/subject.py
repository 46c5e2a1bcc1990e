"""The case under test: one case on one source, issued into a scratch folder as the checks need it.

Everything is made on first use and kept: the prepared splits by seed, the projects by starter
(issued at the source's ``conformance_scale``, with their own key store), the instance, and
the results of running a project's ``make`` targets, so checks that share them pay once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from casekit import cases, tasks
from casekit.cases.prepared import PreparedData
from casekit.cases.spec import CaseSpec, DataSource
from casekit.files.fingerprint import csv_bytes
from casekit.instances.instance import Instance, open_instance
from casekit.instances.issue import Starter, new_project
from casekit.tasks.base import Task

SEED = 5
OTHER_SEED = 6
MAKE_TIME_LIMIT_SECONDS = 900


@dataclass(frozen=True)
class MakeResult:
    """How a ``make`` target of a project ended, with what it printed."""

    target: str
    exit_code: int
    output: str


@dataclass
class CaseUnderTest:
    """Case ``slug`` on ``source``, checked in ``workdir`` (which must be empty or new).

    The projects' answer key goes to ``key_store``, else to ``workdir/keys``. Checks of the same
    case and source issue the same instance (same seed and scale): given one key store, they
    share its key and its baselines, trained once. The projects' runs and the checks' evaluation
    are logged to the MLflow store ``tracking_store`` (a URI), else to a sqlite file in ``workdir``.
    """

    slug: str
    source: str
    workdir: Path
    key_store: Path | None = None
    tracking_store: str | None = None
    _prepared: dict[int, PreparedData] = field(default_factory=dict, repr=False)
    _projects: dict[str, Path] = field(default_factory=dict, repr=False)
    _made: dict[tuple[str, str], MakeResult] = field(default_factory=dict, repr=False)

    def __str__(self) -> str:
        return f"{self.slug} ({self.source})"

    @cached_property
    def task(self) -> Task:
        """The case, loaded and checked against its task type."""
        return tasks.load_case(self.slug, self.source)

    @property
    def spec(self) -> CaseSpec:
        return self.task.spec

    @property
    def case(self) -> CaseSpec:
        """The case as registered (all its sources)."""
        return cases.get(self.slug)

    @property
    def data_source(self) -> DataSource:
        return self.case.source(self.source)

    @property
    def scale(self) -> float:
        return self.data_source.conformance_scale

    @property
    def keys_dir(self) -> Path:
        return self.key_store or self.workdir / "keys"

    def prepared(self, seed: int = SEED) -> PreparedData:
        """The case's split for ``seed``, from a fresh load of the source."""
        if seed not in self._prepared:
            self._prepared[seed] = self.spec.prepare(self.data_source.load_tables(seed, self.scale), seed)
        return self._prepared[seed]

    def prepared_bytes(self, seed: int = SEED) -> dict[str, bytes]:
        """Every table of the split for ``seed`` as casekit writes it, and its labels."""
        prepared = self.prepared(seed)
        files = {f"inputs/{name}.csv": csv_bytes(frame) for name, frame in prepared.inputs.items()}
        files["answers.csv"] = csv_bytes(prepared.answers)
        files["labels"] = "\n".join(prepared.labels).encode("utf-8")
        return files

    def project(self, starter: Starter) -> Path:
        """A project issued with ``starter`` (every starter gets the same instance)."""
        if starter not in self._projects:
            created = new_project(self.slug, output=self.workdir / f"project-{starter}", seed=SEED,
                                  source=self.source, scale=self.scale, starter=starter, keys_dir=self.keys_dir,
                                  candidate="conformance")
            self._projects[starter] = created.path
        return self._projects[starter]

    def issued(self, starter: Starter) -> bool:
        """Whether the project of ``starter`` has been issued yet (without issuing it)."""
        return starter in self._projects

    @cached_property
    def instance(self) -> Instance:
        return open_instance(self.project("baseline"), self.keys_dir)

    @property
    def tracking_uri(self) -> str:
        """The MLflow store of the checks (and of the projects' own runs)."""
        return self.tracking_store or f"sqlite:///{self.workdir / 'mlflow.db'}"

    @contextmanager
    def tracking(self) -> Iterator[None]:
        """Point MLflow at the checks' own store for the duration of the block."""
        import mlflow

        previous = os.environ.get("MLFLOW_TRACKING_URI")
        mlflow.set_tracking_uri(self.tracking_uri)
        try:
            yield
        finally:
            mlflow.set_tracking_uri(None)  # None: back to the default
            if previous is not None:
                os.environ["MLFLOW_TRACKING_URI"] = previous

    def make(self, starter: Starter, target: str) -> MakeResult:
        """Run ``make target`` in the project of ``starter``, with this Python, logging to :attr:`tracking_uri`."""
        key = (starter, target)
        if key not in self._made:
            project = self.project(starter)
            env = {**os.environ, "MLFLOW_TRACKING_URI": self.tracking_uri,
                   "CASEKIT_KEYS_DIR": str(self.keys_dir), "PYTHONDONTWRITEBYTECODE": "1"}
            try:
                completed = subprocess.run(
                    ["make", "--no-print-directory", target, f"PYTHON={sys.executable}"], cwd=project, env=env,
                    capture_output=True, text=True, timeout=MAKE_TIME_LIMIT_SECONDS,
                )
                result = MakeResult(target, completed.returncode, completed.stdout + completed.stderr)
            except subprocess.TimeoutExpired as error:
                output = (error.stdout or b"").decode(errors="replace") if isinstance(error.stdout, bytes) else ""
                result = MakeResult(target, -1, f"{output}\nmake {target}: no result after {MAKE_TIME_LIMIT_SECONDS} s")
            self._made[key] = result
        return self._made[key]

    def sample_submission(self) -> pd.DataFrame:
        """The issued project's sample submission, as text, with optional columns filled in."""
        project = self.project("baseline")
        sample = pd.read_csv(project / "data" / "sample_submission.csv", dtype=str, keep_default_na=False)
        _, optional = self.task.submission_columns(self.instance.labels)
        for column in optional:  # e.g. optional class probabilities: include them, uniform
            if column not in sample.columns:
                sample[column] = str(1 / len(optional))
        return sample
