"""A project's imports against its pyproject.toml: what ``casekit validate`` and ``casekit pack``
warn about, and the reason a re-run gives when the pipeline fails on an undeclared import.

The re-run itself is in the hostile batch (``tests/test_hostile_reruns.py``, project ``undeclared``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import casekit

from casekit.review.dependencies import check_dependencies, undeclared_failure

ADVICE = "which pyproject.toml does not declare: add it to [project] dependencies, then make install"


def project(root: Path, code: str, dependencies: tuple[str, ...] = ("casekit", "pandas>=2.1"),
            name: str = "train.py") -> Path:
    """A project with one module of ``code`` in ``src/demo_solution/`` and those dependencies."""
    listed = ", ".join(f'"{requirement}"' for requirement in dependencies)
    (root / "pyproject.toml").write_text(f'[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = [{listed}]\n'
                                         '[project.optional-dependencies]\ntest = ["pytest>=8.0"]\n')
    package = root / "src" / "demo_solution"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "features.py").write_text("")
    (package / name).write_text(code)
    return root


def lines(root: Path) -> list[str]:
    return check_dependencies(root).lines()


def test_an_undeclared_import_is_named_with_its_file_and_line(tmp_path):
    project(tmp_path, "import numpy as np\nimport xgboost\n")
    assert lines(tmp_path) == [f"src/demo_solution/train.py:2: imports xgboost, {ADVICE}"]


def test_an_import_is_reported_once_per_file_at_its_first_line(tmp_path):
    project(tmp_path, "import xgboost\nfrom xgboost import XGBClassifier\n")
    assert lines(tmp_path) == [f"src/demo_solution/train.py:1: imports xgboost, {ADVICE}"]


def test_the_standard_library_the_projects_own_code_and_casekits_dependencies_are_not_flagged(tmp_path):
    # scipy and joblib come through scikit-learn, sqlalchemy through MLflow: casekit's closure.
    project(tmp_path, "import json, os.path\nfrom . import features\nfrom demo_solution import features\n"
                      "import casekit\nimport sklearn, scipy, joblib, sqlalchemy, lightgbm\n")
    assert lines(tmp_path) == []


def test_a_declared_package_is_not_flagged_under_a_distribution_name_unlike_its_import(tmp_path):
    project(tmp_path, "import xgboost\nimport yaml\n", dependencies=("casekit", "xgboost-cpu>=2", "PyYAML"))
    assert lines(tmp_path) == []


def test_a_distribution_named_unlike_its_import_is_named_in_the_warning(tmp_path):
    project(tmp_path, "import cv2\n")
    assert lines(tmp_path) == [f"src/demo_solution/train.py:1: imports cv2 (the package opencv-python), {ADVICE}"]


def test_guarded_and_type_checking_only_imports_are_not_flagged(tmp_path):
    project(tmp_path, "from typing import TYPE_CHECKING\ntry:\n    import xgboost\nexcept ImportError:\n"
                      "    xgboost = None\nif TYPE_CHECKING:\n    import catboost\n")
    assert lines(tmp_path) == []


def test_a_module_imported_by_name_at_run_time_is_flagged(tmp_path):
    project(tmp_path, "import importlib\n\nmodel = importlib.import_module('xgboost.sklearn')\n")
    assert lines(tmp_path) == [f"src/demo_solution/train.py:3: imports xgboost, {ADVICE}"]


def test_a_file_that_does_not_parse_is_skipped_and_said(tmp_path):
    project(tmp_path, "import xgboost\n", name="train.py")
    (tmp_path / "src" / "demo_solution" / "broken.py").write_text("def f(:\n    import catboost\n")
    skipped, warned = lines(tmp_path)
    assert skipped.startswith("src/demo_solution/broken.py: cannot be read as code (line 1: ")  # Python's words
    assert skipped.endswith("), not checked for undeclared imports")
    assert warned == f"src/demo_solution/train.py:1: imports xgboost, {ADVICE}"


def test_a_notebooks_code_cells_are_checked_past_their_shell_lines(tmp_path):
    project(tmp_path, "")
    cells = [{"cell_type": "markdown", "source": ["import nothing\n"]},
             {"cell_type": "code", "source": ["!pip install seaborn\n", "%matplotlib inline\n", "import seaborn\n"]}]
    (tmp_path / "eda.ipynb").write_text(json.dumps({"cells": cells, "nbformat": 4}))
    assert lines(tmp_path) == [f"eda.ipynb:cell 1:3: imports seaborn, {ADVICE}"]


def test_a_notebook_that_is_not_one_is_skipped_and_said(tmp_path):
    project(tmp_path, "")
    (tmp_path / "eda.ipynb").write_text('["cells"]')
    assert lines(tmp_path) == ["eda.ipynb: cannot be read as code (not a notebook), not checked for undeclared imports"]


def test_a_pyproject_that_cannot_be_read_is_said_instead(tmp_path):
    project(tmp_path, "import xgboost\n")
    (tmp_path / "pyproject.toml").write_text("[project\n")
    [line] = lines(tmp_path)
    assert line.startswith("pyproject.toml is not readable: ")
    assert line.endswith("fix pyproject.toml, then make install")


def test_a_rerun_that_fails_on_an_undeclared_import_gives_that_import_as_its_reason(tmp_path):
    project(tmp_path, "import pandas\nimport xgboost.sklearn\n")
    tail = ('  File "src/demo_solution/train.py", line 2\nModuleNotFoundError: No module named \'xgboost\'\n'
            "make: *** [Makefile:16: run] Error 1\n")
    assert undeclared_failure(tmp_path, tail) == f"src/demo_solution/train.py:2: imports xgboost, {ADVICE}"
    assert undeclared_failure(tmp_path, "ValueError: bad input\n") is None


def test_pack_warns_of_an_undeclared_import_naming_the_file_and_line(nlbse_project, tmp_path):
    copy = tmp_path / "tickets"
    shutil.copytree(nlbse_project, copy, ignore=shutil.ignore_patterns("data", "mlflow.db", "mlruns", "evaluation"))
    (copy / "submission").mkdir(exist_ok=True)
    shutil.copy(nlbse_project / "data" / "sample_submission.csv", copy / "submission" / "predictions.csv")
    train = copy / "src" / "tickets_solution" / "train.py"
    train.write_text("import xgboost\n" + train.read_text())
    result = casekit("pack", copy, "-o", tmp_path / "tickets.zip")
    assert result.returncode == 0 and (tmp_path / "tickets.zip").is_file(), result.stderr
    assert " ".join(result.stderr.split()) == f"src/tickets_solution/train.py:1: imports xgboost, {ADVICE}"


def test_make_install_finds_the_templates_declared_packages_in_the_environment_casekit_is_in(nlbse_project):
    # The template declares casekit's own dependencies only: nothing to install, nothing changed.
    result = subprocess.run(["make", "install", f"PYTHON={sys.executable}"], cwd=nlbse_project, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"uv pip install --python {sys.executable} -r pyproject.toml --extra test" in result.stdout
    assert "\n + " not in result.stderr
