"""What a task type declares so that ``casekit case new`` can make a case of it from one table.

A task type whose cases can be made from a table (one row per unit, the target one of its
columns) sets :attr:`casekit.tasks.base.Task.table_authoring` to a :class:`TableAuthoring`.
Authoring (:mod:`casekit.authoring`) asks it for the submission record, the metrics and the
primary one (with the reason the brief gives), the baseline starter's predict stage, and what
the brief shows of the submission; it never names a task type itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Generic, Protocol, TypeVar

from casekit.cases.spec import MetricSpec
from casekit.cases.submission_schemas import SubmissionSchema

SchemaT = TypeVar("SchemaT", bound=SubmissionSchema)


class TableTarget(Protocol):
    """A table's target as authoring profiles it: its classes ``(label, rows)`` from the most
    frequent and the positive one (a classification), or the statistics of its numbers (mean,
    std, min, p5, median, p95, max, skewness, distinct)."""

    @property
    def name(self) -> str: ...

    @property
    def classes(self) -> tuple[tuple[str, int], ...]: ...

    @property
    def positive_label(self) -> str | None: ...

    @property
    def stats(self) -> dict[str, float]: ...


class TableAuthoring(ABC, Generic[SchemaT]):
    """How a case of one task type is made from a table.

    ``classification`` says whether the target is a class (the baselines and the leak audit's
    one-column models are classifiers) or a number; ``metrics`` are the metrics an authored
    case reports; ``predict_template`` is the baseline starter's predict stage, a template in
    authoring's Jinja dialect (``[[ ... ]]``), filled with :meth:`predict_context`.
    """

    classification: ClassVar[bool]
    metrics: ClassVar[tuple[MetricSpec, ...]]
    predict_template: ClassVar[str]

    @abstractmethod
    def submission(self, id_column: str, target: TableTarget) -> SchemaT:
        """The submission record of a case predicting ``target`` for rows named by ``id_column``."""

    @abstractmethod
    def primary_metric(self, target: TableTarget) -> tuple[str, str]:
        """The name of the primary metric among :attr:`metrics` for ``target``, and why it fits."""

    @abstractmethod
    def predict_context(self, schema: SchemaT) -> dict[str, str]:
        """The values :attr:`predict_template` is filled with, as Python literals or plain text."""

    @abstractmethod
    def example(self, schema: SchemaT, target: TableTarget) -> tuple[str, list[str]]:
        """The prediction column of a two-row example submission, and two plausible values."""

    def other_metrics(self, others: list[MetricSpec]) -> str:
        """The brief's sentence part on the metrics beside the primary one."""
        return ", ".join(metric.title for metric in others)
