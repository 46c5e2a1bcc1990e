"""Conformance: every check, for every registered case, on every source it applies to.

The tests are generated from the case registry, so a new case is checked by registering; a
check that does not apply to a source (the baseline tiers are calibrated on synthetic data)
is not collected for it. Each case and source is issued once per test session, at its
source's conformance scale, and shared by its checks.
"""

from __future__ import annotations

import pytest

import cases
from evaluator.conformance.checks import CHECKS, Check
from evaluator.conformance.subject import CaseUnderTest

SUBJECTS = [(case.slug, source.name) for case in cases.all() for source in case.sources]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "check" not in metafunc.fixturenames:
        return
    combinations, ids = [], []
    for slug, source in SUBJECTS:
        probe = CaseUnderTest(slug, source, workdir=None)  # type: ignore[arg-type]  # only reads the spec
        for check in CHECKS:
            if check.applies(probe):
                combinations.append(pytest.param((slug, source), check, marks=pytest.mark.xdist_group(
                    f"conformance-{slug}-{source}")))
                ids.append(f"{slug}-{source}-{check.name}")
    metafunc.parametrize(("subject_key", "check"), combinations, ids=ids)


@pytest.fixture(scope="session")
def subjects(tmp_path_factory) -> dict[tuple[str, str], CaseUnderTest]:
    """The cases under test, issued on first use and kept for the session."""
    return {}


def test_case_conforms(subject_key: tuple[str, str], check: Check, subjects, tmp_path_factory) -> None:
    if subject_key not in subjects:
        slug, source = subject_key
        subjects[subject_key] = CaseUnderTest(slug, source, tmp_path_factory.mktemp(f"conformance-{slug}-{source}"))
    check.run(subjects[subject_key])
