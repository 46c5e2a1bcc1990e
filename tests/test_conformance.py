"""Conformance: every check, for every registered case, on every source it applies to.

The tests are generated from the case registry, so a new case is checked by registering: one
test class per case and source, one test per check that applies to it (the baseline tiers are
calibrated on synthetic data, so that check is not collected for a real source). A class is
issued once, at its source's conformance scale, and shared by its checks; ``--dist loadscope``
runs each class on one worker.
"""

from __future__ import annotations

import os
import re

import pytest
from conftest import shared_key_store

from casekit import cases
from casekit.conformance.checks import CHECKS, Check
from casekit.conformance.subject import CaseUnderTest


class ConformanceOfOneSource:
    """The checks of one case on one source (subclassed below for each)."""

    slug: str
    source: str

    @pytest.fixture(scope="class")
    @classmethod
    def subject(cls, tmp_path_factory) -> CaseUnderTest:
        # The worker's own MLflow store: a new sqlite store costs seconds of migrations per class.
        return CaseUnderTest(cls.slug, cls.source, tmp_path_factory.mktemp(f"conformance-{cls.slug}-{cls.source}"),
                             key_store=shared_key_store(), tracking_store=os.environ["MLFLOW_TRACKING_URI"])

    def test_conforms(self, subject: CaseUnderTest, check: Check) -> None:
        check.run(subject)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cls = metafunc.cls
    if cls is None or not issubclass(cls, ConformanceOfOneSource) or "check" not in metafunc.fixturenames:
        return
    probe = CaseUnderTest(cls.slug, cls.source, workdir=None)  # type: ignore[arg-type]  # reads the spec only
    applicable = [check for check in CHECKS if check.applies(probe)]
    metafunc.parametrize("check", applicable, ids=[check.name for check in applicable])


def _class_name(slug: str, source: str) -> str:
    words = re.split(r"[^0-9A-Za-z]+", f"{slug} {source}")
    return "Test" + "".join(word[:1].upper() + word[1:] for word in words if word)


for _case in cases.all():
    for _source in _case.sources:
        _name = _class_name(_case.slug, _source.name)
        globals()[_name] = type(_name, (ConformanceOfOneSource,), {"slug": _case.slug, "source": _source.name})
