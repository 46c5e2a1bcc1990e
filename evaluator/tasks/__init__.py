"""Task types, and the loading of a case: its spec bound to its task type and checked.

Every task type is a :class:`~casekit.tasks.base.Task` subclass registered here by name. A
case is loaded with :func:`load_case` (by slug) or :func:`for_case` (a spec in hand): both
return the case's task, bound to its spec, after checking the spec's metrics against the task's
registry; everything in the evaluator that scores goes through them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from casekit import cases
from casekit.cases.errors import CaseSpecError
from casekit.cases.spec import CaseSpec
from casekit.tasks.base import Task
from casekit.tasks.table_authoring import TableAuthoring

TASK_TYPES = {
    "multiclass": "casekit.tasks.multiclass:MulticlassTask",
    "binary": "casekit.tasks.binary:BinaryTask",
    "ranking": "casekit.tasks.ranking:RankingTask",
    "selection": "casekit.tasks.selection:SelectionTask",
    "generation": "casekit.tasks.generation:GenerationTask",
    "regression": "casekit.tasks.regression:RegressionTask",
}


def task_type(name: str) -> type[Task]:
    """The :class:`Task` subclass of the task type called ``name``."""
    try:
        module, _, attribute = TASK_TYPES[name].partition(":")
    except KeyError:
        raise CaseSpecError(f"no task type {name!r}; the task types are: {', '.join(sorted(TASK_TYPES))}") from None
    cls: type[Task] = getattr(import_module(module), attribute)
    return cls


def table_authoring(name: str) -> TableAuthoring[Any]:
    """How a case of the task type called ``name`` is made from a table."""
    authoring = task_type(name).table_authoring
    if authoring is None:
        able = [other for other in sorted(TASK_TYPES) if task_type(other).table_authoring is not None]
        raise CaseSpecError(f"a {name} case cannot be made from a table; the task types that can: {', '.join(able)}")
    return authoring


def for_case(spec: CaseSpec) -> Task:
    """The task of ``spec``, bound to it; :class:`CaseSpecError` says what the spec gets wrong."""
    return task_type(spec.task)(spec)


def load_case(slug: str, source: str | None = None) -> Task:
    """Case ``slug`` as it applies to ``source`` (default: its first), loaded and checked."""
    return for_case(cases.get(slug).for_source(source))
