"""The case library: every case casekit knows, by slug.

Built-in cases live in sub-packages of ``cases``; other packages add theirs through the
``casekit.cases`` entry-point group, each entry point naming a :class:`CaseSpec`::

    [project.entry-points."casekit.cases"]
    churn = "mycases.churn:CASE"
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.metadata import entry_points

from cases.spec import Baseline, CaseSpec, DataSource, MetricSpec, RemoteFile, SliceSpec, SubmissionSchema

__all__ = [
    "Baseline",
    "CaseSpec",
    "DataSource",
    "MetricSpec",
    "RemoteFile",
    "SliceSpec",
    "SubmissionSchema",
    "UnknownCaseError",
    "all",
    "get",
]

_BUILT_IN = ("cases.tickets", "cases.recommendations", "cases.fake_news")
ENTRY_POINT_GROUP = "casekit.cases"


class UnknownCaseError(KeyError):
    """No case is registered under the requested slug."""

    def __str__(self) -> str:
        return str(self.args[0])


@cache
def _registry() -> dict[str, CaseSpec]:
    found: list[CaseSpec] = [import_module(name).CASE for name in _BUILT_IN]
    found += [entry.load() for entry in entry_points(group=ENTRY_POINT_GROUP)]
    registry: dict[str, CaseSpec] = {}
    for case in found:
        if case.slug in registry:
            raise RuntimeError(f"two cases are registered under the slug {case.slug!r}")
        registry[case.slug] = case
    return registry


def all() -> list[CaseSpec]:  # noqa: A001 - the public name the design asks for
    """Every registered case, sorted by slug."""
    return [case for _, case in sorted(_registry().items())]


def get(slug: str) -> CaseSpec:
    """The case registered under ``slug``; :class:`UnknownCaseError` names the known ones."""
    try:
        return _registry()[slug]
    except KeyError:
        known = ", ".join(sorted(_registry()))
        raise UnknownCaseError(f"unknown case {slug!r}; known cases: {known}") from None
