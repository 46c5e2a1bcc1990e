"""A task type's metrics: each one typed definition, and the registry a case's metrics resolve against.

A :class:`MetricDefinition` is everything about one metric, in one place: which direction is
better, its point function, its resampled function (a function of a bootstrap weight matrix,
or none for a property of all the units together), whether it needs the submission's optional
output (class probabilities, item scores), and its parameters: a frozen pydantic dataclass whose
fields are typed, with their bounds, in the spirit of scikit-learn's ``make_scorer`` and
``validate_params``. Both functions take the task's *scoring* (the truth and the predictions,
with whatever the task's metrics share, e.g. a ranking's hit matrix) and the parameters.

A case names a registered metric and gives its parameters as values (``{"k": 10}``); binding
them (:meth:`MetricDefinition.bind`) checks them where the case is loaded, and a wrong name or
value fails with :class:`~casekit.cases.errors.CaseSpecError` naming the case, the metric, the
parameter and what exists. Adding a metric to a task type is one definition in its registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from typing import Any, Generic, Literal, TypeVar

import numpy as np
from pydantic import ConfigDict, ValidationError
from pydantic.dataclasses import dataclass as pydantic_dataclass

from casekit.cases.errors import CaseSpecError
from casekit.cases.spec import MetricSpec

Direction = Literal["higher", "lower", "closer to 1"]
"""Which values of a metric are better; a "closer to 1" metric (a length ratio) is never primary."""
Resampled = Callable[[np.ndarray], np.ndarray]
"""A metric on every resample: a ``(b, n_units)`` bootstrap weight matrix to ``b`` values."""

ScoringT = TypeVar("ScoringT")
ParamsT = TypeVar("ParamsT")

PARAMETERS = ConfigDict(strict=True)
"""The configuration of every parameters dataclass: values are taken as given, never coerced
(``"10"`` is not a list depth, ``True`` is not a number)."""


@pydantic_dataclass(frozen=True, config=PARAMETERS)
class NoParameters:
    """The parameters of a metric that takes none."""


@dataclass(frozen=True)
class MetricDefinition(Generic[ScoringT, ParamsT]):
    """One metric a task type can compute.

    ``point(scoring, params)`` gives its value on the whole test set; ``resampled(scoring,
    params)`` gives a function of a bootstrap weight matrix (see :data:`Resampled`), or is None
    for a metric without an interval (a property of all the units together, such as catalogue
    coverage). ``params`` is the frozen pydantic dataclass of its parameters.
    ``requires_probabilities`` marks a metric of the submission's optional output: a
    submission without it is scored on the other metrics.
    """

    name: str
    direction: Direction
    summary: str
    point: Callable[[ScoringT, ParamsT], float]
    resampled: Callable[[ScoringT, ParamsT], Resampled] | None
    params: type[ParamsT]
    requires_probabilities: bool = False

    @classmethod
    def mean_over_units(cls, name: str, direction: Direction, summary: str,
                        values: Callable[[ScoringT, ParamsT], np.ndarray], params: type[ParamsT],
                        requires_probabilities: bool = False) -> MetricDefinition[ScoringT, ParamsT]:
        """A metric that is the mean of per-unit ``values(scoring, params)`` over the units where
        it is defined (see :func:`mean_of_defined`)."""
        point, resampled = mean_of_defined(values)
        return cls(name, direction, summary, point, resampled, params, requires_probabilities)

    def bind(self, case: str, spec: MetricSpec) -> ParamsT:
        """The parameters ``spec`` gives, checked against their declaration.

        Raises :class:`CaseSpecError` naming the case, the metric and the parameter for a name
        the metric does not take, a required parameter left out, or a value of the wrong type
        or outside its bounds.
        """
        where = f"case {case!r}: metric {spec.name!r} ({self.name})"
        declared = {field.name: field for field in fields(self.params)}  # type: ignore[arg-type]
        for given in spec.params:
            if given not in declared:
                takes = ", ".join(declared) or "none"
                raise CaseSpecError(f"{where} takes no parameter {given!r}; the parameters it takes: {takes}")
        missing = [name for name, field in declared.items()
                   if name not in spec.params and field.default is MISSING and field.default_factory is MISSING]
        if missing:
            raise CaseSpecError(f"{where} needs parameter(s) {', '.join(missing)}")
        try:
            return self.params(**spec.params)
        except ValidationError as error:
            first = error.errors()[0]
            parameter = ".".join(str(part) for part in first["loc"])
            if first["type"] == "value_error":
                # A check of the parameters' own (a pattern that does not compile) says what is
                # wrong in its own words.
                message = str(first["ctx"]["error"])
            else:
                message = first["msg"][:1].lower() + first["msg"][1:]
            raise CaseSpecError(f"{where}: parameter {parameter!r}: {message}, got {first['input']!r}") from None


class MetricRegistry:
    """The metrics one task type can compute, by name."""

    def __init__(self, task: str, definitions: tuple[MetricDefinition[Any, Any], ...]) -> None:
        self.task = task
        self.definitions = {definition.name: definition for definition in definitions}

    def __contains__(self, name: object) -> bool:
        return name in self.definitions

    def definition(self, case: str, spec: MetricSpec) -> MetricDefinition[Any, Any]:
        """The definition ``spec`` asks for; :class:`CaseSpecError` names the metrics that exist."""
        name = spec.registered_name
        if name not in self.definitions:
            known = ", ".join(sorted(self.definitions))
            raise CaseSpecError(f"case {case!r}: metric {spec.name!r} asks for {name!r}, which the {self.task} task "
                                f"does not have; its metrics are: {known}")
        return self.definitions[name]


@dataclass(frozen=True)
class Metric:
    """A case's metric, resolved: its definition and its bound parameters."""

    name: str
    title: str
    definition: MetricDefinition[Any, Any]
    params: Any
    interval: bool

    @property
    def direction(self) -> Direction:
        return self.definition.direction

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    @property
    def requires_probabilities(self) -> bool:
        return self.definition.requires_probabilities

    def point(self, scoring: Any) -> float:
        """The metric on the whole test set."""
        return self.definition.point(scoring, self.params)

    def resampled(self, scoring: Any) -> Resampled:
        """The metric as a function of a bootstrap weight matrix (a metric with an interval only)."""
        assert self.definition.resampled is not None  # Task checks interval metrics have one
        return self.definition.resampled(scoring, self.params)


def mean_of_defined(values: Callable[[ScoringT, ParamsT], np.ndarray]) -> tuple[
        Callable[[ScoringT, ParamsT], float], Callable[[ScoringT, ParamsT], Resampled]]:
    r"""The point and resampled functions of a metric that is a mean of per-unit values, over
    the units where it is defined (``values`` gives NaN where it is not):

    .. math:: m(w) = \frac{\sum_u w_u \, v_u \, [v_u \text{ defined}]}{\sum_u w_u \, [v_u \text{ defined}]}

    with weights :math:`w` all 1 for the point value. NaN when no unit is defined.

    Examples
    --------
    >>> point, resampled = mean_of_defined(lambda scoring, params: np.array([1.0, np.nan, 3.0]))
    >>> point(None, None), resampled(None, None)(np.array([[1.0, 1.0, 1.0], [0.0, 2.0, 1.0]])).tolist()
    (2.0, [2.0, 3.0])
    """

    def point(scoring: ScoringT, params: ParamsT) -> float:
        defined = values(scoring, params)
        defined = defined[~np.isnan(defined)]
        return float(defined.mean()) if defined.size else float("nan")

    def resampled(scoring: ScoringT, params: ParamsT) -> Resampled:
        per_unit = values(scoring, params)
        defined = (~np.isnan(per_unit)).astype(np.float64)
        filled = np.nan_to_num(per_unit)

        def evaluate(weights: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore", divide="ignore"):
                return (weights @ filled) / (weights @ defined)

        return evaluate

    return point, resampled
