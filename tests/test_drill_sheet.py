"""The interviewer's sheet (``casekit drill CASE --sheet``) in headless Chromium: it loads without
script errors, shows every decision with its anchors, records scores and notes, and exports them."""

from __future__ import annotations

import json
import re

import pytest
from browser import INSTALL_HINT, Page, chromium
from conftest import casekit

from casekit import cases
from casekit.drill.plan import load_plan
from casekit.drill.sheet import EXPORT_FORMAT


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    if chromium() is None:
        pytest.skip(INSTALL_HINT)
    path = tmp_path_factory.mktemp("sheet") / "sheet.html"
    result = casekit("drill", "fake-news", "--sheet", "-o", path, check=True)
    assert f"interviewer's sheet: {path}" in result.stdout
    with Page(path.as_uri()) as page:
        yield page


def test_the_sheet_loads_without_script_errors(sheet):
    assert sheet.evaluate("document.querySelectorAll('section.decision').length") == 13
    assert sheet.exceptions == []


def test_the_sheet_shows_every_question_with_its_anchors(sheet):
    plan = load_plan(cases.get("fake-news"))
    text = sheet.evaluate("document.body.innerText")
    for decision in plan.decisions:
        for level in decision.levels:
            assert level.question in text
            assert level.red_flags[0] in text
    assert "0 = a red flag, or nothing said" in text


def test_clicks_record_scores_and_notes_that_the_export_carries(sheet):
    sheet.evaluate("document.querySelector('input[name=score-capacity_costs][value=\"3\"]').click()")
    sheet.evaluate("document.querySelector('input[name=score-calibration][value=\"1\"]').click()")
    sheet.evaluate("(() => { const note = document.getElementById('notes-calibration');"
                   " note.value = 'calibrated on training data'; note.dispatchEvent(new Event('input')); })()")
    sheet.evaluate("document.getElementById('start').click()")
    sheet.evaluate("document.getElementById('export-button').click()")
    exported = json.loads(sheet.evaluate("document.getElementById('export').textContent"))
    assert exported["format"] == EXPORT_FORMAT and exported["case"] == "fake-news"
    assert exported["scores"] == {"capacity_costs": 3, "calibration": 1}
    assert exported["notes"] == {"calibration": "calibrated on training data"}
    assert "score 4 of 6 over 2 decision(s)" in sheet.evaluate("document.getElementById('total').textContent")
    assert sheet.exceptions == []


def test_the_timer_shows_minutes_and_seconds_left_of_the_plans_hour(sheet):
    assert re.fullmatch(r"(60:00|[0-5]\d:[0-5]\d)", sheet.evaluate("document.getElementById('timer').textContent"))
