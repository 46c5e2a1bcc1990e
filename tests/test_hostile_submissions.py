"""Hostile submissions beyond the conformance suite (which runs the whole corpus in process on
every case and source): scale, size caps, what reaches the terminal and the report, and the
corpus through the command line. Each registered case, on its default source (the command
line's own handling: one case of each task type)."""

from __future__ import annotations

import os

import pytest
from conftest import casekit, shared_key_store
from typer.testing import CliRunner

from casekit import cases
from casekit.cli import app
from casekit.conformance.hostile import build, corpus, ten_million_rows
from casekit.conformance.subject import CaseUnderTest
from casekit.tasks.hostile_files import ANSI, MARKUP, SCRIPT

pytestmark = pytest.mark.slow

CASES = [case.slug for case in cases.all()]


def cases_where(applies) -> list[str]:
    """The cases (on their default source) whose spec ``applies(spec)`` holds: a test that
    concerns only some submissions (ranked lists, a text column) runs for those alone."""
    return [case.slug for case in cases.all() if applies(case)]


RANKED = cases_where(lambda spec: spec.task == "ranking")
# The command line's own handling (errors become messages and exit codes, names are escaped) is
# the same for every case of a task type: one case of each goes through it.
ONE_PER_TASK = list({case.task: case.slug for case in reversed(cases.all())}.values())
# Submissions with a text column from a closed set (a label, an item id) that candidates write by
# hand. Free text (a generated title) is any text but a few faults: its own hostile entries check it.
WITH_TEXT = cases_where(lambda spec: getattr(spec.submission, "label_column", None) is not None
                        or hasattr(spec.submission, "item_column"))


@pytest.fixture(scope="module", params=CASES)
def issued(request, tmp_path_factory):
    """The case on its default source at its conformance scale, and a valid submission for it."""
    case = cases.get(request.param)
    # The conformance suite's instance of the case (same seed, scale and key store): its baselines
    # are trained once for both.
    subject = CaseUnderTest(case.slug, case.default_source.name, tmp_path_factory.mktemp(f"hostile-{case.slug}"),
                            key_store=shared_key_store())
    return subject, subject.sample_submission()


def _check(subject, path):
    return subject.task.check_submission(path, subject.instance.labels, subject.instance.test_ids).report


def test_the_corpus_has_at_least_forty_hostile_files(issued):
    subject, valid = issued
    assert len(corpus(subject.task, valid, subject.instance.labels)) >= 40


@pytest.mark.parametrize("issued", RANKED, indirect=True)
def test_a_ten_million_row_file_under_a_raised_cap_is_checked_and_summarised(issued, tmp_path, monkeypatch):
    subject, valid = issued
    required, _ = subject.task.submission_columns(subject.instance.labels)
    path = tmp_path / "ten-million.csv"
    path.write_bytes(ten_million_rows(valid[required]))
    monkeypatch.setenv("CASEKIT_MAX_SUBMISSION_MB", "1024")
    report = _check(subject, path)
    assert report.rows == 10_000_000
    assert report.codes == {"duplicate_item", "duplicate_rank"} and len(report.problems) <= 12


def test_a_ten_million_row_file_gets_a_clear_error(issued, tmp_path):
    subject, valid = issued
    required, _ = subject.task.submission_columns(subject.instance.labels)
    path = tmp_path / "ten-million.csv"
    path.write_bytes(ten_million_rows(valid[required]))
    report = _check(subject, path)
    assert not report.ok
    assert len(report.problems) <= 61  # summarised, not ten million lines
    assert report.codes & {"duplicate_id", "too_large", "too_many_rows"}


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(issued, tmp_path, monkeypatch):
    subject, valid = issued
    monkeypatch.setenv("CASEKIT_MAX_SUBMISSION_MB", "0.001")
    path = tmp_path / "big.csv"
    valid.to_csv(path, index=False)
    report = _check(subject, path)
    assert report.codes == {"too_large"}


@pytest.mark.parametrize("issued", WITH_TEXT, indirect=True)
def test_hostile_text_reaches_the_terminal_inert(issued, tmp_path):
    subject, valid = issued
    text = subject.task.hostile_roles(subject.instance.labels).text_column
    frame = valid.copy()
    frame.loc[0, text], frame.loc[1, text], frame.loc[2, text] = MARKUP, ANSI, SCRIPT
    path = tmp_path / "hostile.csv"
    frame.to_csv(path, index=False)
    result = _evaluate(subject, path)
    assert result.returncode == 1
    assert "[bold red]pwned[/bold red]" in result.stderr  # shown as written, not as markup
    assert "\x1b[2J" not in result.stderr  # no escape sequence reaches the terminal
    assert "<script>alert" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("issued", ONE_PER_TASK, indirect=True)
def test_hostile_candidate_names_are_escaped_in_the_report_and_terminal(issued, tmp_path):
    subject, valid = issued
    path = tmp_path / "valid.csv"
    valid.to_csv(path, index=False)
    name = f"{SCRIPT}{MARKUP}=HYPERLINK(\"http://x\")"
    result = _evaluate(subject, path, "--candidate", name)
    assert result.returncode == 0, result.stderr
    assert "".join(MARKUP.split()) in "".join(result.stdout.split())  # as written, maybe wrapped
    folder = sorted((subject.project("baseline") / "evaluation").iterdir())[-1]
    html = (folder / "report.html").read_text()
    assert SCRIPT not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("issued", WITH_TEXT, indirect=True)
def test_unicode_lookalike_labels_are_named_in_the_message(issued, tmp_path):
    subject, valid = issued
    text = subject.task.hostile_roles(subject.instance.labels).text_column
    frame = valid.copy()
    lookalike = subject.instance.labels[0].replace("e", "\u0435").replace("a", "\u0430").replace("o", "\u043e")
    frame.loc[0, text] = lookalike + "\u200b"
    path = tmp_path / "lookalike.csv"
    frame.to_csv(path, index=False)
    report = _check(subject, path)
    # A classifier's label, or a ranked list's item.
    message = next(p.message for p in report.problems if p.code in {"unknown_label", "unknown_item"})
    assert "U+200B" in message


@pytest.mark.parametrize("issued", ONE_PER_TASK, indirect=True)
def test_the_corpus_runs_through_the_command_line_without_tracebacks(issued, tmp_path):
    # In process (typer's test runner: the same command, its error mapping and its exit codes),
    # every third file: a process per file cost two seconds of start-up each. The tests above
    # run the command in a real process.
    subject, valid = issued
    sample = build(valid, subject.task.hostile_roles(subject.instance.labels))[::3]
    runner = CliRunner()
    for index, entry in enumerate(sample):
        name = entry.name
        path = tmp_path / f"{index:02d}-{name}.csv"
        path.write_bytes(entry.payload)
        result = runner.invoke(app, ["evaluate", str(subject.project("baseline")), "--submission", str(path),
                                     "--no-track", "--keys-dir", str(subject.keys_dir)],
                               env={"CASEKIT_MAX_SUBMISSION_MB": os.environ.get("CASEKIT_MAX_SUBMISSION_MB", "256"),
                                    "COLUMNS": "200"})
        assert result.exit_code in (0, 1), (name, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (name, result.exception)
        assert "Traceback" not in result.output, name


def _evaluate(subject, path, *options, env=None):
    """``casekit evaluate`` on the subject's project, scoring ``path``, not logged."""
    return casekit("evaluate", subject.project("baseline"), "--submission", path, "--no-track", "--keys-dir",
                   subject.keys_dir, *options, env=env)
