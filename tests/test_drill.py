"""``casekit drill`` through a real terminal: a drill answered, scored, written and logged; Ctrl-C
in the middle of an answer keeps that answer; a drill needs a terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import casekit
from terminal import Terminal

from casekit import cases
from casekit.drill.plan import load_plan

COUNTDOWN = r"\d\d:\d\d(\x1b\[[0-9;]*m)* left"
FIRST_ANSWER = ("Ask what a misroute costs: a ticket in the wrong product_area queue waits hours before re-routing,\r"
                "and a security report waiting in how_to is a real risk.\r")


def transcript(root: Path) -> dict:
    (folder,) = (root / "drill").iterdir()
    return json.loads((folder / "transcript.json").read_text(encoding="utf-8"))


def asked(terminal: Terminal, question: str) -> None:
    """Wait until ``question`` is shown and its answer box (with the countdown) is ready."""
    terminal.wait_for(re.escape(question[:50]))
    terminal.wait_for(COUNTDOWN)


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[Path, int, str]:
    """A whole tickets drill: the first question answered in two lines, the others left empty; the
    first decision scored 3, the others 1. The folder it ran in, its exit code and its last output."""
    folder = tmp_path_factory.mktemp("drill")
    plan = load_plan(cases.get("tickets"))
    terminal = Terminal("drill", "tickets", cwd=folder)
    for number, decision in enumerate(plan.decisions):
        for level, question in enumerate(decision.levels):
            asked(terminal, question.question)
            terminal.type(FIRST_ANSWER + "\r" if number == level == 0 else "\r")
    for number, decision in enumerate(plan.decisions):
        terminal.wait_for(re.escape(f"Your score for '{decision.title}'"))
        terminal.type("3\r" if number == 0 else "1\r")
    code = terminal.exit_code()
    return folder, code, terminal.output


def test_a_finished_drill_exits_0_and_says_its_scores(finished):
    _, code, output = finished
    assert code == 0
    assert "self-scores: 15 of 39 over 13 decision(s)" in output


def test_the_transcript_holds_every_question_its_answer_and_seconds(finished):
    folder, _, _ = finished
    written = transcript(folder)
    plan = load_plan(cases.get("tickets"))
    assert len(written["answers"]) == sum(len(decision.levels) for decision in plan.decisions)
    first = written["answers"][0]
    assert first["question"] == plan.decisions[0].opening.question
    assert first["answer"].splitlines() == [line for line in FIRST_ANSWER.split("\r") if line]
    assert all(answer["seconds"] >= 0 for answer in written["answers"]) and written["finished"]


def test_the_transcript_holds_the_self_scores(finished):
    scores = {record["key"]: record["score"] for record in transcript(finished[0])["decisions"]}
    assert scores["misroute_costs"] == 3 and set(scores.values()) == {3, 1}


def test_the_coverage_hint_names_the_strong_points_the_answer_touches(finished):
    folder, _, _ = finished
    first = transcript(folder)["answers"][0]
    assert first["touched"] and set(first["touched"]) <= set(first["strong"])
    assert transcript(folder)["answers"][1]["touched"] == []  # an empty answer touches nothing
    markdown = next((folder / "drill").iterdir()) / "transcript.md"
    assert "Coverage hint (words shared with the strong points, not a grade)" in markdown.read_text()


def test_the_drill_is_logged_to_mlflow_with_scores_and_seconds(finished):
    from mlflow import MlflowClient

    client = MlflowClient()
    experiment = client.get_experiment_by_name("casekit/tickets/drill")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.data.tags["casekit.role"] == "drill"
    assert run.data.metrics["score/misroute_costs"] == 3
    assert run.data.metrics["score_total"] == 15
    assert "seconds/misroute_costs/q1" in run.data.metrics
    assert {artifact.path for artifact in client.list_artifacts(run.info.run_id)} == {"transcript.md",
                                                                                     "transcript.json"}


def test_ctrl_c_mid_answer_keeps_the_partial_answer_and_exits_130(tmp_path):
    plan = load_plan(cases.get("tickets"))
    terminal = Terminal("drill", "tickets", "--no-track", cwd=tmp_path)
    asked(terminal, plan.decisions[0].opening.question)
    terminal.type("First line of the answer\r")
    terminal.type("and the half-typed sec")
    terminal.wait_for("half-typed sec")
    terminal.interrupt()
    assert terminal.exit_code() == 130
    assert re.search(r"interrupted: kept 1 answer\(s\) \(1 cut short\) and 0 score\(s\) in .*drill", terminal.output)
    (answer,) = transcript(tmp_path)["answers"]
    assert answer["answer"] == "First line of the answer\nand the half-typed sec" and answer["cut_short"]
    assert not transcript(tmp_path)["finished"]


def test_a_drill_without_a_terminal_says_so(tmp_path):
    result = casekit("drill", "tickets", cwd=tmp_path)
    assert result.returncode == 2
    assert "asks questions in a terminal" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
