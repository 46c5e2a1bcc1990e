"""``casekit new``: the generated project, the key store, determinism and safety."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from conftest import casekit, needs_mirror

from casekit.instances.bundle import BundleMetadata


def new_nlbse(tmp_path: Path, name: str, *extra: str, seed: int = 5, keys: Path | None = None) -> Path:
    needs_mirror()
    project = tmp_path / name
    args = ["new", "tickets", "--source", "nlbse24", "--seed", str(seed), "-o", project, *extra]
    env = {"CASEKIT_KEYS_DIR": str(keys)} if keys else None
    casekit(*args, env=env, check=True)
    return project


def bundle_files(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}


def test_project_has_the_layout_a_candidate_expects(nlbse_project):
    package = nlbse_project / "src" / "tickets_solution"
    for relative in ("README.md", "DESIGN.md", "pyproject.toml", "Makefile", "casekit.json",
                     "data/train.csv", "data/test.csv", "data/sample_submission.csv", "tests/test_contract.py"):
        assert (nlbse_project / relative).is_file(), relative
    for stage in ("ingest", "features", "train", "predict", "pipeline"):
        assert (package / f"{stage}.py").is_file(), stage


def test_readme_starts_with_the_brief_then_says_what_to_do_first(nlbse_project):
    readme = (nlbse_project / "README.md").read_text()
    brief = (Path(__file__).parents[1] / "cases" / "tickets" / "brief.md").read_text().strip()
    assert readme.startswith(brief.splitlines()[0])
    assert readme.index("## What to do first") > len(brief) - 1


def test_design_doc_has_every_section(nlbse_project):
    design = (nlbse_project / "DESIGN.md").read_text()
    for section in ("Clarifying questions", "Objective and metrics", "Assumptions", "Baseline", "Design",
                    "Trade-offs", "What I would optimise next", "Deployment and monitoring"):
        assert f"## {section}" in design


def test_metadata_records_the_instance_and_the_key_fingerprint(nlbse_project, nlbse_instance):
    bundle = BundleMetadata.read(nlbse_project)
    assert (bundle.case, bundle.source, bundle.seed, bundle.candidate) == ("tickets", "nlbse24", 11, "Ada")
    assert bundle.labels == ["bug", "feature", "question"]
    assert bundle.key_sha256 == nlbse_instance.key.record.answers_sha256
    assert set(bundle.files) == {"data/train.csv", "data/test.csv", "data/sample_submission.csv"}


def test_test_inputs_have_fresh_ids_and_no_target(nlbse_project):
    train = pd.read_csv(nlbse_project / "data" / "train.csv", dtype=str)
    test = pd.read_csv(nlbse_project / "data" / "test.csv", dtype=str)
    assert "category" not in test.columns
    assert not set(train["ticket_id"]) & set(test["ticket_id"])
    assert list(test["ticket_id"]) == sorted(test["ticket_id"])


def test_same_seed_gives_byte_identical_files_and_key(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = new_nlbse(tmp_path / "a", "project", seed=21, keys=tmp_path / "keys-a")
    second = new_nlbse(tmp_path / "b", "project", seed=21, keys=tmp_path / "keys-b")
    assert bundle_files(first) == bundle_files(second)
    instance = BundleMetadata.read(first).instance_id
    for name in ("answers.csv", "key.json", "inputs/train.csv", "inputs/test.csv"):
        first, second = (tmp_path / f"keys-{copy}" / instance / name for copy in "ab")
        assert first.read_bytes() == second.read_bytes()


def test_another_seed_gives_another_instance(tmp_path, nlbse_project):
    other = new_nlbse(tmp_path, "other", seed=12)
    assert BundleMetadata.read(other).instance_id != BundleMetadata.read(nlbse_project).instance_id
    assert (other / "data" / "test.csv").read_bytes() != (nlbse_project / "data" / "test.csv").read_bytes()


def test_an_existing_project_is_not_overwritten_without_force(tmp_path):
    project = new_nlbse(tmp_path, "mine")
    (project / "DESIGN.md").write_text("my notes")
    result = casekit("new", "tickets", "--source", "nlbse24", "-o", project)
    assert result.returncode == 2
    assert "--force" in result.stderr
    assert (project / "DESIGN.md").read_text() == "my notes"


def test_force_replaces_the_project_as_a_whole(tmp_path):
    project = new_nlbse(tmp_path, "mine")
    (project / "scratch.txt").write_text("old")
    casekit("new", "tickets", "--source", "nlbse24", "--seed", "6", "-o", project, "--force", check=True)
    assert not (project / "scratch.txt").exists()
    assert BundleMetadata.read(project).seed == 6
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]  # no staging folders left behind


def test_keys_dir_inside_the_project_is_refused(tmp_path):
    needs_mirror()
    project = tmp_path / "p"
    result = casekit("new", "tickets", "--source", "nlbse24", "-o", project, "--keys-dir", project / "keys")
    assert result.returncode == 2
    assert "inside the project" in result.stderr
    assert not project.exists()


def test_a_reviewer_issue_withholds_the_seed_from_the_project(tmp_path):
    keys = tmp_path / "reviewer-keys"
    project = new_nlbse(tmp_path, "issued", "--keys-dir", str(keys), seed=424242)
    bundle = json.loads((project / "casekit.json").read_text())
    assert bundle["seed"] is None
    assert "424242" not in "".join(p.read_text(errors="ignore") for p in project.rglob("*") if p.is_file())
    record = json.loads((keys / bundle["instance_id"] / "key.json").read_text())
    assert record["seed"] == 424242


def test_unknown_case_is_a_usage_error(tmp_path):
    result = casekit("new", "no-such-case", "-o", tmp_path / "x")
    assert result.returncode == 2
    assert "known cases: " in result.stderr and "tickets" in result.stderr


def test_unknown_source_is_a_usage_error(tmp_path):
    result = casekit("new", "tickets", "--source", "nope", "-o", tmp_path / "x")
    assert result.returncode == 2
    assert "no source 'nope'" in result.stderr


def test_plain_cookiecutter_renders_the_same_template(tmp_path):
    from cookiecutter.main import cookiecutter

    from casekit.instances.issue import template_dir

    config = tmp_path / "config.yaml"
    config.write_text(f"replay_dir: {tmp_path / 'replay'}\ncookiecutters_dir: {tmp_path / 'cc'}\n")
    out = Path(cookiecutter(str(template_dir()), no_input=True, output_dir=str(tmp_path), config_file=str(config),
                            extra_context={"starter": "empty"}))
    assert out.name == "tickets-take-home"
    assert "TODO(candidate)" in (out / "src" / "tickets_solution" / "ingest.py").read_text()
    assert (out / "README.md").read_text().strip() != ""
    assert not (out / "casekit.json").exists()


def test_the_project_reads_the_case_from_its_config(nlbse_project):
    config = (nlbse_project / "src" / "tickets_solution" / "config.py").read_text()
    instance = BundleMetadata.read(nlbse_project).instance_id
    for line in ('CASE = "tickets"', 'SOURCE = "nlbse24"', 'TASK = "multiclass"', 'ID = "ticket_id"',
                 'TARGET = "category"', f'EXPERIMENT = "casekit/tickets/{instance}"'):
        assert line in config


def test_a_case_without_extra_contract_tests_gets_no_empty_test_file(tmp_path, monkeypatch):
    import dataclasses

    from casekit import cases
    from casekit.instances.issue import new_project

    case = cases.get("tickets")
    starter = tmp_path / "case" / "starter"
    (starter / "baseline").mkdir(parents=True)
    for name in ("features.py", "train.py", "predict.py"):
        (starter / "baseline" / name).write_text((case.starter_dir / "baseline" / name).read_text())
    (tmp_path / "case" / "brief.md").write_text(case.brief_path.read_text())
    moved = dataclasses.replace(case, folder=tmp_path / "case")
    monkeypatch.setattr(cases, "_registry", lambda: {"tickets": moved})
    project = new_project("tickets", output=tmp_path / "p", seed=1, scale=0.05, keys_dir=tmp_path / "keys").path
    assert sorted(path.name for path in (project / "tests").iterdir()) == ["conftest.py", "test_contract.py"]


def test_casekit_new_loads_the_case_once(tmp_path, monkeypatch):
    from casekit import tasks
    from casekit.instances.issue import new_project

    loads, for_case = [], tasks.for_case

    def counting(spec):
        loads.append(spec.slug)
        return for_case(spec)

    monkeypatch.setattr(tasks, "for_case", counting)
    new_project("tickets", output=tmp_path / "p", seed=1, scale=0.05, keys_dir=tmp_path / "keys")
    assert loads == ["tickets"]


def test_a_case_missing_a_starter_file_is_a_one_line_error_naming_the_case_and_the_file(tmp_path, monkeypatch):
    import dataclasses
    import shutil

    from typer.testing import CliRunner

    from casekit import cases
    from casekit.cli import app

    case = cases.get("tickets")
    shutil.copytree(case.folder, tmp_path / "case", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "case" / "starter" / "baseline" / "predict.py").unlink()
    monkeypatch.setattr(cases, "_registry", lambda: {"tickets": dataclasses.replace(case, folder=tmp_path / "case")})
    outcome = CliRunner().invoke(app, ["new", "tickets", "--seed", "1", "--scale", "0.05", "-o", str(tmp_path / "p"),
                                       "--keys-dir", str(tmp_path / "keys")], env={"COLUMNS": "300"})
    assert outcome.exit_code == 1
    expected = (f"error: case 'tickets' has no starter file 'predict.py' for the 'baseline' starter: write "
                f"{tmp_path / 'case' / 'starter' / 'baseline' / 'predict.py'}")
    # The console wraps at the width it found when it was made, which may be narrower than the message.
    assert "".join(outcome.output.split()).endswith("".join(expected.split()))
    assert "Traceback" not in outcome.output
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit)
    assert not (tmp_path / "p").exists()
