"""Hostile submissions, against every case: each ends in a score or a clear error, never a crash.

In process, the invariant is: ``check_submission`` then ``score_submission`` either succeed or
raise a :class:`CasekitError` (which the CLI turns into a message and exit code 1). A few
entries also go through the real command line, to check what reaches the terminal.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import casekit
from hostile_corpus import ANSI, MARKUP, SCRIPT, TASK_EXPECTED, build, decision_files, ten_million_rows

import cases
from evaluator import tasks
from evaluator.errors import CasekitError
from evaluator.evaluation import open_instance, write_outputs
from evaluator.instances.issue import new_project
from evaluator.scoring.score import score_submission
from evaluator.tasks.submission import check_submission

CASES = [case.slug for case in cases.all()]


def cases_where(applies) -> list[str]:
    """The cases (on their default source) whose spec ``applies(spec)`` holds: a test that
    concerns only some submissions (ranked lists, a declared threshold) runs for those alone."""
    return [case.slug for case in cases.all() if applies(case)]


TASK_SPECIFIC = cases_where(lambda spec: spec.task in TASK_EXPECTED)
RANKED = cases_where(lambda spec: spec.task == "ranking")
DECIDED = cases_where(lambda spec: hasattr(tasks.get(spec.task), "read_decision"))
# Submissions with a text column (a label, an item id) that candidates write by hand.
WITH_TEXT = cases_where(lambda spec: spec.submission.label_column is not None)


@pytest.fixture(scope="module", params=CASES)
def issued(request, tmp_path_factory):
    """A project of the case on its default (offline) source, and a valid submission for it."""
    root = tmp_path_factory.mktemp(f"hostile-{request.param}")
    created = new_project(request.param, output=root / "project", seed=5, starter="empty")
    instance = open_instance(created.path)
    valid = _valid_submission(instance, created.path)
    return instance, valid


def _valid_submission(instance, project: Path) -> pd.DataFrame:
    spec = instance.spec
    sample = pd.read_csv(project / "data" / "sample_submission.csv", dtype=str, keep_default_na=False)
    required, optional = tasks.get(spec.task).submission_columns(spec, instance.labels)
    for column in optional:  # e.g. optional class probabilities: include them, uniform
        sample[column] = str(1 / len(optional))
    return sample


def _corpus(instance, valid: pd.DataFrame) -> list[tuple[str, bytes]]:
    return build(valid, *_columns(instance), task=instance.spec.task)


def _columns(instance) -> tuple[str, str | None, str | None]:
    schema = instance.spec.submission
    required, optional = tasks.get(instance.spec.task).submission_columns(instance.spec, instance.labels)
    others = [c for c in required + optional if c != schema.id_column]
    text = schema.label_column if schema.label_column in others else None
    numbers = [c for c in others if c != text]
    return schema.id_column, text, numbers[0] if numbers else None


def _score_or_clear_error(instance, path: Path, tmp_path: Path) -> str:
    spec = instance.spec
    ids = pd.Index(instance.key.answers[spec.id_column])
    try:
        checked = check_submission(path, spec, instance.labels, ids)
        if not checked.report.ok:
            for problem in checked.report.problems:
                assert problem.message.strip(), problem
            return "error"
        card = score_submission(spec, instance.bundle, instance.key, checked, {}, resamples=1000)
        write_outputs(card, tmp_path / "out", path)
        return "scored"
    except CasekitError as error:
        assert str(error).strip()
        return "error"


def test_the_corpus_has_at_least_forty_hostile_files(issued):
    instance, valid = issued
    assert len(_corpus(instance, valid)) >= 40


def test_every_hostile_file_ends_in_a_score_or_a_clear_error(issued, tmp_path):
    instance, valid = issued
    outcomes = {}
    for index, (name, payload) in enumerate(_corpus(instance, valid)):
        path = tmp_path / f"{index:02d}-{name}.csv"
        path.write_bytes(payload)
        outcomes[name] = _score_or_clear_error(instance, path, tmp_path / name)
    assert outcomes["utf8-bom"] == "scored" and outcomes["crlf"] == "scored"
    for name in ("utf16-le", "latin1-byte", "empty", "header-only", "duplicate-header", "id-lookalike"):
        assert outcomes[name] == "error", name


@pytest.mark.parametrize("issued", TASK_SPECIFIC, indirect=True)
def test_task_specific_hostile_files_end_as_expected(issued, tmp_path):
    instance, valid = issued
    expected = TASK_EXPECTED[instance.spec.task]
    ids = pd.Index(instance.key.answers[instance.spec.id_column])
    entries = dict(_corpus(instance, valid))
    assert set(expected) <= set(entries)
    for name, outcome in expected.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(entries[name])
        checked = check_submission(path, instance.spec, instance.labels, ids)
        if outcome == "scored":
            assert checked.report.ok, (name, checked.report.summary())
            score_submission(instance.spec, instance.bundle, instance.key, checked, {}, resamples=20)
        else:
            assert outcome in checked.report.codes, (name, checked.report.summary())


@pytest.mark.parametrize("issued", RANKED, indirect=True)
def test_a_ten_million_row_file_under_a_raised_cap_is_checked_and_summarised(issued, tmp_path, monkeypatch):
    instance, valid = issued
    required, _ = tasks.get(instance.spec.task).submission_columns(instance.spec, instance.labels)
    path = tmp_path / "ten-million.csv"
    path.write_bytes(ten_million_rows(valid[required]))
    monkeypatch.setenv("CASEKIT_MAX_SUBMISSION_MB", "1024")
    report = check_submission(path, instance.spec, instance.labels,
                              pd.Index(instance.key.answers[instance.spec.id_column])).report
    assert report.rows == 10_000_000
    assert report.codes == {"duplicate_item", "duplicate_rank"} and len(report.problems) <= 12


@pytest.mark.parametrize("issued", DECIDED, indirect=True)
def test_every_hostile_decision_file_ends_in_a_score_or_a_clear_error(issued, tmp_path):
    instance, valid = issued
    outcomes = {}
    for name, payload in decision_files():
        folder = tmp_path / name
        folder.mkdir()
        valid.to_csv(folder / "predictions.csv", index=False)
        (folder / "decision.json").write_bytes(payload)
        outcomes[name] = _score_or_clear_error(instance, folder / "predictions.csv", folder / "out")
    scored = {name for name, outcome in outcomes.items() if outcome == "scored"}
    assert scored == {"decision-utf8-bom", "decision-negative-zero"}


def test_a_ten_million_row_file_gets_a_clear_error(issued, tmp_path):
    instance, valid = issued
    required, _ = tasks.get(instance.spec.task).submission_columns(instance.spec, instance.labels)
    path = tmp_path / "ten-million.csv"
    path.write_bytes(ten_million_rows(valid[required]))
    report = check_submission(path, instance.spec, instance.labels,
                              pd.Index(instance.key.answers[instance.spec.id_column])).report
    assert not report.ok
    assert len(report.problems) <= 61  # summarised, not ten million lines
    assert report.codes & {"duplicate_id", "too_large"}


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(issued, tmp_path, monkeypatch):
    instance, valid = issued
    monkeypatch.setenv("CASEKIT_MAX_SUBMISSION_MB", "0.001")
    path = tmp_path / "big.csv"
    valid.to_csv(path, index=False)
    report = check_submission(path, instance.spec, instance.labels,
                              pd.Index(instance.key.answers[instance.spec.id_column])).report
    assert report.codes == {"too_large"}


@pytest.mark.parametrize("issued", WITH_TEXT, indirect=True)
def test_hostile_text_reaches_the_terminal_inert(issued, tmp_path):
    instance, valid = issued
    _, text, _ = _columns(instance)
    frame = valid.copy()
    frame.loc[0, text], frame.loc[1, text], frame.loc[2, text] = MARKUP, ANSI, SCRIPT
    path = tmp_path / "hostile.csv"
    frame.to_csv(path, index=False)
    result = casekit("evaluate", instance.project, "--submission", path, "--no-track")
    assert result.returncode == 1
    assert "[bold red]pwned[/bold red]" in result.stderr  # shown as written, not as markup
    assert "\x1b[2J" not in result.stderr  # no escape sequence reaches the terminal
    assert "<script>alert" in result.stderr and "Traceback" not in result.stderr


def test_hostile_candidate_names_are_escaped_in_the_report_and_terminal(issued, tmp_path):
    instance, valid = issued
    path = tmp_path / "valid.csv"
    valid.to_csv(path, index=False)
    name = f"{SCRIPT}{MARKUP}=HYPERLINK(\"http://x\")"
    result = casekit("evaluate", instance.project, "--submission", path, "--no-track", "--candidate", name)
    assert result.returncode == 0, result.stderr
    assert "".join(MARKUP.split()) in "".join(result.stdout.split())  # as written, maybe wrapped
    folder = sorted((instance.project / "evaluation").iterdir())[-1]
    html = (folder / "report.html").read_text()
    assert SCRIPT not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("issued", WITH_TEXT, indirect=True)
def test_unicode_lookalike_labels_are_named_in_the_message(issued, tmp_path):
    instance, valid = issued
    _, text, _ = _columns(instance)
    frame = valid.copy()
    frame.loc[0, text] = instance.labels[0].replace("e", "\u0435").replace("a", "\u0430").replace("o", "\u043e") + "\u200b"
    path = tmp_path / "lookalike.csv"
    frame.to_csv(path, index=False)
    report = check_submission(path, instance.spec, instance.labels,
                              pd.Index(instance.key.answers[instance.spec.id_column])).report
    # A classifier's label, or a ranked list's item.
    message = next(p.message for p in report.problems if p.code in {"unknown_label", "unknown_item"})
    assert "U+200B" in message


def test_the_corpus_runs_through_the_real_command_line_without_tracebacks(issued, tmp_path):
    instance, valid = issued
    sample = build(valid, *_columns(instance))[::6]  # every sixth entry: the CLI adds ~2 s each
    for index, (name, payload) in enumerate(sample):
        path = tmp_path / f"{index:02d}-{name}.csv"
        path.write_bytes(payload)
        result = casekit("evaluate", instance.project, "--submission", path, "--no-track",
                         env={"CASEKIT_MAX_SUBMISSION_MB": os.environ.get("CASEKIT_MAX_SUBMISSION_MB", "256")})
        assert result.returncode in (0, 1), (name, result.stderr)
        assert "Traceback" not in result.stderr, name
