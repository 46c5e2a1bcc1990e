"""Blind review: a seeded corpus reviewed with ``--blind`` shows no identity anywhere, and
``casekit reveal`` maps every code back once the rubrics are complete.

The corpus is one pack that carries a name and an e-mail address in every place the identity
scan covers (the ``--candidate`` name and so the pack manifest, DESIGN.md's author line, code
comments and ``__author__``, profile URLs and an ``@handle``, home-folder paths, notebook
metadata and its file name, ``pyproject.toml``'s authors, a folder name, a zipped artifact and
a binary file), and two bare files named on the command line. One review, through the command
line (the terminal is an output too), into a tracking store of its own; no re-run. Git
metadata cannot travel in a pack: the scan's unit tests cover it on a project folder.

Issued as the conformance suite issues the synthetic fake-news case (same seed and scale, same
key store), so the baselines are trained once for both.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import casekit, shared_key_store

from casekit.errors import UsageError
from casekit.instances.bundle import DEFAULT_SUBMISSION
from casekit.instances.instance import open_instance
from casekit.instances.issue import new_project
from casekit.review import blind, identity
from casekit.review.batch import RUBRICS_DIR, SUMMARY_FILE, review_batch
from casekit.review.blind import candidate_code, review_secret
from casekit.review.identity import scan_candidate, terms_of, write_redacted_copy
from casekit.review.pack import pack_project
from casekit.review.records import ReviewOptions
from casekit.scoring.baselines import ensure_baselines

pytestmark = pytest.mark.slow

NAME, EMAIL, HANDLE, USER = "Ada Lovelace", "ada.lovelace@example.org", "adalove99", "adalove"
BARE = {"Grace Hopper": "grace-hopper.csv", "Hedy Lamarr": "hedy-lamarr-final.csv"}
# What no blind output may hold, case-folded (the names' parts long enough not to be common syllables).
IDENTITIES = ("ada lovelace", "ada_lovelace", "ada-lovelace", "lovelace", EMAIL, HANDLE, USER, "grace hopper",
              "grace-hopper", "hopper", "hedy", "lamarr")
CODE = re.compile(r"C-[A-Z0-9]{6}")


def plant(project: Path) -> None:
    """Put the name and the e-mail address in every place the scan covers."""
    design = project / "DESIGN.md"
    design.write_text(f"Author: {NAME} <{EMAIL}>\n\n" + design.read_text(encoding="utf-8") +
                      f"\n\nGitHub: https://github.com/{HANDLE} · LinkedIn: https://www.linkedin.com/in/ada-lovelace-1815/"
                      f" · ping @{HANDLE}\n", encoding="utf-8")
    module = next(path for path in sorted((project / "src").rglob("*.py")) if path.name == "pipeline.py")
    module.write_text(f"# Written by: {NAME} ({EMAIL})\n__author__ = \"{NAME}\"\n" +
                      module.read_text(encoding="utf-8") +
                      f"\nSCRATCH = \"/home/{USER}/projects/fake-news/scratch\"\n", encoding="utf-8")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        "[project]\n", f"[project]\nauthors = [{{name = \"{NAME}\", email = \"{EMAIL}\"}}]\n", 1), encoding="utf-8")
    notebook = {"cells": [{"cell_type": "code", "source": ["print(1)"], "metadata": {}, "execution_count": 1,
                           "outputs": [{"output_type": "stream", "name": "stdout",
                                        "text": [f"C:\\Users\\{USER}\\Documents\\run.log\n"]}]}],
                "metadata": {"authors": [{"name": NAME, "email": EMAIL}],
                             "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                             "vscode": {"interpreter": {"path": f"/home/{USER}/.venv/bin/python"}}},
                "nbformat": 4, "nbformat_minor": 5}
    (project / "notebooks").mkdir()
    (project / "notebooks" / "ada_lovelace_eda.ipynb").write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    (project / "ada-lovelace").mkdir()
    (project / "ada-lovelace" / "notes.md").write_text(f"Notes kept by {NAME.upper()}, {EMAIL}; compared with "
                                                       f"Grace Hopper's (another candidate).\n", encoding="utf-8")
    (project / "artifacts").mkdir()
    with zipfile.ZipFile(project / "artifacts" / "bundle.zip", "w") as archive:
        archive.writestr(f"{USER}/contact.txt", f"{NAME} <{EMAIL}>\n")
    (project / "artifacts" / "model.bin").write_bytes(b"\x00\x01\xfe" + NAME.encode() + b"\x00\xff")


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> SimpleNamespace:
    root, keys = tmp_path_factory.mktemp("blind"), shared_key_store()
    project = new_project("fake-news", output=root / "fake-news", seed=5, source="synthetic", scale=0.25,
                          keys_dir=keys, candidate=NAME).path
    baselines = {item.baseline.tier: item.path for item in ensure_baselines(open_instance(project, keys))}
    shutil.copy(baselines["classical"], project / DEFAULT_SUBMISSION)
    plant(project)
    pack = pack_project(project, root / "ada-lovelace-fake-news.zip").path
    inputs = [str(pack)]
    for (name, file), tier in zip(BARE.items(), ("strong", "trivial"), strict=True):
        inputs.append(f"{name}={shutil.copy(baselines[tier], root / file)}")
    store = root / "tracking"
    store.mkdir()
    output = root / "review"
    result = casekit("review", *inputs, "--blind", "--resamples", "1000", "--keys-dir", keys, "-o", output,
                     env={"MLFLOW_TRACKING_URI": f"sqlite:///{store / 'mlflow.db'}"})
    assert result.returncode == 0, result.stdout + result.stderr
    with (output / "leaderboard.csv").open(newline="") as stream:
        rows = [row for row in csv.DictReader(stream) if row["kind"] == "candidate"]
    return SimpleNamespace(root=root, output=output, store=store, terminal=result.stdout + result.stderr, rows=rows,
                           keys=keys)


def identities_in(text: str) -> list[str]:
    folded = text.casefold()
    return [identity for identity in IDENTITIES if identity in folded]


def written_files(folder: Path) -> list[Path]:
    """Every file of the review folder that reviewers may read: all but the organiser's."""
    return [path for path in sorted(folder.rglob("*")) if path.is_file() and "organiser" not in
            path.relative_to(folder).parts]


def test_no_file_the_blind_review_wrote_holds_an_identity(reviewed):
    found = {str(path.relative_to(reviewed.output)): identities_in(path.read_bytes().decode("utf-8", "replace"))
             for path in written_files(reviewed.output)}
    assert len(found) > 20
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_no_file_or_folder_name_the_blind_review_wrote_holds_an_identity(reviewed):
    names = [str(path.relative_to(reviewed.output)) for path in reviewed.output.rglob("*")]
    assert [name for name in names if identities_in(name)] == []


def test_the_mlflow_store_holds_no_identity(reviewed):
    files = [path for path in reviewed.store.rglob("*") if path.is_file()]
    assert any(path.name == "report.html" for path in files)  # the candidates' runs and their artifacts
    found = {str(path): identities_in(path.read_bytes().decode("utf-8", "replace")) for path in files}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_the_terminal_shows_codes_and_no_identity(reviewed):
    assert identities_in(reviewed.terminal) == []
    assert len(set(CODE.findall(reviewed.terminal))) == 3
    assert re.search(r"blind: +\d+ identity\(ies\) redacted, 1 of them file\(s\) left out", reviewed.terminal)


def test_every_candidate_is_listed_by_an_opaque_code(reviewed):
    assert len(reviewed.rows) == 3
    assert all(CODE.fullmatch(row["candidate"]) for row in reviewed.rows)
    assert {row["status"] for row in reviewed.rows} == {"scored"}


def test_the_leaderboard_says_it_is_blind_and_where_reviewers_read(reviewed):
    html = (reviewed.output / "leaderboard.html").read_text(encoding="utf-8")
    assert 'id="blind"' in html and "redacted/&lt;code&gt;/" in html
    assert json.loads((reviewed.output / "summary.json").read_text())["options"]["blind"] is True


def test_the_mlflow_runs_record_the_blind_user_not_the_os_user(reviewed):
    database = (reviewed.store / "mlflow.db").read_bytes()
    assert b"casekit-blind-review" in database


def test_reviewers_read_a_redacted_copy_of_the_pack(reviewed):
    (copy,) = (reviewed.output / "redacted").iterdir()
    design = (copy / "DESIGN.md").read_text(encoding="utf-8")
    assert design.startswith("Author: [redacted: name]")
    assert "[redacted: profile URL]" in design and "[redacted: handle]" in design
    notebook = json.loads((copy / "notebooks" / "redacted-name_eda.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["vscode"]["interpreter"]["path"] == "/home/[redacted: home]/.venv/bin/python"
    with zipfile.ZipFile(copy / "artifacts" / "bundle.zip") as archive:
        assert archive.namelist() == ["redacted-home/contact.txt"]


def test_every_redaction_is_listed_for_the_organiser(reviewed):
    (listing,) = [path for path in (reviewed.output / "organiser" / "redactions").iterdir()
                  if json.loads(path.read_text())["redactions"]]
    redactions = json.loads(listing.read_text())["redactions"]
    files = {item["file"] for item in redactions}
    assert {"DESIGN.md", "pyproject.toml", "notebooks/ada_lovelace_eda.ipynb", "ada-lovelace/notes.md",
            "artifacts/bundle.zip!adalove/contact.txt", "artifacts/model.bin"} <= files
    kinds = {item["kind"] for item in redactions}
    assert {"name", "e-mail", "home", "handle", "profile URL", identity.LEFT_OUT} <= kinds


def test_the_cases_own_words_are_never_redacted(reviewed):
    listings = (reviewed.output / "organiser" / "redactions").glob("*.json")
    found = {item["found"].casefold() for path in listings for item in json.loads(path.read_text())["redactions"]}
    assert not found & {"fake", "news", "fake-news", "grep", "1815"}


def pack_code(reviewed) -> str:
    (row,) = [row for row in reviewed.rows if row["input"] == "pack"]
    return row["candidate"]


def reveal(folder: Path, force: bool = False):
    return blind.reveal(folder, "organiser-1", force, SUMMARY_FILE, RUBRICS_DIR)


def test_reveal_is_refused_while_a_rubric_is_incomplete(reviewed, tmp_path):
    # The bare files' rubrics are complete as written: with no DESIGN.md, every criterion scores 0.
    folder = shutil.copytree(reviewed.output, tmp_path / "review")
    with pytest.raises(blind.RevealRefusedError) as refused:
        reveal(folder)
    assert f"not revealed: 1 rubric(s) are not complete ({pack_code(reviewed)}: " in str(refused.value)
    assert identities_in(str(refused.value)) == []
    assert not (folder / "reveals.json").exists()


def test_reveal_with_force_is_recorded_with_the_rubrics_that_were_incomplete(reviewed, tmp_path):
    folder = shutil.copytree(reviewed.output, tmp_path / "review")
    revealed = reveal(folder, force=True)
    assert sorted(revealed.names.values()) == sorted([NAME, *BARE])
    (record,) = json.loads((folder / "reveals.json").read_text())
    assert record["by"] == "organiser-1" and record["forced"] is True
    assert list(record["incomplete"]) == [pack_code(reviewed)]


def test_reveal_after_every_rubric_is_complete_maps_every_code_back(reviewed, tmp_path):
    folder = shutil.copytree(reviewed.output, tmp_path / "review")
    for rubric in (folder / "rubrics").glob("*.toml"):
        rubric.write_text(rubric.read_text(encoding="utf-8").replace("# score = ", "score = 2"), encoding="utf-8")
    result = casekit("reveal", folder, "--by", "organiser-1")
    assert result.returncode == 0, result.stderr
    revealed = dict(re.findall(r"(C-[A-Z0-9]{6})\s*│\s*([^│]+?)\s*│", result.stdout))
    assert sorted(revealed.values()) == sorted([NAME, *BARE])
    assert set(revealed) == {row["candidate"] for row in reviewed.rows}
    (record,) = json.loads((folder / "reveals.json").read_text())
    assert record["forced"] is False and record["incomplete"] == {} and sorted(record["codes"]) == sorted(revealed)


# The identity scan on files in a folder: fast, one behaviour each.

def redacted(tmp_path: Path, files: dict[str, bytes | str], known=((NAME, "name"),), git: bool = False):
    """Write ``files`` under tmp_path/project, scan and copy them; the copy's folder and the redactions."""
    project = tmp_path / "project"
    for relative, content in files.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        (project / relative).write_bytes(data)
    scan = scan_candidate(project, sorted(files), known, git_root=project if git else None)
    redactions = write_redacted_copy(scan.files, scan.terms, tmp_path / "copy")
    return tmp_path / "copy", redactions


def test_a_name_is_matched_after_unicode_normalisation_and_case_folding(tmp_path):
    copy, _ = redacted(tmp_path, {"notes.md": "By ＡＤＡ ＬＯＶＥＬＡＣＥ and ada_lovelace, then LOVELACE.\n"})
    assert (copy / "notes.md").read_text() == "By [redacted: name] and [redacted: name], then [redacted: name].\n"


def test_a_name_inside_a_longer_word_is_left_alone(tmp_path):
    copy, redactions = redacted(tmp_path, {"notes.md": "An adaptive metadata cascade.\n"})
    assert (copy / "notes.md").read_text() == "An adaptive metadata cascade.\n" and redactions == []


def test_decorators_are_not_taken_for_handles(tmp_path):
    source = "import dataclasses\n\n\n@dataclasses.dataclass\nclass A:\n    x: int = 1\n"
    copy, redactions = redacted(tmp_path, {"a.py": source})
    assert (copy / "a.py").read_text() == source and redactions == []


def test_git_metadata_of_a_project_folder_names_who_committed(tmp_path):
    log = f"{'0' * 40} {'1' * 40} Augusta King <augusta@example.net> 1700000000 +0000\tcommit: first\n"
    copy, _ = redacted(tmp_path, {".git/logs/HEAD": log, ".git/config": "[user]\n\tname = Augusta King\n",
                                  "notes.md": "Augusta King wrote this; see KING's notes.\n"}, known=(), git=True)
    assert (copy / "notes.md").read_text() == "[redacted: name] wrote this; see [redacted: name]'s notes.\n"


def test_a_file_over_the_cap_is_left_out_and_listed(tmp_path, monkeypatch):
    monkeypatch.setattr(identity, "MAX_FILE_BYTES", 1000)
    copy, redactions = redacted(tmp_path, {"big.txt": "x" * 1001, "small.txt": "fine\n"})
    assert not (copy / "big.txt").exists() and (copy / "small.txt").is_file()
    assert [(item.file, item.kind) for item in redactions] == [("big.txt", identity.LEFT_OUT)]


def test_a_zip_bomb_inside_a_project_is_left_out_and_listed(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", b"\0" * (3 * 1024**2 // 2))  # inflates ~1000 times
        archive.writestr("note.txt", f"{NAME}\n")
    copy, redactions = redacted(tmp_path, {"artifact.zip": buffer.getvalue()})
    assert ("artifact.zip!zeros.txt", identity.LEFT_OUT) in [(item.file, item.kind) for item in redactions]
    with zipfile.ZipFile(copy / "artifact.zip") as archive:
        assert archive.namelist() == ["note.txt"] and archive.read("note.txt") == b"[redacted: name]\n"


def test_a_code_is_stable_for_a_review_folder_and_not_the_name_alone(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert candidate_code(review_secret(first), NAME) == candidate_code(review_secret(first), "ada lovelace")
    assert candidate_code(review_secret(first), NAME) != candidate_code(review_secret(second), NAME)
    assert CODE.fullmatch(candidate_code(review_secret(first), NAME))


def test_terms_keep_a_name_whole_and_its_long_parts():
    assert {term for term, _kind in terms_of([("Al Li-Wong", "name")]).terms} == {"al li-wong", "alliwong", "wong"}


def test_a_blind_review_folder_refuses_a_review_with_names(reviewed):
    options = ReviewOptions(output=reviewed.output, keys_dir=reviewed.keys, track=False)
    with pytest.raises(UsageError, match="holds a blind review: review into it with --blind"):
        review_batch([f"Someone={reviewed.root / BARE['Grace Hopper']}"], options)


def test_a_rerun_shows_its_logs_redacted(tmp_path):
    from casekit.review.blind import redact_rerun
    from casekit.review.rerun import RerunResult
    from casekit.review.sandbox import StepResult

    terms = terms_of([(NAME, "name")])
    step = StepResult("pipeline", ["make", "run"], "failed", 1, 1.0, 10.0, tmp_path / "run.log",
                      f"Traceback: /home/{USER}/x.py\nhello from {NAME} <{EMAIL}>\n")
    result = redact_rerun(RerunResult("failed", f"failed: {NAME}'s pipeline", None, None, None, None, step, None),
                          terms)
    assert result.pipeline is not None and identities_in(result.pipeline.log_tail + result.summary) == []


def test_the_input_file_name_is_redacted_whole_never_by_its_parts(tmp_path):
    known = ((NAME, "name"), ("ada-lovelace-fake-news", identity.FILE_NAME))
    copy, _ = redacted(tmp_path, {"notes.md": "ada-lovelace-fake-news.zip: fake news, by Lovelace\n"}, known=known)
    assert (copy / "notes.md").read_text() == "[redacted: name].zip: fake news, by [redacted: name]\n"


def test_a_makefiles_silent_recipe_lines_are_not_handles(tmp_path):
    makefile = "test:\n\t@grep -q x README.md\n"
    copy, redactions = redacted(tmp_path, {"Makefile": makefile})
    assert (copy / "Makefile").read_text() == makefile and redactions == []


def test_a_blind_review_stopped_after_its_scan_can_be_run_again(tmp_path):
    review_secret(tmp_path / "review")  # what the scan leaves behind when the batch is refused after it
    (tmp_path / "someone.csv").write_text("id,prob_fake\n")
    options = ReviewOptions(output=tmp_path / "review", blind=True, track=False)
    with pytest.raises(UsageError, match="pass --instance ID"):  # the input's own error, not the folder's
        review_batch([f"Someone={tmp_path / 'someone.csv'}"], options)


def test_a_decorator_quoted_in_prose_is_not_looked_for_as_a_handle(tmp_path):
    source = "@dataclass\nclass A:\n    x: int = 1\n"
    copy, _ = redacted(tmp_path, {"DESIGN.md": "```python\n@dataclass\n```\nUse `@dataclass` here.\n", "a.py": source})
    assert (copy / "a.py").read_text() == source
