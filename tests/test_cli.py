"""The command line's contract: light start-up, the case list, validate, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from conftest import casekit

from casekit import cases
from casekit.instances.bundle import old_imports


def test_help_does_not_import_the_heavy_libraries():
    probe = ("import sys; from casekit.cli import app; import cases; cases.all(); "
             "print(sorted(m for m in ('pandas', 'sklearn', 'mlflow', 'lightgbm', 'numpy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_help_lists_every_command():
    result = casekit("--help", check=True)
    for command in ("list", "new", "baselines", "evaluate", "validate", "drill", "whatif"):
        assert command in result.stdout


def test_list_shows_one_line_per_case():
    lines = casekit("list", check=True).stdout.strip().splitlines()
    tickets = [line for line in lines if line.startswith("tickets ")]
    fake_news = [line for line in lines if line.startswith("fake-news ")]
    recommendations = [line for line in lines if line.startswith("recommendations ")]
    assert len(tickets) == 1 and "Support-ticket categorization" in tickets[0]
    assert len(fake_news) == 1 and "Fake-news detection" in fake_news[0]
    assert "liar, liar-6way" in fake_news[0]
    assert len(recommendations) == 1 and "sources: synthetic, movielens" in recommendations[0]
    assert len(lines) == len({line.split()[0] for line in lines}) == len(cases.all())


def test_validate_accepts_a_project_with_a_valid_submission(nlbse_project, tmp_path):
    result = casekit("validate", nlbse_project / "data" / "sample_submission.csv")
    assert result.returncode == 0, result.stderr
    assert "valid (750 rows)" in result.stdout  # the official test split, sampled to half


def test_validate_reports_problems_with_exit_code_1(nlbse_project, tmp_path):
    bad = nlbse_project / "submission" / "bad.csv"
    pd.DataFrame({"ticket_id": ["T-x"], "category": ["bug"]}).to_csv(bad, index=False)
    try:
        result = casekit("validate", bad)
    finally:
        bad.unlink()
    assert result.returncode == 1
    assert "not in the test set" in result.stderr and "have no prediction" in result.stderr


def test_validate_outside_a_project_is_a_usage_error(tmp_path):
    result = casekit("validate", tmp_path)
    assert result.returncode == 2


def test_a_bad_option_is_a_usage_error():
    assert casekit("evaluate", "--resamples", "10").returncode == 2


def test_a_project_that_imports_casekits_old_name_is_told_what_to_change(tmp_path):
    stage = tmp_path / "src" / "tickets_solution" / "pipeline.py"
    stage.parent.mkdir(parents=True)
    stage.write_text("import json\n\n    from evaluator import score_predictions\nfrom casekit import x\n")
    assert old_imports(tmp_path) == ["src/tickets_solution/pipeline.py:3"]
