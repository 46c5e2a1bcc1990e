"""``casekit pack``: what goes into the zip, its manifest, and the checks made when unpacking it."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import NLBSE24_SIZE, casekit, needs_mirror

from casekit.errors import IntegrityError
from casekit.instances.time_record import RUN_LOG, note_development_run, parse_time, read_candidate_clock
from casekit.review.pack import MANIFEST_FILE, unpack


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project with a submission and the clutter a candidate's folder collects."""
    needs_mirror()
    project = tmp_path_factory.mktemp("pack") / "take-home"
    casekit("new", "tickets", "--source", "nlbse24", *NLBSE24_SIZE,
            "--seed", "4", "-o", project, "--candidate", "Ada", check=True)
    shutil.copy(project / "data" / "sample_submission.csv", project / "submission" / "predictions.csv")
    (project / ".venv" / "lib").mkdir(parents=True)
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (project / "src" / "tickets_solution" / "__pycache__").mkdir()
    (project / "src" / "tickets_solution" / "__pycache__" / "train.cpython-311.pyc").write_bytes(b"\0")
    (project / "mlflow.db").write_bytes(b"sqlite")
    (project / "evaluation" / "20250101T000000Z").mkdir(parents=True)
    (project / "notebooks").mkdir()
    (project / "notebooks" / "eda.ipynb").write_text("{}")
    (project / "drill" / "20250101T000000Z").mkdir(parents=True)
    (project / "drill" / "20250101T000000Z" / "transcript.md").write_text("# Drill\n")
    for _ in range(2):  # two 'make run's, as the pipeline notes them
        note_development_run(project)
    return project


def names(archive: Path) -> set[str]:
    return set(zipfile.ZipFile(archive).namelist())


def test_pack_holds_code_design_and_submission_but_no_data_venv_caches_or_runs(project, tmp_path):
    archive = tmp_path / "ada.zip"
    casekit("pack", project, "-o", archive, check=True)
    packed = names(archive)
    assert {"DESIGN.md", "casekit.json", "submission/predictions.csv", "src/tickets_solution/train.py",
            "tests/test_contract.py", "notebooks/eda.ipynb", MANIFEST_FILE} <= packed
    assert not any(name.startswith(("data/", ".venv/", "evaluation/", "drill/")) or "__pycache__" in name
                   for name in packed)
    assert "mlflow.db" not in packed


def test_the_manifest_has_the_sha256_of_every_file(project, tmp_path):
    archive = tmp_path / "ada.zip"
    casekit("pack", project, "-o", archive, check=True)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read(MANIFEST_FILE))
        listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
        assert set(listed) == set(opened.namelist()) - {MANIFEST_FILE}
        for name, digest in listed.items():
            assert hashlib.sha256(opened.read(name)).hexdigest() == digest
    assert manifest["candidate"] == "Ada" and manifest["case"] == "tickets"


def test_include_mlflow_adds_the_candidates_own_runs(project, tmp_path):
    archive = tmp_path / "ada.zip"
    casekit("pack", project, "-o", archive, "--include-mlflow", check=True)
    assert "mlflow.db" in names(archive)


def test_include_drill_adds_the_drill_transcripts(project, tmp_path):
    archive = tmp_path / "ada.zip"
    casekit("pack", project, "-o", archive, "--include-drill", check=True)
    assert "drill/20250101T000000Z/transcript.md" in names(archive)


def test_an_existing_zip_is_kept_without_force_and_replaced_with_it(project, tmp_path):
    archive = tmp_path / "ada.zip"
    archive.write_bytes(b"keep me")
    refused = casekit("pack", project, "-o", archive)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert archive.read_bytes() == b"keep me"
    casekit("pack", project, "-o", archive, "--force", check=True)
    assert MANIFEST_FILE in names(archive)


def test_a_project_without_a_submission_is_refused(project, tmp_path):
    empty = tmp_path / "no-submission"
    shutil.copytree(project, empty, ignore=shutil.ignore_patterns(".venv", "data"))
    (empty / "submission" / "predictions.csv").unlink()
    result = casekit("pack", empty, "-o", tmp_path / "x.zip")
    assert result.returncode == 1 and "predictions.csv" in result.stderr
    assert not (tmp_path / "x.zip").exists()


def test_the_pack_carries_the_candidates_clock_labelled_as_theirs(archive, tmp_path):
    manifest = unpack(archive, tmp_path / "unpacked")
    clock = read_candidate_clock(tmp_path / "unpacked", manifest.created_at)
    assert clock is not None and clock.runs == 2 and clock.packed_at == manifest.created_at
    first, last, packed = (parse_time(stamp or "") for stamp in (clock.first_run, clock.last_run, clock.packed_at))
    assert first is not None and last is not None and packed is not None and first <= last <= packed


def test_the_candidates_clock_skips_lines_it_cannot_read(tmp_path):
    log = tmp_path / RUN_LOG
    log.parent.mkdir()
    log.write_text('{"started_at": "2026-06-03T10:00:00+00:00"}\nnot json\n{"started_at": "2026-06-03T10:00"}\n'
                   '[1]\n{"started_at": "2026-06-03T14:30:00+02:00"}\n')
    clock = read_candidate_clock(tmp_path)
    assert clock is not None and clock.runs == 2 and clock.packed_at is None
    assert (clock.first_run, clock.last_run) == ("2026-06-03T10:00:00+00:00", "2026-06-03T12:30:00+00:00")


def test_a_run_log_that_links_out_of_the_project_is_not_read(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "development-runs.jsonl").write_text('{"started_at": "2026-06-03T10:00:00+00:00"}\n')
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / ".casekit").symlink_to(elsewhere)
    assert read_candidate_clock(tmp_path / "project") is None


def test_a_project_without_a_run_log_or_a_pack_has_no_candidates_clock(tmp_path):
    assert read_candidate_clock(tmp_path) is None


def rewrite(archive: Path, destination: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, bytes) -> bytes | None`` applied to each entry."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(destination, "w") as target:
        for name in source.namelist():
            payload = change(name, source.read(name))
            if payload is not None:
                target.writestr(name, payload)
    return destination


@pytest.fixture
def archive(project, tmp_path) -> Path:
    path = tmp_path / "ada.zip"
    casekit("pack", project, "-o", path, check=True)
    return path


def test_unpacking_refuses_an_altered_file_and_names_it(archive, tmp_path):
    def relabel(name: str, data: bytes) -> bytes:
        return data.replace(b"bug", b"question") if name.endswith("predictions.csv") else data

    altered = rewrite(archive, tmp_path / "altered.zip", relabel)
    with pytest.raises(IntegrityError, match=r"submission/predictions\.csv"):
        unpack(altered, tmp_path / "out")


def test_unpacking_refuses_a_file_missing_from_the_manifest(archive, tmp_path):
    extra = rewrite(archive, tmp_path / "extra.zip", lambda name, data: data)
    with zipfile.ZipFile(extra, "a") as opened:
        opened.writestr("src/tickets_solution/sneaky.py", "print('hi')")
    with pytest.raises(IntegrityError, match=r"sneaky\.py"):
        unpack(extra, tmp_path / "out")


def test_unpacking_refuses_a_path_that_climbs_out(archive, tmp_path):
    def climb(name, data):
        if name == MANIFEST_FILE:
            manifest = json.loads(data)
            manifest["files"].append({"path": "../evil.py", "sha256": hashlib.sha256(b"x").hexdigest()})
            return json.dumps(manifest)
        return data

    climbing = rewrite(archive, tmp_path / "climb.zip", climb)
    with zipfile.ZipFile(climbing, "a") as opened:
        opened.writestr("../evil.py", "x")
    with pytest.raises(IntegrityError, match="unsafe path"):
        unpack(climbing, tmp_path / "out" / "inner")
    assert not (tmp_path / "out" / "evil.py").exists()


def test_a_zip_without_a_manifest_is_not_a_pack(tmp_path):
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as opened:
        opened.writestr("casekit.json", "{}")
    with pytest.raises(IntegrityError, match=MANIFEST_FILE):
        unpack(plain, tmp_path / "out")
