"""A hiring team's own table, all the way, for classification: ``casekit case new``, ``pip
install`` (into an environment of this module's own, see ``overlay``), then the case works as a
built-in one does: ``casekit list``, ``casekit new``, ``make run``, ``casekit evaluate``,
``casekit review``.

Two shared real datasets, reframed as a team would bring them (seeded samples, see
``own_tables``): NLBSE'24 GitHub issues as a multiclass text table (CSV), LIAR statements as a
binary table (Parquet).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import needs_mirror
from once import once
from overlay import Overlay
from own_tables import liar_statements, nlbse_issues

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def authored(tmp_path_factory) -> dict[str, str]:
    """The two cases, authored and installed once per test run (see ``once``): what each
    ``casekit case new`` printed, and the environment's Python."""
    needs_mirror()
    needs_mirror("liar")

    def build(folder: Path) -> dict[str, str]:
        overlay = Overlay.create(folder / "venv")
        issues = overlay.author(nlbse_issues(folder), folder / "issues-case", "gh-issues", "--target", "label",
                                "--title", "GitHub issue triage")
        statements = overlay.author(liar_statements(folder), folder / "claims-case", "claims", "--target", "false",
                                    "--id", "statement_id", "--title", "Claim checking")
        return {"python": str(overlay.python), "issues": issues, "statements": statements}

    return once(tmp_path_factory, "own-data-classification", build)


@pytest.fixture(scope="module")
def overlay(authored) -> Overlay:
    return Overlay(Path(authored["python"]))


@dataclass(frozen=True)
class Journey:
    project: Path
    card: dict
    review: Path


def journey(overlay: Overlay, slug: str, tmp_path_factory) -> Journey:
    """``casekit new``, ``make run``, ``casekit evaluate``, ``casekit review``, once per test run."""

    def build(root: Path) -> dict[str, str]:
        project = root / "project"
        overlay.casekit("new", slug, "--seed", "3", "--candidate", "Ada", "-o", project)
        run = overlay.run("make", "run", f"PYTHON={overlay.python}", cwd=project)
        assert run.returncode == 0, run.stdout + run.stderr
        overlay.casekit("evaluate", project)
        folder = sorted((project / "evaluation").iterdir())[-1]
        overlay.casekit("review", project, "-o", root / "review")
        return {"project": str(project), "card": str(folder / "scorecard.json"), "review": str(root / "review")}

    record = once(tmp_path_factory, f"own-data-journey-{slug}", build)
    return Journey(Path(record["project"]), json.loads(Path(record["card"]).read_text()), Path(record["review"]))


@pytest.fixture(scope="module")
def issues_journey(overlay, tmp_path_factory) -> Journey:
    return journey(overlay, "gh-issues", tmp_path_factory)


@pytest.fixture(scope="module")
def statements_journey(overlay, tmp_path_factory) -> Journey:
    return journey(overlay, "claims", tmp_path_factory)


def test_casekit_says_the_task_and_metric_it_inferred_and_why(authored):
    issues, statements = authored["issues"], authored["statements"]
    assert "task: multiclass (the target 'label' has 3 classes)" in issues
    assert "primary metric: Accuracy (the classes are about balanced" in issues
    assert "task: binary (the target 'false' has two values)" in statements
    assert "positive class: 'yes'" in statements and "primary metric: ROC-AUC" in statements


def test_installed_cases_are_listed_beside_the_built_in_ones(overlay):
    listed = overlay.casekit("list").stdout
    for slug in ("gh-issues", "claims", "tickets"):
        assert f"\n{slug} " in f"\n{listed}"


def test_the_issues_case_is_scored_on_accuracy_against_its_three_baselines(issues_journey):
    card = issues_journey.card
    assert card["task"] == "multiclass" and card["primary_metric"] == "accuracy"
    primary = next(metric for metric in card["metrics"] if metric["name"] == "accuracy")
    assert primary["ci_low"] < primary["value"] < primary["ci_high"]
    assert [comparison["tier"] for comparison in card["comparisons"]] == ["trivial", "classical", "strong"]
    assert card["comparisons"][0]["verdict"] == "beats"


def test_the_issues_project_carries_the_brief_with_its_data_dictionary(issues_journey):
    readme = (issues_journey.project / "README.md").read_text()
    assert "| `body` | text |" in readme and "| `repo` | categorical |" in readme
    assert "TODO(author)" in readme  # the team has not written its parts yet


def test_the_claims_case_takes_a_probability_and_a_threshold(statements_journey):
    card = statements_journey.card
    assert card["task"] == "binary" and card["primary_metric"] == "roc_auc"
    assert (statements_journey.project / "submission" / "decision.json").is_file()
    assert card["submission"]["decision"] == {"threshold": 0.5}


@pytest.mark.parametrize("journey", ["issues_journey", "statements_journey"])
def test_review_ranks_the_candidate_among_the_baselines(journey, request):
    with (request.getfixturevalue(journey).review / "leaderboard.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["candidate"] for row in rows if row["kind"] == "candidate"] == ["Ada"]
    assert {row["kind"] for row in rows} == {"candidate", "baseline"}
