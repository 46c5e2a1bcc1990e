"""The examples in the numeric modules' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "casekit.cases.baseline_parts",
    "casekit.cases.highlights.qvhighlights",
    "casekit.cases.knapsack",
    "casekit.cases.places.distance",
    "casekit.cases.prepared",
    "casekit.cases.table_features",
    "casekit.cases.table_split",
    "casekit.authoring.audit",
    "casekit.metrics.regression",
    "casekit.cases.fake_news.prepare",
    "casekit.metrics.bootstrap",
    "casekit.review.agreement",
    "casekit.review.calibration",
    "casekit.metrics.binary",
    "casekit.metrics.classification",
    "casekit.metrics.ranking",
    "casekit.metrics.selection",
    "casekit.metrics.ngrams",
    "casekit.metrics.rouge",
    "casekit.metrics.bleu",
    "casekit.metrics.chrf",
    "casekit.metrics.faithfulness",
    "casekit.scoring.slices",
    "casekit.scoring.tiers",
    "casekit.scoring.detectable",
    "casekit.tasks.metric",
    "casekit.tasks.ranking",
    "casekit.tasks.generation",
    "casekit.submissions.checks",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
