"""A hiring team's own table, all the way: ``casekit case new``, ``pip install``, then the case
works as a built-in one does: ``casekit list``, ``casekit new``, ``make run``, ``casekit
evaluate``, ``casekit review`` (and, for one of them, ``casekit case check``, which runs the
whole conformance suite).

The shared real datasets, reframed as a team would bring them (seeded samples of a few
thousand rows, see ``own_tables``): NLBSE'24 GitHub issues as a multiclass text table, LIAR
statements as a binary Parquet table, MovieLens ratings as a regression table split by time.

The authored packages are pip-installed into an environment of this module's own: a virtual
environment that sees the test environment's packages through a ``.pth`` file. Nothing is
installed into the test environment itself, so the other xdist worker (and any test that
lists the cases) never meets a case half-installed, and removing the folder uninstalls them.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import needs_mirror
from own_tables import liar_statements, movielens_ratings, nlbse_issues

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Overlay:
    """A Python that sees the test environment's packages and the case packages installed into it."""

    python: Path

    def run(self, *args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
        # One BLAS thread: the linear models are small, and spinning threads beside the other
        # xdist worker cost more than they give.
        env = {**os.environ, "COLUMNS": "200", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        return subprocess.run([str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True)

    def casekit(self, *args: object, cwd: Path | None = None, expect: int = 0) -> subprocess.CompletedProcess:
        result = self.run(self.python, "-m", "evaluator", *args, cwd=cwd)
        assert result.returncode == expect, f"casekit {' '.join(map(str, args))}:\n{result.stdout}\n{result.stderr}"
        return result

    def install(self, package: Path) -> None:
        result = self.run(sys.executable, "-m", "pip", "--python", self.python, "install", "--no-deps", "--no-input",
                          "--quiet", package)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def overlay(tmp_path_factory) -> Overlay:
    needs_mirror()
    needs_mirror("liar")
    needs_mirror("movielens-ml-latest-small")
    folder = tmp_path_factory.mktemp("overlay") / "venv"
    venv.EnvBuilder(with_pip=False).create(folder)
    site = next((folder / "lib").glob("python*/site-packages"))
    (site / "casekit-tests.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    return Overlay(folder / "bin" / "python")


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tables")
    nlbse_issues(folder)
    liar_statements(folder)
    movielens_ratings(folder)
    return folder


@dataclass(frozen=True)
class Authored:
    slug: str
    folder: Path
    output: str


def author_and_install(overlay: Overlay, tables: Path, root: Path, slug: str, table: str, *options: str) -> Authored:
    folder = root / f"{slug}-case"
    result = overlay.casekit("case", "new", slug, "--from", tables / table, "-o", folder, *options)
    overlay.install(folder)
    return Authored(slug, folder, " ".join(result.stdout.split()))


@pytest.fixture(scope="module")
def issues(overlay, tables, tmp_path_factory) -> Authored:
    return author_and_install(overlay, tables, tmp_path_factory.mktemp("issues"), "gh-issues", "issues.csv",
                              "--target", "label", "--title", "GitHub issue triage")


@pytest.fixture(scope="module")
def statements(overlay, tables, tmp_path_factory) -> Authored:
    return author_and_install(overlay, tables, tmp_path_factory.mktemp("statements"), "claims", "statements.parquet",
                              "--target", "false", "--id", "statement_id", "--title", "Claim checking")


@pytest.fixture(scope="module")
def ratings(overlay, tables, tmp_path_factory) -> Authored:
    return author_and_install(overlay, tables, tmp_path_factory.mktemp("ratings"), "film-ratings", "ratings.csv",
                              "--target", "rating", "--time", "rated_at", "--accept-risk", "rating_id")


@dataclass(frozen=True)
class Journey:
    project: Path
    card: dict
    folder: Path
    review: Path


def new_run_evaluate_review(overlay: Overlay, slug: str, root: Path) -> Journey:
    project = root / "project"
    overlay.casekit("new", slug, "--seed", "3", "--candidate", "Ada", "-o", project)
    run = overlay.run("make", "run", f"PYTHON={overlay.python}", cwd=project)
    assert run.returncode == 0, run.stdout + run.stderr
    overlay.casekit("evaluate", project)
    folder = sorted((project / "evaluation").iterdir())[-1]
    overlay.casekit("review", project, "-o", root / "review")
    return Journey(project, json.loads((folder / "scorecard.json").read_text()), folder, root / "review")


def leaderboard(review: Path) -> list[dict]:
    with (review / "leaderboard.csv").open(newline="") as stream:
        return list(csv.DictReader(stream))


def test_casekit_says_the_task_and_metric_it_inferred_and_why(issues, statements, ratings):
    assert "task: multiclass (the target 'label' has 3 classes)" in issues.output
    assert "primary metric: Accuracy (the classes are about balanced" in issues.output
    assert "task: binary (the target 'false' has two values)" in statements.output
    assert "positive class: 'yes'" in statements.output and "primary metric: ROC-AUC" in statements.output
    assert "task: regression (the target 'rating' holds numbers (10 distinct values)" in ratings.output
    assert "primary metric: RMSE" in ratings.output


def test_installed_cases_are_listed_beside_the_built_in_ones(overlay, issues, statements, ratings):
    listed = overlay.casekit("list").stdout
    for slug in ("gh-issues", "claims", "film-ratings", "tickets"):
        assert f"\n{slug} " in f"\n{listed}"


@pytest.fixture(scope="module")
def issues_journey(overlay, issues, tmp_path_factory) -> Journey:
    return new_run_evaluate_review(overlay, issues.slug, tmp_path_factory.mktemp("issues-journey"))


@pytest.fixture(scope="module")
def statements_journey(overlay, statements, tmp_path_factory) -> Journey:
    return new_run_evaluate_review(overlay, statements.slug, tmp_path_factory.mktemp("statements-journey"))


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


def test_the_claims_case_takes_a_probability_and_a_threshold(issues_journey, statements_journey):
    card = statements_journey.card
    assert card["task"] == "binary" and card["primary_metric"] == "roc_auc"
    assert (statements_journey.project / "submission" / "decision.json").is_file()
    assert card["submission"]["decision"] == {"threshold": 0.5}


@pytest.mark.parametrize("journey", ["issues_journey", "statements_journey"])
def test_review_ranks_the_candidate_among_the_baselines(journey, request):
    rows = leaderboard(request.getfixturevalue(journey).review)
    assert [row["candidate"] for row in rows if row["kind"] == "candidate"] == ["Ada"]
    assert {row["kind"] for row in rows} == {"candidate", "baseline"}


@pytest.fixture(scope="module")
def checked(overlay, ratings, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("film-ratings-check") / "work"
    result = overlay.casekit("case", "check", ratings.slug, "--workdir", workdir)
    return workdir, " ".join(result.stdout.split())


def test_case_check_passes_every_conformance_check_on_the_regression_case(checked):
    _, output = checked
    assert "all 9 checks passed" in output
    for check in ("hostile submissions end in a score or a clear error", "baseline starter passes its contract tests",
                  "evaluate scores the run and logs it"):
        assert check in output
    assert "Baselines on RMSE (table), 95% intervals" in output


def test_the_regression_case_is_reviewed_with_its_accepted_risk_and_residual_plots(overlay, checked, tmp_path):
    workdir, _ = checked
    project, keys = workdir / "table" / "project-baseline", workdir / "table" / "keys"
    overlay.casekit("review", project, "--keys-dir", keys, "-o", tmp_path / "review")
    report = next((tmp_path / "review" / "candidates").glob("*/*/report.html")).read_text()
    assert "Accepted risk (a leak-audit finding the case&#39;s author accepted): rating_id: identifier-like" in report
    for figure in ("predicted_vs_actual.png", "residuals.png"):
        assert f'alt="{figure}"' in report
    assert "Residuals by decile of the prediction" in report
    assert [row["kind"] for row in leaderboard(tmp_path / "review")].count("candidate") == 1


def test_case_check_of_a_folder_that_is_not_installed_says_to_install_it(overlay, tmp_path):
    folder = tmp_path / "churn-case"
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[project]\nname = "casekit-case-churn"\n\n[project.entry-points.'
                                           '"casekit.cases"]\nchurn = "casekit_case_churn:CASE"\n')
    result = overlay.casekit("case", "check", folder, expect=2)
    assert f"its case 'churn' is not installed here; run 'pip install -e {folder}' first" in " ".join(
        result.stderr.split())


def test_a_review_rerun_installs_the_case_package_beside_casekit(overlay, ratings, tmp_path):
    script = ("import json, sys, zipfile; from pathlib import Path; import cases; "
              "from evaluator.review.venvs import case_wheel; "
              "wheel = zipfile.ZipFile(case_wheel(cases.get(sys.argv[1]), Path(sys.argv[2]))); "
              "entry = next(name for name in wheel.namelist() if name.endswith('entry_points.txt')); "
              "print(json.dumps({'names': wheel.namelist(), 'entry_points': wheel.read(entry).decode(), "
              "'built_in': str(case_wheel(cases.get('tickets'), Path(sys.argv[2])))}))")
    result = overlay.run(overlay.python, "-c", script, ratings.slug, tmp_path)
    assert result.returncode == 0, result.stderr
    wheel = json.loads(result.stdout)
    assert {"casekit_case_film_ratings/__init__.py", "casekit_case_film_ratings/table.parquet",
            "casekit_case_film_ratings/starter/baseline/train.py"} <= set(wheel["names"])
    assert "film-ratings = casekit_case_film_ratings:CASE" in wheel["entry_points"]
    assert wheel["built_in"] == "None"  # a built-in case comes with casekit's own wheel
