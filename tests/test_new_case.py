"""A new case of an existing task type, from outside casekit: a handful of files of its own
(``tests/toy_case/toycase``), registered through the ``casekit.cases`` entry point, and it gets
every conformance check for free."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import casekit

from casekit import cases
from casekit.conformance.checks import CHECKS, Check
from casekit.conformance.subject import CaseUnderTest

TOY = Path(__file__).parent / "toy_case"


@pytest.fixture(scope="module")
def registered(tmp_path_factory):
    """The toy case's package on the path, with the metadata of an installed distribution whose
    entry point registers it (for this process and the ones it starts); gone afterwards."""
    site = tmp_path_factory.mktemp("site")
    dist = site / "toycase-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toycase\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[casekit.cases]\nmachine-faults = toycase:CASE\n")
    paths = [str(TOY), str(site)]
    previous = os.environ.get("PYTHONPATH")
    sys.path[:0] = paths
    os.environ["PYTHONPATH"] = os.pathsep.join(paths + ([previous] if previous else []))
    cases._registry.cache_clear()
    yield cases.get("machine-faults")
    del sys.path[:2]
    if previous is None:
        os.environ.pop("PYTHONPATH")
    else:
        os.environ["PYTHONPATH"] = previous
    cases._registry.cache_clear()


@pytest.fixture(scope="module")
def subject(registered, tmp_path_factory) -> CaseUnderTest:
    return CaseUnderTest("machine-faults", "synthetic", tmp_path_factory.mktemp("toy"))


def test_a_new_case_of_an_existing_task_type_needs_at_most_eight_files_of_its_own():
    files = [path for path in (TOY / "toycase").rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    assert len(files) <= 8, sorted(str(path.relative_to(TOY)) for path in files)


def test_the_case_is_discovered_through_its_entry_point(registered):
    assert registered.slug in [case.slug for case in cases.all()]
    listed = casekit("list", check=True)
    assert "machine-faults" in listed.stdout and "Machine faults" in listed.stdout


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.name)
def test_the_new_case_passes_every_conformance_check(subject, check: Check):
    assert check.applies(subject)
    check.run(subject)
