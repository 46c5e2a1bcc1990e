"""Task types, and the loading of a case: its spec bound to its task type and checked.

Every task type is a :class:`~evaluator.tasks.base.Task` subclass registered here by name. A
case is loaded with :func:`load_case` (by slug) or :func:`for_case` (a spec in hand): both
return the case's task, bound to its spec, after checking the spec's metrics against the task's
registry; everything in the evaluator that scores goes through them.
"""

from __future__ import annotations

from importlib import import_module

import cases
from cases.errors import CaseSpecError
from cases.spec import CaseSpec
from evaluator.tasks.base import Task

TASK_TYPES = {
    "multiclass": "evaluator.tasks.multiclass:MulticlassTask",
    "binary": "evaluator.tasks.binary:BinaryTask",
    "ranking": "evaluator.tasks.ranking:RankingTask",
    "selection": "evaluator.tasks.selection:SelectionTask",
    "generation": "evaluator.tasks.generation:GenerationTask",
    "regression": "evaluator.tasks.regression:RegressionTask",
}


def task_type(name: str) -> type[Task]:
    """The :class:`Task` subclass of the task type called ``name``."""
    try:
        module, _, attribute = TASK_TYPES[name].partition(":")
    except KeyError:
        raise CaseSpecError(f"no task type {name!r}; the task types are: {', '.join(sorted(TASK_TYPES))}") from None
    cls: type[Task] = getattr(import_module(module), attribute)
    return cls


def for_case(spec: CaseSpec) -> Task:
    """The task of ``spec``, bound to it; :class:`CaseSpecError` says what the spec gets wrong."""
    return task_type(spec.task)(spec)


def load_case(slug: str, source: str | None = None) -> Task:
    """Case ``slug`` as it applies to ``source`` (default: its first), loaded and checked."""
    return for_case(cases.get(slug).for_source(source))
