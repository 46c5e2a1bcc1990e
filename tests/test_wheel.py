"""The built wheel carries everything: install it in a fresh venv and issue a case elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, needs_mirror

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
                   check=True, capture_output=True)
    return next(out.glob("casekit-*.whl"))


def test_the_wheel_ships_the_template_and_the_case_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "evaluator/cookiecutter-template/cookiecutter.json" in names
    assert "cases/tickets/brief.md" in names
    assert "cases/tickets/starter/baseline/ingest.py" in names
    assert "cases/fake_news/brief.md" in names and "cases/fake_news/starter/pipeline.py" in names
    assert "evaluator/outputs/templates/report.html.j2" in names
    assert not any(name.startswith("tests/") for name in names)


def test_casekit_new_works_from_a_fresh_venv_in_another_directory(wheel, tmp_path):
    needs_mirror()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": ""}
    result = subprocess.run([str(venv / "bin" / "casekit"), "new", "tickets", "--source", "nlbse24", "--seed", "1",
                             "-o", "take-home", "--starter", "empty"], cwd=elsewhere, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    project = elsewhere / "take-home"
    assert (project / "casekit.json").is_file() and (project / "data" / "test.csv").is_file()
    assert "TODO(candidate)" in (project / "src" / "tickets_solution" / "train.py").read_text()
    imported = subprocess.run([str(python), "-c", "import evaluator; print(evaluator.__file__)"],
                              cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert str(venv) in imported.stdout  # the installed copy, not this checkout
