"""Hostile review inputs: forged packs, links into the key store, and names that pass for others.

Each ends in a clear error that names the input, never in a score read from the answers.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import NLBSE24_SIZE, casekit, needs_mirror

from casekit.errors import IntegrityError, UsageError
from casekit.instances.keystore import ANSWERS_FILE
from casekit.review.candidates import parse_input, resolve_candidates
from casekit.review.pack import MANIFEST_FILE, unpack


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> tuple[Path, Path]:
    """A reviewer's key store and an issued project holding the sample submission."""
    needs_mirror()
    root = tmp_path_factory.mktemp("hostile-review")
    keys, project = root / "keys", root / "eve"
    casekit("new", "tickets", "--source", "nlbse24", *NLBSE24_SIZE,
            "--seed", "8", "--keys-dir", keys, "-o", project, check=True)
    (project / "submission" / "predictions.csv").write_bytes((project / "data" / "sample_submission.csv").read_bytes())
    return keys, project


@pytest.fixture
def packed(issued, tmp_path) -> Path:
    archive = tmp_path / "eve.zip"
    casekit("pack", issued[1], "-o", archive, check=True)
    return archive


def with_entry(archive: Path, info: zipfile.ZipInfo, payload: bytes, destination: Path) -> Path:
    """A copy of ``archive`` with one more entry (listed in no manifest: the entry checks come first)."""
    destination.write_bytes(archive.read_bytes())
    with zipfile.ZipFile(destination, "a") as opened:
        opened.writestr(info, payload)
    return destination


def test_a_pack_entry_with_an_absolute_path_is_refused(packed, tmp_path):
    forged = with_entry(packed, zipfile.ZipInfo("/etc/cron.d/evil"), b"x", tmp_path / "absolute.zip")
    with pytest.raises(IntegrityError, match=r"'/etc/cron\.d/evil' has an unsafe path"):
        unpack(forged, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_pack_entry_that_is_a_symbolic_link_is_refused(packed, tmp_path):
    link = zipfile.ZipInfo("submission/answers.csv")
    link.external_attr = (0o120777 << 16)
    forged = with_entry(packed, link, b"/home/reviewer/.local/share/casekit/keys", tmp_path / "link.zip")
    with pytest.raises(IntegrityError, match=r"'submission/answers\.csv' is a symbolic link"):
        unpack(forged, tmp_path / "out")


def test_a_zip_bomb_is_refused_before_anything_is_inflated(packed, tmp_path):
    bomb = zipfile.ZipInfo("notebooks/bomb.csv")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    forged = with_entry(packed, bomb, bytes(64 * 2**20), tmp_path / "bomb.zip")
    with pytest.raises(IntegrityError, match=r"'notebooks/bomb\.csv' inflates .* times .*zip bomb"):
        unpack(forged, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_manifest_that_is_a_zip_bomb_is_refused(tmp_path):
    archive = tmp_path / "manifest-bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as opened:
        opened.writestr(MANIFEST_FILE, b"{" + bytes(64 * 2**20))
    with pytest.raises(IntegrityError, match=f"'{MANIFEST_FILE}' inflates"):
        unpack(archive, tmp_path / "out")


def test_a_truncated_zip_is_refused_with_its_name(packed, tmp_path):
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(packed.read_bytes()[: packed.stat().st_size // 2])
    with pytest.raises(IntegrityError, match=r"truncated\.zip"):
        unpack(truncated, tmp_path / "out")


def answers_file(keys: Path) -> Path:
    return next(keys.rglob(ANSWERS_FILE))


def test_review_refuses_a_submission_that_links_to_the_answers(issued, tmp_path):
    keys, project = issued
    forged = tmp_path / "forged"
    forged.mkdir()
    for item in project.iterdir():
        (forged / item.name).symlink_to(item)
    (forged / "submission").unlink()
    (forged / "submission").mkdir()
    (forged / "submission" / "predictions.csv").symlink_to(answers_file(keys))

    result = casekit("review", forged, "--keys-dir", keys, "-o", tmp_path / "review")
    assert result.returncode == 1
    assert "outside the project" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "review").exists()


def test_evaluate_refuses_a_submission_inside_the_key_store(issued):
    keys, project = issued
    result = casekit("evaluate", project, "--submission", answers_file(keys), "--keys-dir", keys)
    assert result.returncode == 1
    assert "a file of the key store" in result.stderr and "Traceback" not in result.stderr


def bare_inputs(tmp_path: Path, *names: str) -> list:
    inputs = []
    for number, name in enumerate(names):
        path = tmp_path / f"{number}.csv"
        path.write_text("ticket_id,category\n")
        inputs.append(parse_input(f"{name}={path}"))
    return inputs


@pytest.mark.parametrize("twin", ["ada", "ＡＤＡ", "Ada"])
def test_names_that_read_the_same_are_refused(tmp_path, twin):
    inputs = bare_inputs(tmp_path, "Ada", twin)
    with pytest.raises(UsageError, match=r"more than once|reads the same as 'Ada'"):
        resolve_candidates(inputs, "instance", tmp_path, tmp_path / "keys")


def test_a_name_mixing_latin_and_cyrillic_letters_is_refused(tmp_path):
    inputs = bare_inputs(tmp_path, "Ada", "\u0410da")
    with pytest.raises(UsageError, match="mixes Cyrillic and Latin letters"):
        resolve_candidates(inputs, "instance", tmp_path, tmp_path / "keys")


def test_names_in_one_non_latin_script_are_kept(tmp_path):
    inputs = bare_inputs(tmp_path, "Ада", "Ἀθηνᾶ", "José", "山田 太郎")
    assert [c.name for c in resolve_candidates(inputs, "instance", tmp_path, tmp_path / "keys")] == \
        ["Ада", "Ἀθηνᾶ", "José", "山田 太郎"]


def test_pack_and_review_write_no_answers_where_the_candidate_can_read(issued, tmp_path):
    keys, project = issued
    archive = tmp_path / "eve.zip"
    casekit("pack", project, "-o", archive, check=True)
    casekit("review", project, "--keys-dir", keys, "--no-track", "-o", tmp_path / "review", check=True)
    answer_bytes = answers_file(keys).read_bytes()
    with zipfile.ZipFile(archive) as opened:
        assert not any(answer_bytes in opened.read(name) for name in opened.namelist())
    for path in project.rglob("*"):
        assert not path.is_file() or answer_bytes not in path.read_bytes(), path


@pytest.mark.parametrize("where", ["below-a-file", "sysfs"])
def test_an_output_folder_that_cannot_be_written_is_refused_before_any_work(tmp_path, where):
    submission = tmp_path / "ada.csv"
    submission.write_text("ticket_id,category\n")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    output = blocker / "review" if where == "below-a-file" else Path("/sys/casekit-review")
    result = casekit("review", f"Ada={submission}", "--instance", "never-read", "-o", output)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"cannot write the review into {output}" in result.stderr and "Traceback" not in result.stderr
