"""The case contract: what a case declares so that the generic evaluator can drive it.

A case is data plus a scoring contract. Everything here is a plain frozen dataclass so that
``casekit list`` and ``casekit --help`` can read every case without importing pandas, sklearn
or LightGBM: the heavy parts (source loaders, ``prepare``, baseline builders) are referenced
by import path (``"package.module:attribute"``, as entry points are) and resolved on use.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

    from cases.prepared import PreparedData

TaskType = Literal["multiclass", "binary", "ranking"]
Direction = Literal["higher", "lower"]
BaselineTier = Literal["trivial", "classical", "strong"]


def resolve(reference: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute."""
    module_name, _, attribute = reference.partition(":")
    if not attribute:
        raise ValueError(f"expected 'module:attribute', got {reference!r}")
    return getattr(importlib.import_module(module_name), attribute)


@dataclass(frozen=True)
class MetricSpec:
    """One metric of a case's scoring contract.

    ``name`` is the key used in scorecards and MLflow; ``params`` are passed to the metric
    (for instance ``{"k": 10}``); ``interval`` says whether the scorecard gives it a
    bootstrap confidence interval (headline metrics do, diagnostics may not).
    """

    name: str
    title: str
    direction: Direction
    params: dict[str, Any] = field(default_factory=dict)
    requires_probabilities: bool = False
    interval: bool = True

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"


@dataclass(frozen=True)
class SubmissionSchema:
    """The columns of a submission file.

    Classification cases name an id column and a label column; they may also accept one
    probability column per class, named ``probability_prefix + label``, all or none. Ranking
    cases name the user as the id column, the recommended item as the label column, and its
    position in the user's list as the ``rank_column``.
    """

    id_column: str
    label_column: str | None = None
    probability_prefix: str | None = None
    probabilities_required: bool = False
    rank_column: str | None = None
    positive_label: str | None = None
    """Binary cases: the class whose probability the submission gives, in ``probability_prefix + positive_label``."""

    def probability_columns(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        if self.probability_prefix is None:
            return ()
        return tuple(f"{self.probability_prefix}{label}" for label in labels)


@dataclass(frozen=True)
class SliceSpec:
    """A column of the test inputs to break the primary metric down by, each part with an interval.

    Every value with at least ``min_rows`` test rows is a slice (the ``max_slices`` most
    frequent ones). With ``separator`` set, a cell holds several values (``"taxes,economy"``)
    and its row belongs to the slice of each.
    """

    column: str
    title: str
    min_rows: int = 30
    max_slices: int = 20
    separator: str | None = None


@dataclass(frozen=True)
class RemoteFile:
    """A file published at an official URL, pinned by sha256.

    ``name`` is the file's name in the cache and in a local mirror. When ``archive_member``
    is set, the file is that member of the archive at ``url`` (whose own sha256 is
    ``archive_sha256``); the member's bytes are still checked against ``sha256``.
    """

    name: str
    url: str
    sha256: str
    archive_member: str | None = None
    archive_sha256: str | None = None


@dataclass(frozen=True)
class DataSource:
    """Where a case's data comes from: a seeded synthetic generator or a public dataset.

    ``load`` points to ``f(seed: int) -> dict[str, DataFrame]`` (real sources ignore the
    seed). ``dataset`` names the folder under the cache and under a mirror.
    """

    name: str
    description: str
    load: str
    synthetic: bool
    dataset: str | None = None
    files: tuple[RemoteFile, ...] = ()
    licence: str = ""
    citation: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    """Case fields this source changes, e.g. a six-way variant's task, metrics, submission."""

    def load_tables(self, seed: int) -> dict[str, pd.DataFrame]:
        return resolve(self.load)(seed)


@dataclass(frozen=True)
class Baseline:
    """A reference model the candidate is compared with.

    ``build`` points to a zero-argument function that returns an unfitted estimator of the
    kind the task expects (a scikit-learn classifier; for ranking, a recommender with
    ``fit(inputs)`` and ``recommend(users, k)``). ``tier`` places it on the ladder
    trivial < classical < strong.
    """

    name: str
    title: str
    tier: BaselineTier
    description: str
    build: str

    def estimator(self) -> Any:
        return resolve(self.build)()


@dataclass(frozen=True)
class CaseSpec:
    """Everything the evaluator needs to know about one case.

    ``prepare`` points to ``f(tables, seed) -> PreparedData``; the prepared inputs become
    the candidate's ``data/`` files and the answers go to the key store. ``slices`` name the
    test-input columns the scorecard breaks the primary metric down by.
    """

    slug: str
    title: str
    summary: str
    task: TaskType
    id_column: str
    target: str
    submission: SubmissionSchema
    metrics: tuple[MetricSpec, ...]
    primary_metric: str
    sources: tuple[DataSource, ...]
    prepare_ref: str
    baselines: tuple[Baseline, ...]
    folder: Path
    time_box_hours: float = 4.0
    slices: tuple[SliceSpec, ...] = ()

    def __post_init__(self) -> None:
        names = [metric.name for metric in self.metrics]
        if self.primary_metric not in names:
            raise ValueError(f"case {self.slug!r}: primary metric {self.primary_metric!r} is not one of {names}")
        if not self.metric(self.primary_metric).interval:
            raise ValueError(f"case {self.slug!r}: the primary metric needs an interval (baselines are compared on it)")
        if len(set(names)) != len(names):
            raise ValueError(f"case {self.slug!r}: duplicate metric names in {names}")
        if not self.sources:
            raise ValueError(f"case {self.slug!r}: declares no data source")
        tiers = {baseline.tier for baseline in self.baselines}
        if tiers != {"trivial", "classical", "strong"}:
            raise ValueError(f"case {self.slug!r}: needs a trivial, a classical and a strong baseline")

    @property
    def default_source(self) -> DataSource:
        return self.sources[0]

    @property
    def primary(self) -> MetricSpec:
        return self.metric(self.primary_metric)

    @property
    def brief_path(self) -> Path:
        return self.folder / "brief.md"

    @property
    def starter_dir(self) -> Path:
        return self.folder / "starter"

    @property
    def rubric_path(self) -> Path:
        """The reviewers' rubric for the written design (read by ``casekit review``)."""
        return self.folder / "rubric.toml"

    def metric(self, name: str) -> MetricSpec:
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise KeyError(f"case {self.slug!r} has no metric {name!r}")

    def for_source(self, name: str | None) -> CaseSpec:
        """The spec as it applies to one source (a source may change the task or metrics)."""
        source = self.source(name)
        if not source.overrides:
            return self
        return replace(self, **source.overrides)

    def source(self, name: str | None) -> DataSource:
        if name is None:
            return self.default_source
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(source.name for source in self.sources)
        raise KeyError(f"case {self.slug!r} has no source {name!r} (known: {known})")

    def baseline(self, name: str) -> Baseline:
        for baseline in self.baselines:
            if baseline.name == name:
                return baseline
        raise KeyError(f"case {self.slug!r} has no baseline {name!r}")

    def prepare(self, tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
        return resolve(self.prepare_ref)(tables, seed)
