"""The examples in the numeric modules' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "cases.baseline_parts",
    "cases.highlights.qvhighlights",
    "cases.knapsack",
    "cases.prepared",
    "cases.table_features",
    "cases.table_split",
    "evaluator.authoring.audit",
    "evaluator.metrics.regression",
    "cases.fake_news.prepare",
    "evaluator.metrics.bootstrap",
    "evaluator.metrics.binary",
    "evaluator.metrics.classification",
    "evaluator.metrics.ranking",
    "evaluator.metrics.selection",
    "evaluator.metrics.ngrams",
    "evaluator.metrics.rouge",
    "evaluator.metrics.bleu",
    "evaluator.metrics.chrf",
    "evaluator.metrics.faithfulness",
    "evaluator.scoring.slices",
    "evaluator.tasks.ranking",
    "evaluator.tasks.generation",
    "evaluator.submissions.checks",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
