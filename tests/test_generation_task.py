"""The generation task: what a case must declare, how the multi-reference key is read, what each
faulty text is called, and the details a scorecard keeps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter

from casekit import cases, tasks
from casekit.cases.errors import CaseSpecError
from casekit.cases.spec import MetricSpec
from casekit.cases.submission_schemas import GenerationSubmission
from casekit.tasks.generation import GenerationDetails, as_one_line

CASE = cases.get("incident-titles")


def faithfulness_with(**params) -> MetricSpec:
    return MetricSpec("faithfulness", "Faithfulness", params=params)


def test_an_invalid_identifier_pattern_fails_at_load_naming_it():
    spec = replace(CASE, metrics=(CASE.metrics[0], faithfulness_with(columns=("alerts",), patterns=("[a-z",))))
    with pytest.raises(CaseSpecError, match=r"metric 'faithfulness' \(faithfulness\): parameter 'patterns': "
                                            r"identifier pattern '\[a-z': unterminated"):
        tasks.for_case(spec)


def test_faithfulness_without_input_columns_fails_at_load():
    spec = replace(CASE, metrics=(CASE.metrics[0], faithfulness_with(columns=(), patterns=(r"\d+",))))
    with pytest.raises(CaseSpecError, match=r"parameter 'columns': tuple should have at least 1 item"):
        tasks.for_case(spec)


def test_the_length_ratio_cannot_be_the_primary_metric():
    with pytest.raises(CaseSpecError, match="better closer to 1, so it cannot rank submissions"):
        tasks.for_case(replace(CASE, primary_metric="length_ratio"))


def test_a_generation_case_must_cap_the_text_length():
    with pytest.raises(CaseSpecError, match="max_text_length"):
        tasks.for_case(replace(CASE, submission=GenerationSubmission("incident_id", "title", max_text_length=0)))


def test_the_answer_key_has_a_row_per_reference_and_ids_keep_their_references_and_inputs():
    task = tasks.for_case(CASE)
    answers = pd.DataFrame({"incident_id": ["b", "a", "b", "a", "c"], "title": ["b1", "a1", "b2", "a2", "c1"]})
    test = pd.DataFrame({"incident_id": ["a", "b", "c"], "alerts": ["y", "x", "z"]})
    truth = task.truth(answers, (), inputs={"test": test})
    assert list(truth.ids) == ["b", "a", "c"]
    assert list(truth.references) == ["b1", "b2", "a1", "a2", "c1"]
    assert truth.ref_row.tolist() == [0, 0, 1, 1, 2]
    assert list(truth.inputs["alerts"]) == ["x", "y", "z"]
    kept = truth.subset(np.array([False, True, True]))
    assert list(kept.references) == ["a1", "a2", "c1"] and kept.ref_row.tolist() == [0, 0, 1]


@pytest.mark.parametrize(("title", "code"), [
    ("", "missing_text"), ("null", "missing_text"), ("   ", "blank_text"), ("x" * 151, "text_too_long"),
    ("disk\nfull", "line_break"), ("disk\u2028full", "line_break"), ("disk\x1b[2Jfull", "control_character"),
])
def test_each_faulty_title_is_named_with_its_row_id_and_column(title, code, tmp_path: Path):
    task = tasks.for_case(CASE)
    path = tmp_path / "predictions.csv"
    pd.DataFrame({"incident_id": ["INC-1", "INC-2"], "title": ["disk full", title]}).to_csv(path, index=False)
    report = task.check_submission(path, (), pd.Index(["INC-1", "INC-2"])).report
    assert report.codes == {code}
    assert "row 2 (incident_id='INC-2'), column 'title'" in report.problems[0].message
    assert len(report.problems[0].message) < 300


def test_baseline_texts_are_made_one_line_within_the_cap():
    assert as_one_line("disk\nfull\x1b on  db-1", 12) == "disk full on"
    assert as_one_line(" \n ", 12) == "untitled"


def test_the_details_round_trip_through_json_and_render_their_tables():
    task = tasks.for_case(CASE)
    answers = pd.DataFrame({"incident_id": ["a", "a", "b"], "title": ["disk full on db", "db disk full", "kafka lag"]})
    columns = task.scoring_inputs()["test"]
    test = pd.DataFrame({column: ["a", "b"] if column == "incident_id" else ["db-api disk", "lag"]
                         for column in columns})
    truth = task.truth(answers, (), inputs={"test": test})
    predictions = task.decode(pd.DataFrame({"incident_id": ["a", "b"], "title": ["<b>disk</b> full", "v1.2.3 lag"]}),
                              (), truth.ids)
    details = task.details(truth, predictions)
    from dataclasses import asdict

    again = TypeAdapter(GenerationDetails).validate_python(asdict(details))
    assert again == details
    assert details.unfaithful_count == 1 and details.unfaithful[0].unsupported == ["v1.2.3"]
    assert any(row[1] == "<b>disk</b> full" for table in details.tables() for row in table.rows)
    assert details.figures()["length_histogram.png"].startswith(b"\x89PNG")
