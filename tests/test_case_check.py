"""``casekit case check``: every check's outcome in a table, a failure or a crash said in full,
exit code 1 when anything failed."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from casekit import cases
from casekit.authoring import check as case_check
from casekit.cli import app
from casekit.conformance.checks import Check, ConformanceError
from casekit.outputs.authoring import print_case_check


def passes(subject) -> str:
    """A check that passes."""
    return "all good"


def fails(subject) -> str:
    """A check that fails."""
    raise ConformanceError(f"{subject}: the brief is empty")


def crashes(subject) -> str:
    """A check that crashes."""
    return str(1 / 0)


@pytest.fixture
def three_checks(monkeypatch):
    monkeypatch.setattr(case_check, "CHECKS", (Check("passes", passes), Check("fails", fails),
                                               Check("crashes", crashes)))


def test_every_check_runs_on_every_source_and_failures_do_not_stop_the_others(three_checks, tmp_path):
    result = case_check.check_case(cases.get("tickets"), tmp_path)
    sources = [source.name for source in cases.get("tickets").sources]
    assert [(o.source, o.check, o.passed) for o in result.outcomes] == [
        (source, name, name == "passes") for source in sources for name in ("passes", "fails", "crashes")]
    crash = next(o for o in result.outcomes if o.check == "crashes")
    assert crash.detail.startswith("crashed: ZeroDivisionError: division by zero (")
    assert "test_case_check.py" in crash.detail
    assert not result.passed and result.ladders == {}


def test_the_command_prints_the_table_and_each_failure_in_full_and_exits_1(three_checks, tmp_path):
    outcome = CliRunner().invoke(app, ["case", "check", "tickets", "--workdir", str(tmp_path / "work")])
    assert outcome.exit_code == 1
    assert "FAILED fails (synthetic): A check that fails." in outcome.output
    assert "tickets (synthetic): the brief is empty" in outcome.output
    assert "4 of 6 checks failed" in outcome.output


def test_an_unknown_slug_is_a_usage_error():
    outcome = CliRunner().invoke(app, ["case", "check", "no-such-case"])
    assert outcome.exit_code == 2 and "unknown case 'no-such-case'" in outcome.output


@pytest.fixture
def one_check(monkeypatch):
    monkeypatch.setattr(case_check, "CHECKS", (Check("passes", passes),))


@pytest.fixture
def places_copy(tmp_path):
    """The places case with its rubric and gold answers copied where a test may change them."""
    case = cases.get("places")
    shutil.copytree(case.folder / "gold", tmp_path / "gold")
    shutil.copyfile(case.rubric_path, tmp_path / "rubric.toml")
    return replace(case, folder=tmp_path)


def test_the_gold_answers_are_reported_beside_the_checks(one_check, tmp_path, capsys):
    result = case_check.check_case(cases.get("places"), tmp_path)
    assert [answer.level for answer in result.gold.answers] == ["weak", "adequate", "strong"] and result.passed
    print_case_check(result)
    assert "gold answers: weak, adequate, strong, scored on every criterion and rising" in " ".join(
        capsys.readouterr().out.split())


def test_missing_gold_answers_are_reported_without_failing_the_case(one_check, places_copy, tmp_path, capsys):
    shutil.rmtree(places_copy.folder / "gold")
    result = case_check.check_case(places_copy, tmp_path / "work")
    assert result.passed and "case 'places' has no gold answers" in result.gold.missing
    print_case_check(result)
    assert "so reviewers can calibrate ('casekit calibrate places --reviewer NAME')" in " ".join(
        capsys.readouterr().out.split())


def test_gold_scores_that_fall_from_weak_to_strong_fail_the_case(one_check, places_copy, tmp_path, capsys):
    reference = places_copy.folder / "gold" / "reference.toml"
    reference.write_text(reference.read_text().replace("objective = 0", "objective = 3", 1))
    result = case_check.check_case(places_copy, tmp_path / "work")
    assert not result.passed
    assert result.gold.problems == ("objective: adequate scores 2, below weak's 3",)
    print_case_check(result)
    assert "checks passed; the gold answers did not" in capsys.readouterr().err
