"""A hiring team's own table, all the way, for regression: MovieLens ratings reframed as a
streaming service's table (see ``own_tables``), split by time, with a row counter accepted as a
risk; ``casekit case new``, ``pip install`` (into an environment of this module's own, see
``overlay``), ``casekit case check`` (the whole conformance suite: new, make test, make run,
evaluate, the hostile submissions), then ``casekit review`` of the checked project.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from conftest import needs_mirror
from once import once
from overlay import Overlay
from own_tables import movielens_ratings

pytestmark = pytest.mark.slow
SLUG = "film-ratings"


@pytest.fixture(scope="module")
def authored(tmp_path_factory) -> dict[str, str]:
    """The case, authored and installed once per test run (see ``once``)."""
    needs_mirror("movielens-ml-latest-small")

    def build(folder: Path) -> dict[str, str]:
        overlay = Overlay.create(folder / "venv")
        output = overlay.author(movielens_ratings(folder), folder / "case", SLUG, "--target", "rating", "--time",
                                "rated_at", "--accept-risk", "rating_id")
        return {"python": str(overlay.python), "output": output}

    return once(tmp_path_factory, "own-data-regression", build)


@pytest.fixture(scope="module")
def overlay(authored) -> Overlay:
    return Overlay(Path(authored["python"]))


def test_casekit_says_the_task_and_metric_it_inferred_and_why(authored):
    ratings = authored["output"]
    assert "task: regression (the target 'rating' holds numbers (10 distinct values)" in ratings
    assert "primary metric: RMSE" in ratings and "accepted risk" in ratings


@pytest.fixture(scope="module")
def checked(overlay, tmp_path_factory) -> tuple[Path, str]:
    """``casekit case check`` of the case, once per test run: its work folder and what it printed."""

    def build(folder: Path) -> dict[str, str]:
        result = overlay.casekit("case", "check", SLUG, "--workdir", folder / "work")
        return {"workdir": str(folder / "work"), "output": " ".join(result.stdout.split())}

    record = once(tmp_path_factory, "own-data-regression-check", build)
    return Path(record["workdir"]), record["output"]


def test_case_check_passes_every_conformance_check_on_the_regression_case(checked):
    _, output = checked
    assert re.search(r"all \d+ checks passed", output), output
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
    with (tmp_path / "review" / "leaderboard.csv").open(newline="") as stream:
        assert [row["kind"] for row in csv.DictReader(stream)].count("candidate") == 1


def test_case_check_of_a_folder_that_is_not_installed_says_to_install_it(overlay, tmp_path):
    folder = tmp_path / "churn-case"
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[project]\nname = "casekit-case-churn"\n\n[project.entry-points.'
                                           '"casekit.cases"]\nchurn = "casekit_case_churn:CASE"\n')
    result = overlay.casekit("case", "check", folder, expect=2)
    assert f"its case 'churn' is not installed here; run 'pip install -e {folder}' first" in " ".join(
        result.stderr.split())


def test_a_review_rerun_installs_the_case_package_beside_casekit(overlay, tmp_path):
    script = ("import json, sys, zipfile; from pathlib import Path; import cases; "
              "from casekit.review.venvs import case_wheel; "
              "wheel = zipfile.ZipFile(case_wheel(cases.get(sys.argv[1]), Path(sys.argv[2]))); "
              "entry = next(name for name in wheel.namelist() if name.endswith('entry_points.txt')); "
              "print(json.dumps({'names': wheel.namelist(), 'entry_points': wheel.read(entry).decode(), "
              "'built_in': str(case_wheel(cases.get('tickets'), Path(sys.argv[2])))}))")
    result = overlay.run(overlay.python, "-c", script, SLUG, tmp_path)
    assert result.returncode == 0, result.stderr
    wheel = json.loads(result.stdout)
    assert {"casekit_case_film_ratings/__init__.py", "casekit_case_film_ratings/table.parquet",
            "casekit_case_film_ratings/starter/baseline/train.py"} <= set(wheel["names"])
    assert "film-ratings = casekit_case_film_ratings:CASE" in wheel["entry_points"]
    assert wheel["built_in"] == "None"  # a built-in case comes with casekit's own wheel
